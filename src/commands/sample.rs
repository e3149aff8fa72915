//! `disputes sample`: realistic synthetic logs of both kinds, deterministic
//! for a seed; clean files for benchmarks, or with `--exports` the messy
//! overlapping exports that `sample_data/` holds.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use disputes::ingest::schema::LogKind;
use disputes::messages::Message;
use disputes::regions::RegionTable;
use disputes::sample::{self, SampleOptions};

use crate::cli::SampleArgs;

fn year_month(flag: &str, s: &str) -> Result<(i32, u32)> {
    let p = disputes::period::Period::month(s)
        .map_err(|_| anyhow::anyhow!("--{flag} {s:?}: write it as YYYY-MM"))?;
    let from = p.from.expect("a month has a first day");
    use chrono::Datelike;
    Ok((from.year(), from.month()))
}

pub fn run(args: &SampleArgs) -> Result<ExitCode> {
    let from = year_month("from", &args.from)?;
    let to = year_month("to", &args.to)?;
    if from > to {
        bail!("--from {} is after --to {}", args.from, args.to);
    }
    if !(args.scale > 0.0 && args.scale <= 100_000.0) {
        bail!("--scale must be above 0 and at most 100000");
    }
    let opts = SampleOptions {
        seed: args.seed,
        from,
        to,
        scale: args.scale,
    };
    let regions = RegionTable::hubei();
    std::fs::create_dir_all(&args.out).with_context(|| Message::CannotCreateFolder {
        path: args.out.display().to_string(),
    })?;
    if args.exports || args.workbook {
        let files = if args.exports {
            sample::write_exports(&opts, &regions, &args.out, args.workbook)
        } else {
            sample::write_clean_register(&opts, &regions, &args.out)
        };
        let files = files.with_context(|| Message::CannotWrite {
            path: args.out.display().to_string(),
        })?;
        for f in files {
            super::print_out(&format!("wrote {}\n", f.display()))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Both logs are generated together (tickets link to cases); a kind left
    // out is generated and dropped.
    let writer = |kind: LogKind| -> Result<(Box<dyn Write>, Option<PathBuf>)> {
        if args.kind.is_some_and(|k| k != kind) {
            return Ok((Box::new(std::io::sink()), None));
        }
        let path = args.out.join(format!("{}.csv", kind.name()));
        let file = std::fs::File::create(&path).with_context(|| Message::CannotWrite {
            path: path.display().to_string(),
        })?;
        Ok((
            Box::new(BufWriter::with_capacity(1 << 20, file)),
            Some(path),
        ))
    };
    let (mut hotline, hotline_path) = writer(LogKind::Hotline)?;
    let (mut mediation, mediation_path) = writer(LogKind::Mediation)?;
    let counts = sample::write_clean(&opts, &regions, &mut hotline, &mut mediation)
        .context("cannot write the sample logs")?;
    hotline.flush()?;
    mediation.flush()?;
    if let Some(p) = hotline_path {
        super::print_out(&format!(
            "wrote {} ({} tickets)\n",
            p.display(),
            counts.hotline_rows
        ))?;
    }
    if let Some(p) = mediation_path {
        super::print_out(&format!(
            "wrote {} ({} cases)\n",
            p.display(),
            counts.mediation_rows
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
