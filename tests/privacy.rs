//! Caller phone numbers never appear unmasked in any output of any command
//! (the rejects file excepted, which exists to fix the source).

mod common;

use common::*;

/// Runs of exactly 11 digits that look like a Chinese mobile number.
fn mobile_numbers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        let b = run.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
            found.push(run.clone());
        }
        run.clear();
    }
    found
}

#[test]
fn the_detector_finds_a_mobile_number() {
    assert_eq!(mobile_numbers("call 13800131234."), ["13800131234"]);
    assert!(mobile_numbers("RX2023060100123 138****1234").is_empty());
}

#[test]
fn no_command_prints_a_phone_number() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let raw = std::fs::read_to_string(data.join("hotline_2023-01_2023-07.csv")).unwrap();
    assert!(
        !mobile_numbers(&raw).is_empty(),
        "the sample must hold phone numbers for this test to mean anything"
    );

    let ws = Workspace::new();
    let data = data.to_str().unwrap();
    let mut runs = vec![vec!["validate"], vec!["validate", "--format", "json"]];
    for command in ["rates", "hotline", "funnel"] {
        for format in ["table", "csv", "json", "markdown"] {
            runs.push(vec![command, "--format", format]);
        }
    }
    runs.push(vec!["hotline", "--by", "county,category"]);
    runs.push(vec!["validate", "--format", "csv"]);
    runs.push(vec!["query", "SELECT * FROM hotline", "--format", "csv"]);
    runs.push(vec![
        "query",
        "SELECT caller_phone AS p, count(*) FROM hotline GROUP BY p",
    ]);
    runs.push(vec![
        "report",
        "--month",
        "2023-06",
        "--out",
        "report-folder",
    ]);
    runs.push(vec!["rates", "--by", "county,source", "--format", "csv"]);
    for args in runs {
        let mut all = args.clone();
        all.extend(["--data", data]);
        let run = ws.run(&all);
        assert!(run.code == 0 || run.code == 1, "{all:?}: {}", run.stderr);
        let phones = mobile_numbers(&format!("{}{}", run.stdout, run.stderr));
        assert!(phones.is_empty(), "{all:?} printed {phones:?}");
    }
    // Every file of the report folder (the workbook is zipped: its text
    // parts are checked through the CSVs that hold the same tables).
    for entry in std::fs::read_dir(ws.path("report-folder")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let phones = mobile_numbers(&text);
        assert!(phones.is_empty(), "{} holds {phones:?}", path.display());
    }
}
