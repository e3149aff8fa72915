//! Every command in docs/cookbook.md is run on sample_data/ and must print
//! exactly what the cookbook shows, so the cookbook cannot rot.
//!
//! After a deliberate change of output, refresh the cookbook with
//! `DISPUTES_BLESS=1 cargo test --release --locked --test cookbook` and
//! review the diff.

mod common;

use std::path::Path;
use std::process::Command;

/// Splits a command line as a POSIX shell would for plain words and
/// 'single' or "double" quoted strings (no escapes or variables needed).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

struct Example {
    command: String,
    /// Byte range of the expected output in the cookbook.
    output: std::ops::Range<usize>,
}

/// The ```console blocks: a `$ disputes …` line, then the output.
fn examples(doc: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(start) = doc[rest..].find("```console\n") {
        let body = rest + start + "```console\n".len();
        let end = body + doc[body..].find("\n```\n").expect("closed block") + 1;
        let first_line_end = body + doc[body..].find('\n').expect("a command line");
        let command = doc[body..first_line_end]
            .strip_prefix("$ ")
            .expect("a console block starts with `$ `")
            .to_string();
        found.push(Example {
            command,
            output: first_line_end + 1..end,
        });
        rest = end;
    }
    found
}

fn run(command: &str) -> String {
    let words = shell_words(command);
    assert_eq!(words[0], "disputes", "{command}");
    let out = Command::new(env!("CARGO_BIN_EXE_disputes"))
        .args(&words[1..])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        // The checked cache of the tests, not the user's.
        .env(
            "DISPUTES_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
        )
        .output()
        .expect("run disputes");
    assert!(
        out.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn the_shell_splitter_keeps_quoted_sql_whole() {
    assert_eq!(
        shell_words(r#"disputes query "SELECT 'a b' FROM t" --format csv"#),
        [
            "disputes",
            "query",
            "SELECT 'a b' FROM t",
            "--format",
            "csv"
        ]
    );
}

#[test]
fn every_cookbook_answer_is_what_the_command_prints() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cookbook.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let examples = examples(&doc);
    assert!(
        examples.len() >= 10,
        "the cookbook answers at least ten questions"
    );
    let bless = std::env::var_os("DISPUTES_BLESS").is_some();
    let mut blessed = doc.clone();
    // Replace from the end so earlier ranges stay valid.
    for ex in examples.iter().rev() {
        let got = run(&ex.command);
        if bless {
            blessed.replace_range(ex.output.clone(), &got);
        } else {
            assert_eq!(
                doc[ex.output.clone()],
                got,
                "docs/cookbook.md is out of date for `{}` (DISPUTES_BLESS=1 refreshes it)",
                ex.command
            );
        }
    }
    if bless {
        std::fs::write(&path, blessed).unwrap();
    }
}

/// Parses CSV output into header and rows (cells may span lines).
fn table(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    common::parse_csv_all(csv)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The SQL of the cookbook's question `n`, run again as CSV.
fn answer_as_csv(doc: &str, n: usize) -> (Vec<String>, Vec<Vec<String>>) {
    let examples = examples(doc);
    let mut words = shell_words(&examples[n - 1].command);
    let format = words.iter().position(|w| w == "--format").unwrap();
    words[format + 1] = "csv".to_string();
    let command = words
        .iter()
        .map(|w| {
            if w.contains(' ') {
                format!("\"{w}\"")
            } else {
                w.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    table(&run(&command))
}

#[test]
fn cookbook_answers_agree_with_a_recount_of_the_checked_rows() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cookbook.md"))
            .unwrap();
    // Every checked case, recounted here in Rust rather than in SQL.
    let (h, cases) = table(&run(
        "disputes query \"SELECT * FROM mediation\" --format csv",
    ));
    let get = |row: &[String], name: &str| row[column(&h, name)].clone();

    // Q2: court-referred closed cases by mediation organisation.
    let mut by_org: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for c in &cases {
        let org = get(c, "mediator_org");
        if get(c, "source") == "court" && get(c, "outcome") != "pending" && !org.is_empty() {
            let e = by_org.entry(org).or_default();
            e.0 += 1;
            e.1 += u64::from(get(c, "outcome") == "success");
        }
    }
    let mut orgs: Vec<(String, (u64, u64))> = by_org.into_iter().collect();
    orgs.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(&b.0)));
    let (ah, answer) = answer_as_csv(&doc, 2);
    let got: Vec<(String, u64, u64)> = answer
        .iter()
        .map(|r| {
            (
                r[column(&ah, "mediator_org")].clone(),
                r[column(&ah, "closed")].parse().unwrap(),
                r[column(&ah, "successes")].parse().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64)> = orgs
        .into_iter()
        .take(8)
        .map(|(o, (n, s))| (o, n, s))
        .collect();
    assert_eq!(got, want, "question 2");

    // Q7: the closed cases with the most workers, blanks last.
    let mut closed: Vec<(i64, String)> = cases
        .iter()
        .filter(|c| get(c, "outcome") != "pending")
        .filter_map(|c| Some((get(c, "workers_involved").parse().ok()?, get(c, "case_id"))))
        .collect();
    closed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let (ah, answer) = answer_as_csv(&doc, 7);
    let got: Vec<String> = answer
        .iter()
        .map(|r| r[column(&ah, "case_id")].clone())
        .collect();
    let want: Vec<String> = closed.iter().take(10).map(|c| c.1.clone()).collect();
    assert_eq!(got, want, "question 7");
    assert!(
        answer
            .iter()
            .all(|r| !r[column(&ah, "workers_involved")].is_empty())
    );

    // Q8: money recovered by successful mediations per prefecture.
    let mut settled: std::collections::BTreeMap<String, f64> = Default::default();
    for c in cases.iter().filter(|c| get(c, "outcome") == "success") {
        *settled.entry(get(c, "prefecture")).or_default() +=
            get(c, "settled_yuan").parse::<f64>().unwrap_or(0.0);
    }
    let (ah, answer) = answer_as_csv(&doc, 8);
    for r in &answer {
        let prefecture = &r[column(&ah, "prefecture")];
        let got: f64 = r[column(&ah, "settled_yuan")].parse().unwrap();
        assert!(
            (got - settled[prefecture].round()).abs() < 1.0,
            "question 8: {prefecture}"
        );
    }
    assert_eq!(answer.len(), settled.len());

    // Q9: county-level divisions without any case.
    let with_cases: std::collections::BTreeSet<String> =
        cases.iter().map(|c| get(c, "county_code")).collect();
    let (rh, regions) = table(&run(
        "disputes query \"SELECT * FROM regions\" --format csv",
    ));
    let silent = regions
        .iter()
        .filter(|r| {
            r[column(&rh, "level")] == "county" && !with_cases.contains(&r[column(&rh, "code")])
        })
        .count();
    assert_eq!(answer_as_csv(&doc, 9).1.len(), silent, "question 9");

    // Q3: successes and decided cases per prefecture closed in 2023H1.
    let (th, rates) = table(&run("disputes rates --half 2023H1 --format csv"));
    for r in rates.iter().filter(|r| r[column(&th, "row")] == "group") {
        let name = &r[column(&th, "prefecture")];
        let in_h1 = |c: &Vec<String>| {
            let d = get(c, "closed_on");
            get(c, "prefecture") == *name
                && d.as_str() >= "2023-01-01"
                && d.as_str() <= "2023-06-30"
        };
        let successes = cases
            .iter()
            .filter(|c| in_h1(c) && get(c, "outcome") == "success")
            .count();
        let failures = cases
            .iter()
            .filter(|c| in_h1(c) && get(c, "outcome") == "failure")
            .count();
        assert_eq!(
            r[column(&th, "successes")],
            successes.to_string(),
            "question 3: {name}"
        );
        assert_eq!(
            r[column(&th, "decided")],
            (successes + failures).to_string(),
            "question 3: {name}"
        );
    }
}
