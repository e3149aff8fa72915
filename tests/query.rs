//! `disputes query` end to end: SQL over the checked tables, the schema,
//! clear errors, masked phone numbers and the interactive prompt.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;

fn fixture(ws: &Workspace) {
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "C1,court,武汉,江岸区,12351转入,T1,欠薪,调解室甲,2023-05-01,2023-06-01,调解成功,2,1000,800",
            "C2,arbitration,襄阳,谷城县,仲裁委派,,工伤,调解室乙,2023-05-01,2023-06-05,调解不成功,1,500,",
            "C3,court,襄阳,,法院委派,,欠薪,调解室乙,2023-06-01,,进行中,1,,",
        ]),
    );
    ws.write(
        "h.csv",
        &hotline_csv(&[
            "T1,2023-05-01 09:00,武汉,江岸区,欠薪,转调解,已办结,2023-05-02 09:00,满意,13800131234,2",
        ]),
    );
}

#[test]
fn sql_answers_over_typed_tables_with_derived_columns() {
    let ws = Workspace::new();
    fixture(&ws);
    let sql = "SELECT prefecture, month, count(*) AS cases, sum(CASE WHEN is_success THEN 1 ELSE 0 END) AS successes FROM mediation WHERE outcome <> 'pending' GROUP BY prefecture, month ORDER BY prefecture";
    let run = ws.run(&["query", sql, "--mediation", "m.csv", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "prefecture,month,cases,successes\n武汉市,2023-06,1,1\n襄阳市,2023-06,1,0\n"
    );
    // Dates are dates: filtering by a date literal works.
    let run = ws.run(&[
        "query",
        "SELECT case_id FROM mediation WHERE received_on >= '2023-06-01'",
        "--mediation",
        "m.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(run.stdout, "case_id\nC3\n", "{}", run.stderr);
    // The region table, with levels and parents.
    let run = ws.run(&[
        "query",
        "SELECT count(*) AS n FROM regions WHERE level = 'county' AND parent_name = '襄阳市'",
        "--mediation",
        "m.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(run.stdout, "n\n9\n", "{}", run.stderr);
}

#[test]
fn unknown_tables_and_columns_list_what_exists() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "query",
        "SELECT nonsense FROM mediation",
        "--mediation",
        "m.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nonsense"), "{}", run.stderr);
    assert!(
        run.stderr.contains("mediation: case_id, channel"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("regions: code, name"), "{}", run.stderr);
    let run = ws.run(&["query", "SELECT * FROM cases", "--mediation", "m.csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("hotline: ticket_id"), "{}", run.stderr);
}

#[test]
fn schema_lists_tables_columns_and_types() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "query",
        "--mediation",
        "m.csv",
        "--schema",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "mediation,closed_on,date",
        "mediation,is_success,bool",
        "hotline,received_at,",
        "regions,parent_code,u32",
    ] {
        assert!(run.stdout.contains(line), "{line}: {}", run.stdout);
    }
}

#[test]
fn phone_numbers_are_masked_unless_unmasked() {
    let ws = Workspace::new();
    fixture(&ws);
    let sql = "SELECT caller_phone AS p FROM hotline";
    let run = ws.run(&["query", sql, "--hotline", "h.csv", "--format", "csv"]);
    assert_eq!(run.stdout, "p\n138****1234\n", "{}", run.stderr);
    let run = ws.run(&[
        "query",
        sql,
        "--hotline",
        "h.csv",
        "--format",
        "csv",
        "--unmask",
    ]);
    assert_eq!(run.stdout, "p\n13800131234\n");
}

#[test]
fn the_prompt_keeps_the_data_between_queries() {
    let ws = Workspace::new();
    fixture(&ws);
    let mut child = Command::new(env!("CARGO_BIN_EXE_disputes"))
        .args(["query", "--mediation", "m.csv", "--lang", "en"])
        .current_dir(ws.dir.path())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        // The checked cache of the tests, not the user's.
        .env(
            "DISPUTES_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "SELECT count(*) AS n FROM mediation;\nSELECT oops FROM mediation\nSELECT max(case_id) AS last FROM mediation\n.quit\n"
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("│ 3 │") || stdout.contains("| 3 |") || stdout.contains(" 3 "),
        "{stdout}"
    );
    assert!(
        stdout.contains("C3"),
        "the third query ran after the failed one: {stdout}"
    );
    assert!(stderr.contains("oops"), "{stderr}");
}
