//! The checked cache: a warm run gives what a cold one gives, byte for
//! byte; any change to a file or the region table misses; the cache is
//! the owner's alone; `--no-cache` and `disputes cache info|clear`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs on the bundled sample_data/ with the cache in `cache`.
fn run(cache: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_disputes"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env("DISPUTES_CACHE_DIR", cache)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(cache)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    all.sort();
    all
}

#[test]
fn a_warm_run_gives_byte_identical_output_for_every_command_and_format() {
    let ws = Workspace::new();
    let cache = ws.path("cache");
    let out = ws.path("out");
    std::fs::create_dir(&out).unwrap();
    let file = |name: &str| out.join(name).to_str().unwrap().to_string();
    let commands: Vec<Vec<String>> = [
        vec!["rates", "--year", "2023"],
        vec!["rates", "--by", "county", "--half", "2023H2", "--format", "csv"],
        vec!["rates", "--compare", "previous", "--month", "2023-06", "--format", "json"],
        vec!["rates", "--by", "month", "--format", "markdown"],
        vec!["hotline", "--year", "2023", "--format", "csv"],
        vec!["funnel", "--year", "2023"],
        vec!["validate"],
        vec!["validate", "--format", "json"],
        vec!["query", "SELECT prefecture, count(*) AS n FROM mediation GROUP BY prefecture ORDER BY prefecture", "--format", "csv"],
    ]
    .iter()
    .map(|c| c.iter().map(|s| s.to_string()).collect())
    .collect();
    let mut cold = Vec::new();
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        cold.push(run(&cache, &args));
    }
    assert!(
        !entries(&cache).is_empty(),
        "the cold runs filled the cache"
    );
    for (args, cold) in commands.iter().zip(&cold) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let warm = run(&cache, &args);
        assert_eq!(warm.0, cold.0, "{args:?}");
        assert!(warm.1 == cold.1, "{args:?}: standard output differs");
        assert_eq!(warm.2, cold.2, "{args:?}: standard error differs");
    }
    // Files too: a workbook and a report folder.
    for round in ["cold", "warm"] {
        let xlsx = file(&format!("{round}.xlsx"));
        let folder = file(round);
        assert_eq!(
            run(&cache, &["rates", "--year", "2023", "--output", &xlsx]).0,
            0
        );
        assert_eq!(
            run(&cache, &["report", "--half", "2023H2", "--out", &folder]).0,
            0
        );
    }
    let bytes = |p: String| std::fs::read(p).unwrap();
    assert!(bytes(file("cold.xlsx")) == bytes(file("warm.xlsx")));
    for name in [
        "report.md",
        "index.html",
        "report.docx",
        "report.xlsx",
        "prefectures.csv",
        "files.csv",
        "rejects_by_reason.csv",
    ] {
        assert!(
            bytes(file(&format!("cold/{name}"))) == bytes(file(&format!("warm/{name}"))),
            "{name}"
        );
    }
}

/// A copy of one sample file in a folder of its own, and its cache.
fn one_file(ws: &Workspace) -> (PathBuf, PathBuf) {
    let data = ws.path("m.csv");
    std::fs::copy(
        repo().join("sample_data/mediation_2023-01_2023-07.csv"),
        &data,
    )
    .unwrap();
    (data, ws.path("cache"))
}

#[test]
fn the_cache_is_what_a_warm_run_reads_and_no_cache_reads_the_file() {
    let ws = Workspace::new();
    let (data, cache) = one_file(&ws);
    let data = data.to_str().unwrap();
    let args = ["validate", "--mediation", data];
    let cold = run(&cache, &args);
    // Alter the kept reasons: a warm run shows them, so it read the cache.
    for entry in entries(&cache) {
        if entry.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&entry).unwrap();
            std::fs::write(&entry, text.replace("早于", "EARLIER")).unwrap();
        }
    }
    let warm = run(&cache, &args);
    assert!(String::from_utf8_lossy(&warm.1).contains("EARLIER"));
    let fresh = run(&cache, &["validate", "--mediation", data, "--no-cache"]);
    assert_eq!(fresh.1, cold.1, "--no-cache reads and checks the file");
}

#[test]
fn commands_using_different_kinds_share_the_entry_of_a_file_given_by_kind() {
    let ws = Workspace::new();
    let (data, cache) = one_file(&ws);
    let data = data.to_str().unwrap();
    // `rates` uses mediation only, `funnel` both kinds; the file is the same.
    assert_eq!(run(&cache, &["rates", "--mediation", data]).0, 0);
    let after_rates = entries(&cache);
    assert_eq!(run(&cache, &["funnel", "--mediation", data]).0, 0);
    assert_eq!(entries(&cache), after_rates, "funnel took rates' entry");
    // A file known only by its header is kept per set of kinds.
    let by_header = ws.path("exports");
    std::fs::create_dir(&by_header).unwrap();
    std::fs::copy(data, by_header.join("m.csv")).unwrap();
    let by_header = by_header.to_str().unwrap();
    assert_eq!(run(&cache, &["rates", "--data", by_header]).0, 0);
    let with_rates = entries(&cache).len();
    assert_eq!(run(&cache, &["funnel", "--data", by_header]).0, 0);
    assert_eq!(
        entries(&cache).len(),
        with_rates + 2,
        "an entry (.ipc, .json) of its own"
    );
}

