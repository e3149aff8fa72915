//! `disputes cache info|clear`, and where the checked cache lives.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use disputes::ingest::cache;
use disputes::messages::{Message, pick};

use crate::cli::{CacheAction, CacheArgs};

/// The cache folder: `$DISPUTES_CACHE_DIR`, else the user's cache folder
/// (`%LOCALAPPDATA%\disputes\cache` on Windows, `$XDG_CACHE_HOME/disputes`
/// or `~/.cache/disputes` elsewhere). None when there is no such folder.
pub fn folder() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("DISPUTES_CACHE_DIR") {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|d| d.join("disputes").join("cache"));
    }
    var("XDG_CACHE_HOME")
        .map(|d| d.join("disputes"))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("disputes")))
}

pub fn run(args: &CacheArgs) -> Result<ExitCode> {
    let Some(dir) = folder() else {
        super::print_out(pick(
            "没有缓存文件夹（未设置 HOME）\n",
            "no cache folder (HOME is not set)\n",
        ))?;
        return Ok(ExitCode::SUCCESS);
    };
    let shown = dir.display().to_string();
    let cannot = || Message::CannotWrite {
        path: shown.clone(),
    };
    match args.action {
        CacheAction::Info => {
            let (entries, bytes) = cache::info(&dir).with_context(cannot)?;
            let mb = bytes as f64 / 1_048_576.0;
            super::print_out(&match disputes::messages::language() {
                disputes::Lang::Zh => format!(
                    "缓存文件夹：{shown}\n已缓存 {entries} 个文件的核对结果，共 {mb:.1} MB\n缓存里有原始记录（含电话号码），只有本人可读；disputes cache clear 可清空\n"
                ),
                disputes::Lang::En => format!(
                    "cache folder: {shown}\nchecked results of {entries} files, {mb:.1} MB\nit holds raw records (phone numbers included), readable by you only; disputes cache clear empties it\n"
                ),
            })?;
        }
        CacheAction::Clear => {
            let removed = cache::clear(&dir).with_context(cannot)?;
            super::print_out(&match disputes::messages::language() {
                disputes::Lang::Zh => {
                    format!("已清空缓存：删除 {removed} 个文件的核对结果（{shown}）\n")
                }
                disputes::Lang::En => {
                    format!("cache cleared: checked results of {removed} files removed ({shown})\n")
                }
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
