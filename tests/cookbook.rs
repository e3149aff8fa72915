//! Every command in docs/cookbook.md is run on sample_data/ and must print
//! exactly what the cookbook shows, so the cookbook cannot rot.
//!
//! After a deliberate change of output, refresh the cookbook with
//! `DISPUTES_BLESS=1 cargo test --release --locked --test cookbook` and
//! review the diff.

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
