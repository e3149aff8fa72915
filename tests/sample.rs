//! `disputes sample` end to end: deterministic, loadable, and the bundled
//! sample_data/ is what the command makes.

mod common;

use common::*;

fn read(ws: &Workspace, name: &str) -> Vec<u8> {
    std::fs::read(ws.path(name)).unwrap()
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_does_not() {
    let ws = Workspace::new();
    for (dir, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
        let run = ws.run(&[
            "sample", "--out", dir, "--seed", seed, "--from", "2023-01", "--to", "2023-03",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    assert_eq!(read(&ws, "a/mediation.csv"), read(&ws, "b/mediation.csv"));
    assert_eq!(read(&ws, "a/hotline.csv"), read(&ws, "b/hotline.csv"));
    assert_ne!(read(&ws, "a/mediation.csv"), read(&ws, "c/mediation.csv"));
}

#[test]
fn clean_sample_validates_without_rejects() {
    let ws = Workspace::new();
    assert_eq!(ws.run(&["sample", "--out", "d", "--seed", "3"]).code, 0);
    let run = ws.run(&["validate", "--data", "d", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mediation = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "mediation")
        .unwrap();
    let cases = mediation["accepted"].as_u64().unwrap();
    assert!((2000..3000).contains(&cases), "{cases} cases at scale 1");
}

#[test]
fn kind_writes_only_that_log() {
    let ws = Workspace::new();
    assert_eq!(
        ws.run(&[
            "sample",
            "--out",
            "d",
            "--kind",
            "mediation",
            "--to",
            "2023-02"
        ])
        .code,
        0
    );
    assert!(ws.path("d/mediation.csv").exists());
    assert!(!ws.path("d/hotline.csv").exists());
}

#[test]
fn bundled_sample_data_is_what_sample_exports_makes() {
    let ws = Workspace::new();
    assert_eq!(
        ws.run(&["sample", "--out", "d", "--exports", "--workbook"])
            .code,
        0
    );
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let mut names: Vec<_> = std::fs::read_dir(&bundled)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    for name in names {
        let made = std::fs::read(ws.dir.path().join("d").join(&name)).unwrap();
        let committed = std::fs::read(bundled.join(&name)).unwrap();
        assert!(
            made == committed,
            "{name:?} differs from `disputes sample --exports --workbook`"
        );
    }
}

#[test]
fn default_run_on_sample_data_shows_every_verdict_kind() {
    let ws = Workspace::new();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let run = ws.run(&[
        "rates",
        "--data",
        bundled.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (header, rows) = parse_csv(&run.stdout);
    assert_eq!(rows.len(), 17);
    let verdicts: Vec<&str> = rows.iter().map(|r| field(&header, r, "verdict")).collect();
    for v in ["above", "below", "not_distinguishable", "too_few"] {
        assert!(verdicts.contains(&v), "{v} missing in {verdicts:?}");
    }
}

#[test]
fn bundled_sample_data_rows_add_up() {
    let ws = Workspace::new();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let run = ws.run(&[
        "validate",
        "--data",
        bundled.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "the sample holds bad rows on purpose");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut rejected = 0;
    for f in json["files"].as_array().unwrap() {
        let n = |k: &str| f[k].as_u64().unwrap();
        assert_eq!(
            n("read"),
            n("accepted") + n("duplicates") + n("superseded") + n("rejected")
        );
        assert!(
            n("duplicates") + n("superseded") > 0,
            "overlap shows in {}",
            f["path"]
        );
        rejected += n("rejected");
    }
    assert_eq!(rejected as usize, json["rejects"].as_array().unwrap().len());
}
