//! Shell and terminal conventions: a closed pipe ends the run quietly,
//! `-` is standard input and output, `--quiet`, tables that fit the
//! terminal, completions and the man page.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use unicode_width::UnicodeWidthStr;

fn repo() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `disputes ARGS` on the bundled sample_data/, `COLUMNS` set.
fn run_at(columns: Option<usize>, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_disputes"));
    cmd.args(args).current_dir(repo()).env("NO_COLOR", "1").env(
        "DISPUTES_CACHE_DIR",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
    );
    match columns {
        Some(c) => cmd.env("COLUMNS", c.to_string()),
        None => cmd.env_remove("COLUMNS"),
    };
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs with standard output a pipe whose reader has gone (as `| head`
/// leaves it): (exit code, standard error).
fn with_closed_stdout(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_disputes"))
        .env(
            "DISPUTES_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
        )
        .args(args)
        .current_dir(repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Loading sample_data/ takes far longer than this: every write fails.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    for args in [
        &["rates", "--quiet"][..],
        &["rates", "--format", "csv", "--quiet"],
        &["query", "SELECT 1", "--quiet"],
        &["hotline", "--quiet"],
        &["validate", "--format", "csv", "--quiet"],
    ] {
        let (code, stderr) = with_closed_stdout(args);
        // Even validate, whose rejected rows would give 1: the reader
        // chose to stop, as with ripgrep.
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn the_report_summary_on_a_closed_pipe_ends_quietly_with_the_folder_written() {
    let ws = Workspace::new();
    let out = ws.path("r");
    let (code, stderr) = with_closed_stdout(&[
        "report",
        "--month",
        "2023-06",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    assert!(out.join("report.docx").exists());
}

fn small_log(ws: &Workspace) -> String {
    let text = mediation_csv(&[
        "A1,court,武汉市,,法院委派,,欠薪,,2023-06-01,2023-06-10,success,,,",
        "A2,court,武汉市,,法院委派,,欠薪,,2023-06-01,2023-06-11,failure,,,",
        "A3,arbitration,宜昌市,,仲裁委派,,欠薪,,2023-06-01,2023-06-12,success,,,",
    ]);
    ws.write("m.csv", &text);
    text
}

#[test]
fn dash_reads_standard_input_and_names_it() {
    let ws = Workspace::new();
    let text = small_log(&ws);
    let mut child = Command::new(env!("CARGO_BIN_EXE_disputes"))
        .env(
            "DISPUTES_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
        )
        .args(["rates", "--mediation", "-", "--format", "csv"])
        .current_dir(ws.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let from_file = ws.run(&["rates", "--mediation", "m.csv", "--format", "csv"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), from_file.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("标准输入 (调解, UTF-8): 读入 3 = 采用 3"),
        "{stderr}"
    );
}

#[test]
fn dash_may_stand_for_one_file_only_and_not_a_workbook() {
    let ws = Workspace::new();
    let twice = ws.run(&["rates", "--mediation", "-", "--hotline", "-"]);
    assert_eq!(twice.code, 2);
    assert!(
        twice.stderr.contains("只能作为一个文件使用一次"),
        "{}",
        twice.stderr
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_disputes"))
        .env(
            "DISPUTES_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
        )
        .args(["rates", "--mediation", "-"])
        .current_dir(ws.dir.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let book =
        std::fs::read(repo().join("sample_data/襄阳市调解案件台账_2023下半年.xlsx")).unwrap();
    child.stdin.take().unwrap().write_all(&book).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("工作簿请用文件名指定"));
}

#[test]
fn dash_as_output_is_standard_output_and_creates_no_file() {
    let ws = Workspace::new();
    small_log(&ws);
    let to_dash = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--output",
        "-",
        "--format",
        "csv",
    ]);
    let plain = ws.run(&["rates", "--mediation", "m.csv", "--format", "csv"]);
    assert_eq!(to_dash.code, 0, "{}", to_dash.stderr);
    assert_eq!(to_dash.stdout, plain.stdout);
    assert!(!ws.path("-").exists(), "a file named -");
    let rejects = ws.run(&["validate", "--mediation", "m.csv", "--rejects", "-"]);
    assert_eq!(rejects.code, 2);
    assert!(!ws.path("-").exists());
}

#[test]
fn quiet_leaves_out_the_accounting_but_not_the_table() {
    let ws = Workspace::new();
    small_log(&ws);
    let csv = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--format",
        "csv",
        "--quiet",
    ]);
    assert_eq!(csv.stderr, "");
    assert!(csv.stdout.starts_with("prefecture_code,"));
    let table = ws.run(&["rates", "--mediation", "m.csv", "-q"]);
    assert!(!table.stdout.contains("读入"), "{}", table.stdout);
    assert!(table.stdout.contains("武汉市"));
    let loud = ws.run(&["rates", "--mediation", "m.csv"]);
    assert!(loud.stdout.contains("m.csv (调解, UTF-8): 读入 3"));
}

/// The widest line of `text`, in terminal columns (CJK count two).
fn widest(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

#[test]
fn every_table_fits_80_and_200_column_terminals() {
    let commands: [&[&str]; 10] = [
        &["rates", "--year", "2023"],
        &["rates", "--by", "county", "--year", "2023"],
        &["rates", "--by", "prefecture,channel", "--half", "2023H2"],
        &["rates", "--compare", "previous", "--month", "2023-06"],
        &["rates", "--compare", "channel", "--year", "2023"],
        &["hotline", "--year", "2023"],
        &["funnel", "--year", "2023"],
        &["validate"],
        &["query", "SELECT * FROM mediation LIMIT 5"],
        &["report", "--month", "2023-06", "--out", "OUT", "--force"],
    ];
    let ws = Workspace::new();
    let out = ws.path("r").to_str().unwrap().to_string();
    for width in [80, 200] {
        for args in commands {
            let args: Vec<&str> = args
                .iter()
                .map(|a| if *a == "OUT" { out.as_str() } else { *a })
                .collect();
            let run = run_at(Some(width), &args);
            assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
            let w = widest(&run.stdout);
            assert!(w <= width, "{args:?} at {width} columns: a line of {w}");
        }
    }
    // At 80 columns the rate, verdict and rank stay, and a note says what
    // was left out and where to find it.
    let narrow = run_at(Some(80), &["rates", "--year", "2023"]);
    for label in ["成功率", "判定", "排名", "市州"] {
        assert!(narrow.stdout.contains(label), "{label}");
    }
    assert!(
        narrow.stdout.contains("终端宽 80 列，未显示"),
        "{}",
        narrow.stdout
    );
    assert!(narrow.stdout.contains("--format csv"));
    // Without a terminal or COLUMNS (a pipe, a file), every column.
    let piped = run_at(None, &["rates", "--year", "2023"]);
    assert!(piped.stdout.contains("涉及职工") && !piped.stdout.contains("未显示"));
}

#[test]
fn wrapped_notes_do_not_start_a_line_with_punctuation() {
    let run = run_at(Some(80), &["rates", "--year", "2023", "-q"]);
    for line in run.stdout.lines() {
        let first = line.trim_start().chars().next();
        assert!(!first.is_some_and(|c| "，。、；：）".contains(c)), "{line}");
    }
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definitions() {
    let bash = run_at(None, &["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("_disputes()") && bash.stdout.contains("--ytd"));
    let ps = run_at(None, &["completions", "powershell"]);
    assert!(ps.stdout.contains("Register-ArgumentCompleter"));
    let man = run_at(None, &["man"]);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH disputes 1"));
    let ws = Workspace::new();
    let dir = ws.path("man");
    std::fs::create_dir(&dir).unwrap();
    let pages = run_at(None, &["man", "--out", dir.to_str().unwrap()]);
    assert_eq!(pages.code, 0, "{}", pages.stderr);
    let rates = std::fs::read_to_string(dir.join("disputes-rates.1")).unwrap();
    assert!(rates.contains("\\-\\-compare"), "{rates}");
}