#[test]
fn the_same_bytes_under_another_name_are_named_as_given_this_time() {
    let ws = Workspace::new();
    let (data, cache) = one_file(&ws);
    // The JSON accounting and rejects of a file, through the cache or not.
    let validate = |file: &str, cached: bool| {
        let mut args = vec!["validate", "--mediation", file, "--format", "json"];
        if !cached {
            args.push("--no-cache");
        }
        run(&cache, &args).1
    };
    let renamed = ws.path("renamed.csv");
    std::fs::copy(&data, &renamed).unwrap();
    let (data, renamed) = (data.to_str().unwrap(), renamed.to_str().unwrap());
    validate(data, true);
    let warm = validate(renamed, true);
    assert_eq!(entries(&cache).len(), 2, "one entry (.ipc, .json), taken");
    let text = String::from_utf8_lossy(&warm);
    assert!(
        text.contains("renamed.csv") && !text.contains("m.csv"),
        "{text}"
    );
    assert!(
        warm == validate(renamed, false),
        "the accounting and every reject name the file given"
    );
    // A workbook's sheets too.
    let sample = repo().join("sample_data/襄阳市调解案件台账_2023下半年.xlsx");
    let (book, other) = (ws.path("book.xlsx"), ws.path("other.xlsx"));
    std::fs::copy(&sample, &book).unwrap();
    std::fs::copy(&sample, &other).unwrap();
    let (book, other) = (book.to_str().unwrap(), other.to_str().unwrap());
    validate(book, true);
    let warm = validate(other, true);
    assert!(String::from_utf8_lossy(&warm).contains("other.xlsx[7月]"));
    assert!(warm == validate(other, false));
}

#[test]
fn a_changed_file_or_region_table_misses() {
    let ws = Workspace::new();
    let (data, cache) = one_file(&ws);
    let path = data.to_str().unwrap().to_string();
    let args = ["rates", "--mediation", &path, "--format", "csv"];
    let before = run(&cache, &args);
    // One byte changed, same size: 武汉 becomes 宜昌 on the first case.
    let text = std::fs::read_to_string(&data).unwrap();
    let at = text.find("武汉").unwrap();
    let changed = format!("{}宜昌{}", &text[..at], &text[at + "武汉".len()..]);
    assert_eq!(changed.len(), text.len());
    std::fs::write(&data, changed).unwrap();
    let after = run(&cache, &args);
    assert_ne!(after.1, before.1, "a changed file is read again");
    let none = run(&cache, &[&args[..], &["--no-cache"]].concat());
    assert_eq!(after.1, none.1);
    // Another region table: same figures here, but a miss (a new entry).
    let table = ws.path("regions.csv");
    let mut regions =
        std::fs::read_to_string(repo().join("src/regions/hubei_regions.csv")).unwrap();
    regions.push('\n');
    std::fs::write(&table, regions).unwrap();
    let count = entries(&cache).len();
    let other = run(
        &cache,
        &[&args[..], &["--regions", table.to_str().unwrap()]].concat(),
    );
    assert_eq!(other.0, 0, "{}", other.2);
    assert!(
        entries(&cache).len() > count,
        "another region table, another entry"
    );
}

#[cfg(unix)]
#[test]
fn cache_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    let (data, cache) = one_file(&ws);
    run(&cache, &["rates", "--mediation", data.to_str().unwrap()]);
    let files = entries(&cache);
    assert!(files.len() >= 2, "an index and its rows");
    for f in files {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}

#[test]
fn cache_info_and_clear() {
    let ws = Workspace::new();
    let (data, cache) = one_file(&ws);
    run(&cache, &["rates", "--mediation", data.to_str().unwrap()]);
    let info = run(&cache, &["cache", "info"]);
    let text = String::from_utf8_lossy(&info.1);
    assert!(text.contains("已缓存 1 个文件的核对结果"), "{text}");
    assert!(text.contains("只有本人可读"));
    let clear = run(&cache, &["cache", "clear"]);
    assert!(String::from_utf8_lossy(&clear.1).contains("删除 1 个文件的核对结果"));
    assert!(entries(&cache).is_empty());
}

#[test]
fn the_cache_keeps_to_its_size_dropping_what_was_used_longest_ago() {
    let ws = Workspace::new();
    let cache = ws.path("cache");
    let mut paths = Vec::new();
    for i in 0..3 {
        let p = ws.path(&format!("m{i}.csv"));
        std::fs::copy(repo().join("sample_data/mediation_2023-01_2023-07.csv"), &p).unwrap();
        // A different file each time: one more case.
        let mut text = std::fs::read_to_string(&p).unwrap();
        text.push_str(&format!(
            "X{i},court,武汉市,,法院委派,,欠薪,,2023-06-01,2023-06-02,success,,,\n"
        ));
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    let rates = |p: &PathBuf, max_mb: &str| {
        Command::new(env!("CARGO_BIN_EXE_disputes"))
            .args(["rates", "--mediation", p.to_str().unwrap(), "-q"])
            .env("DISPUTES_CACHE_DIR", &cache)
            .env("DISPUTES_CACHE_MAX_MB", max_mb)
            .output()
            .unwrap()
    };
    for p in &paths {
        rates(p, "1000");
    }
    let indexes = |c: &Path| {
        entries(c)
            .iter()
            .filter(|e| e.extension().is_some_and(|x| x == "json"))
            .count()
    };
    assert_eq!(indexes(&cache), 3);
    // A limit of 0 keeps only the entry just written.
    let fourth = ws.path("m3.csv");
    std::fs::copy(
        repo().join("sample_data/mediation_2023-06_2023-12.csv"),
        &fourth,
    )
    .unwrap();
    rates(&fourth, "0");
    assert_eq!(indexes(&cache), 1);
}
