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
    // Every file of the report folder, the workbook's and the Word
    // document's XML parts included.
    for entry in std::fs::read_dir(ws.path("report-folder")).unwrap() {
        let path = entry.unwrap().path();
        let text = file_text(&path);
        let phones = mobile_numbers(&text);
        assert!(phones.is_empty(), "{} holds {phones:?}", path.display());
    }
}

/// The phone the test types everywhere, and the ways people type it.
const PHONE: &str = "15896327410";
const FORMS: [&str; 7] = [
    "15896327410",
    // Where a reason cuts a quoted cell (40 characters): all but one digit
    // would be left after the cut.
    "约约约约约约约约约约约约约约约约约约约约约约约约约约约约电话15896327410",
    "158-9632-7410",
    "158 9632 7410",
    "+86 158 9632 7410",
    "+8615896327410",
    "１５８９６３２７４１０",
];

/// Whether the text holds the phone in any form: full-width digits folded,
/// spaces and dashes between digits dropped.
fn holds_the_phone(text: &str) -> bool {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '－' => '-',
            '　' => ' ',
            c => c,
        })
        .collect();
    let chars: Vec<char> = folded.chars().collect();
    let mut squashed = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if (c == ' ' || c == '-') && between_digits {
            continue;
        }
        squashed.push(c);
    }
    squashed.contains(&PHONE[2..9])
}

/// The text parts of a workbook, for scanning.
/// A file's text; for a workbook or a Word document (zipped XML), the
/// text of every part.
fn file_text(path: &std::path::Path) -> String {
    if !path.extension().is_some_and(|e| e == "xlsx" || e == "docx") {
        return std::fs::read_to_string(path).unwrap();
    }
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut s = String::new();
        if std::io::Read::read_to_string(&mut part, &mut s).is_ok() {
            text.push_str(&s);
        }
    }
    text
}

/// A mediation and a hotline log with the phone typed, in every form, into
/// every column (and into an unknown column), a row each.
fn logs_with_the_phone_everywhere(ws: &Workspace) {
    let good_m = [
        "M0",
        "法院+工会",
        "武汉市",
        "江岸区",
        "12351转入",
        "H0",
        "欠薪",
        "江岸区工会",
        "2023-06-01",
        "2023-06-10",
        "调解成功",
        "3",
        "1000",
        "800",
        "无",
    ];
    let good_h = [
        "H0",
        "2023-06-01 09:00",
        "武汉市",
        "江岸区",
        "欠薪",
        "转调解",
        "已办结",
        "2023-06-02 10:00",
        "满意",
        "13800001111",
        "2",
        "无",
    ];
    let rows = |good: &[&str], prefix: &str| -> String {
        let mut out = String::new();
        let mut n = 0;
        for column in 0..good.len() {
            for form in FORMS {
                n += 1;
                let mut cells: Vec<String> = good.iter().map(|c| c.to_string()).collect();
                cells[0] = format!("{prefix}{n}");
                cells[column] = form.to_string();
                out.push_str(&cells.join(","));
                out.push('\n');
            }
        }
        out
    };
    ws.write(
        "d/mediation.csv",
        &format!("{MEDIATION_HEADER},联系电话\n{}", rows(&good_m, "M")),
    );
    ws.write(
        "d/hotline.csv",
        &format!("{HOTLINE_HEADER},备注\n{}", rows(&good_h, "H")),
    );
}

#[test]
fn a_phone_typed_into_any_column_in_any_form_never_leaves_unmasked() {
    assert!(FORMS.iter().all(|f| holds_the_phone(f)));
    assert!(!holds_the_phone("158****7410 RX2023060100123"));
    let ws = Workspace::new();
    logs_with_the_phone_everywhere(&ws);
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["table", "json", "csv", "markdown"] {
        runs.push(vec!["validate", "--format", format]);
    }
    runs.push(vec![
        "validate",
        "--format",
        "xlsx",
        "--output",
        "out/validate.xlsx",
    ]);
    for by in [
        "prefecture",
        "county",
        "channel",
        "source",
        "dispute_type",
        "month",
    ] {
        for format in ["table", "json", "csv", "markdown"] {
            runs.push(vec!["rates", "--by", by, "--format", format]);
        }
    }
    for by in ["prefecture", "county", "category", "handling", "month"] {
        for format in ["table", "json", "csv", "markdown"] {
            runs.push(vec!["hotline", "--by", by, "--format", format]);
        }
    }
    for format in ["table", "json", "csv", "markdown"] {
        runs.push(vec!["funnel", "--format", format]);
        runs.push(vec!["query", "SELECT * FROM mediation", "--format", format]);
        runs.push(vec!["query", "SELECT * FROM hotline", "--format", format]);
    }
    runs.push(vec!["rates", "--dispute-type", FORMS[0]]);
    runs.push(vec![
        "rates",
        "--output",
        "out/rates.xlsx",
        "--by",
        "dispute_type",
    ]);
    runs.push(vec![
        "query",
        "SELECT * FROM mediation",
        "--output",
        "out/m.xlsx",
    ]);
    runs.push(vec![
        "query",
        "SELECT * FROM hotline",
        "--output",
        "out/h.xlsx",
    ]);
    runs.push(vec!["query", "--schema"]);
    runs.push(vec!["report", "--month", "2023-06", "--out", "out/report"]);
    std::fs::create_dir_all(ws.path("out")).unwrap();
    for args in runs {
        let mut all = args.clone();
        all.extend(["--data", "d"]);
        let run = ws.run(&all);
        assert!(run.code == 0 || run.code == 1, "{all:?}: {}", run.stderr);
        assert!(
            !holds_the_phone(&run.stdout) && !holds_the_phone(&run.stderr),
            "{all:?} printed the phone:\n{}{}",
            run.stdout,
            run.stderr
        );
    }
    let mut files = vec![
        ws.path("out/validate.xlsx"),
        ws.path("out/rates.xlsx"),
        ws.path("out/m.xlsx"),
        ws.path("out/h.xlsx"),
    ];
    for entry in std::fs::read_dir(ws.path("out/report")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for path in files {
        let text = file_text(&path);
        assert!(
            !holds_the_phone(&text),
            "{} holds the phone",
            path.display()
        );
    }
    // The rejects file alone keeps rows as they were (it is for fixing the
    // source, readable by its owner only).
    let run = ws.run(&["validate", "--data", "d", "--rejects", "rejects.csv"]);
    assert_eq!(run.code, 1);
    assert!(holds_the_phone(
        &std::fs::read_to_string(ws.path("rejects.csv")).unwrap()
    ));
}
