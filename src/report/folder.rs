//! Writing the report folder: the charts drawn, every file rendered, all
//! of it staged in a hidden folder beside the destination and renamed into
//! place, so the folder appears whole or not at all.
//!
//! Files: index.html, report.md, report.xlsx, report.docx, one CSV per section (named by
//! [`super::Section::file_stem`]), rates.svg, funnel.svg (the funnel plot)
//! and trend.svg. Nothing in them depends on the clock unless
//! `--generated-at`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Report, charts, markdown, page, region_code};
use crate::analysis::rates::Verdict;
use crate::messages::Message;
use crate::regions::RegionTable;
use crate::render;

/// The prefectures as chart rows, named by their short names.
fn prefecture_points<'a>(report: &'a Report, regions: &RegionTable) -> Vec<charts::Named<'a>> {
    report
        .prefectures
        .rows
        .iter()
        .map(|r| charts::Named {
            name: region_code(r).and_then(|c| regions.get(c)).map_or_else(
                || r.keys.first().map_or("", |k| k.region_name()).to_string(),
                |g| g.short_name.clone(),
            ),
            row: r,
        })
        .collect()
}

/// Draws the charts and renders every file of the folder: (file name, bytes).
pub fn files(report: &Report, regions: &RegionTable) -> Result<Vec<(String, Vec<u8>)>> {
    let lang = report.lang;
    let points = prefecture_points(report, regions);
    let below: Vec<(u32, String)> = points
        .iter()
        .filter(|p| p.row.verdict == Verdict::Below)
        .filter_map(|p| Some((region_code(p.row)?, p.name.clone())))
        .collect();
    let charts = page::Charts {
        rates: charts::rates_bars(&points, report.baseline, lang)?,
        funnel_plot: charts::funnel_plot(&points, report.baseline, lang)?,
        trend: charts::trend_chart(&report.trend, &below, report.baseline, lang)?,
        trend_highlights: !below.is_empty(),
    };

    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "index.html".into(),
            page::render(report, &charts).into_bytes(),
        ),
        ("report.md".into(), markdown::render(report).into_bytes()),
        ("rates.svg".into(), charts.rates.clone().into_bytes()),
        ("funnel.svg".into(), charts.funnel_plot.clone().into_bytes()),
        ("trend.svg".into(), charts.trend.clone().into_bytes()),
    ];
    for section in report.sections.all() {
        files.push((
            format!("{}.csv", section.file_stem),
            render::csv::for_excel(&section.table),
        ));
    }
    // The workbook opens on the headline as the page words it; the
    // machine form of it stays in headline.csv.
    let headline = crate::tables::report::headline_for_reading(
        &report.title(),
        &report.headline_items(),
        lang,
    );
    let tables: Vec<&crate::tables::Table> = std::iter::once(&headline)
        .chain(
            report
                .sections
                .all()
                .into_iter()
                .filter(|s| !std::ptr::eq(*s, &report.sections.headline))
                .map(|s| &s.table),
        )
        .collect();
    files.push(("report.xlsx".into(), render::xlsx::workbook(&tables, lang)?));
    files.push((
        "report.docx".into(),
        super::docx::render(report).map_err(|e| anyhow::anyhow!("report.docx: {e}"))?,
    ));
    Ok(files)
}

/// Renders the report and writes its folder at `out` (an existing folder
/// is replaced only when `force`). Returns the number of files written.
pub fn write(report: &Report, regions: &RegionTable, out: &Path, force: bool) -> Result<usize> {
    if out.exists() && !force {
        return Err(Message::ReportExists {
            folder: out.display().to_string(),
        }
        .into());
    }
    let files = files(report, regions)?;
    write_folder(out, &files, force)?;
    Ok(files.len())
}

/// Staging folders are named for the process that made them.
fn staging_prefix(pid: u32) -> String {
    format!(".report-{pid}-")
}

/// A staging folder older than this is a leftover, whoever made it.
const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the staging folders a killed run left beside the reports: those
/// of a process that no longer runs (where /proc tells), or older than an
/// hour. Failures are ignored: a leftover is only clutter.
fn remove_leftovers(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(".report-") else {
            continue;
        };
        let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        if pid == Some(std::process::id()) {
            continue;
        }
        let proc = Path::new("/proc");
        let gone = proc.is_dir() && pid.is_some_and(|p| !proc.join(p.to_string()).exists());
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > LEFTOVER_AGE);
        if gone || old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Writes the files into a fresh folder beside `out`, then renames it into
/// place (replacing an existing folder only when `force`).
fn write_folder(out: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| Message::CannotCreateFolder {
        path: parent.display().to_string(),
    })?;
    remove_leftovers(parent);
    let staging = tempfile::Builder::new()
        .prefix(&staging_prefix(std::process::id()))
        .tempdir_in(parent)
        .with_context(|| Message::CannotWrite {
            path: parent.display().to_string(),
        })?;
    for (name, bytes) in files {
        let path = staging.path().join(name);
        render::write_atomic(&path, bytes).with_context(|| Message::CannotWrite {
            path: path.display().to_string(),
        })?;
    }
    // Folders from tempdir are private (0700); a report is for reading.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    let staged: PathBuf = staging.keep();
    if out.exists() {
        if !force {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(Message::ReportExists {
                folder: out.display().to_string(),
            }
            .into());
        }
        let old = tempfile::Builder::new()
            .prefix(&staging_prefix(std::process::id()))
            .tempdir_in(parent)?
            .keep();
        std::fs::remove_dir(&old)?;
        std::fs::rename(out, &old).with_context(|| Message::CannotWrite {
            path: out.display().to_string(),
        })?;
        if let Err(e) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e).with_context(|| Message::CannotWrite {
                path: out.display().to_string(),
            });
        }
        std::fs::remove_dir_all(&old).with_context(|| Message::CannotWrite {
            path: old.display().to_string(),
        })?;
    } else if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e).with_context(|| Message::CannotWrite {
            path: out.display().to_string(),
        });
    }
    Ok(())
}
