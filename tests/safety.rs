//! The safety pass: inputs are only read, bad rows stay rows, nothing leaks.
//! One test per finding, named for it.

mod common;

use common::{Run, Workspace, hotline_csv, mediation_csv, parse_csv, parse_csv_all};

const GOOD: &str =
    "M1,court,武汉市,江岸区,法院委派,,欠薪,江岸区工会,2023-06-01,2023-06-10,调解成功,3,1000,800";

fn json(run: &common::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", run.stdout, run.stderr))
}

fn reasons(ws: &Workspace, args: &[&str]) -> Vec<(u64, String)> {
    let mut all = vec!["validate", "--format", "json", "--lang", "en"];
    all.extend(args);
    let run = ws.run(&all);
    json(&run)["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_phone_typed_as_workers_involved_is_out_of_range() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "M2,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,13987654321,,",
            "M3,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,100000,,",
        ]),
    );
    let r = reasons(&ws, &["--mediation", "m.csv"]);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].0, 3);
    assert!(
        r[0].1.contains("above 100000") && r[0].1.contains("139****4321"),
        "{}",
        r[0].1
    );
}

#[test]
fn a_phone_typed_as_an_amount_is_out_of_range() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "M2,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,13987654321,",
        ]),
    );
    let r = reasons(&ws, &["--mediation", "m.csv"]);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].1.contains("too much for one case"), "{}", r[0].1);
}

#[test]
fn workbook_verdicts_are_not_prefixed_with_a_quote() {
    let ws = Workspace::new();
    let mut rows = vec![GOOD.to_string()];
    for i in 0..12 {
        let outcome = if i % 2 == 0 { "success" } else { "failure" };
        rows.push(format!(
            "N{i},court,武汉,,,,=1+1,,2023-06-01,2023-06-02,{outcome},,,"
        ));
    }
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&rows));
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--by",
        "dispute_type",
        "--output",
        "r.xlsx",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let strings = common::xlsx_part(&ws.path("r.xlsx"), "xl/sharedStrings.xml");
    assert!(strings.contains(">＝ 无显著差异<"), "{strings}");
    assert!(!strings.contains("'＝"), "{strings}");
    // Text from the data is still guarded.
    assert!(strings.contains("'=1+1"), "{strings}");
}

fn fifty_fifty(ws: &Workspace) {
    let mut rows = Vec::new();
    for i in 0..100 {
        rows.push(format!(
            "S{i},court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,"
        ));
    }
    rows.push("F1,court,黄石,,,,欠薪,,2023-06-01,2023-06-02,failure,,,".to_string());
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&rows));
}

#[test]
fn csv_and_json_exports_carry_the_marked_total_row() {
    let ws = Workspace::new();
    fifty_fifty(&ws);
    let run = ws.run(&["rates", "--mediation", "m.csv", "--format", "csv"]);
    let (header, rows) = parse_csv_all(&run.stdout);
    assert_eq!(header.last().map(String::as_str), Some("row"));
    let last = rows.last().unwrap();
    assert_eq!(last.last().map(String::as_str), Some("total"));
    assert_eq!(common::field(&header, last, "prefecture"), "全省合计");
    assert_eq!(common::field(&header, last, "decided"), "101");
    assert!(
        rows[..rows.len() - 1]
            .iter()
            .all(|r| r.last().unwrap() == "group")
    );

    let run = ws.run(&["rates", "--mediation", "m.csv", "--format", "json"]);
    let rows = json(&run);
    let total = rows.as_array().unwrap().last().unwrap().clone();
    assert_eq!(total["row"], "total");
    assert_eq!(total["decided"], 101);
}

#[test]
fn json_keys_come_in_column_order() {
    let ws = Workspace::new();
    fifty_fifty(&ws);
    let run = ws.run(&["rates", "--mediation", "m.csv", "--format", "json"]);
    // The keys of the first object, as written, are the CSV columns in order.
    let keys: Vec<&str> = run
        .stdout
        .lines()
        .skip(2)
        .take_while(|l| !l.trim().starts_with('}'))
        .map(|l| l.trim().split('"').nth(1).unwrap_or(""))
        .collect();
    let csv = ws.run(&["rates", "--mediation", "m.csv", "--format", "csv"]);
    let (csv_header, _) = parse_csv_all(&csv.stdout);
    assert_eq!(keys, csv_header);
    assert_eq!(keys[..3], ["prefecture_code", "prefecture", "received"]);
    assert_eq!(keys.last(), Some(&"row"));
}

#[test]
fn tiny_p_values_are_written_in_exponent_form() {
    let ws = Workspace::new();
    fifty_fifty(&ws);
    let run = ws.run(&["rates", "--mediation", "m.csv", "--format", "csv"]);
    let (header, rows) = parse_csv(&run.stdout);
    let wuhan = rows.iter().find(|r| r[1] == "武汉市").unwrap();
    // 100/100 against 0.5: p = 2 × 0.5^100 = 1.5777218104420236e-30
    // (scipy.stats.binomtest(100, 100).pvalue), in exponent form.
    let p = common::field(&header, wuhan, "p_value");
    assert!(p.contains("e-30"), "{p}");
    let p: f64 = p.parse().unwrap();
    assert!((p - 1.5777218104420236e-30).abs() / p < 1e-12, "{p}");
}

#[test]
fn an_id_resaved_from_scientific_notation_is_rejected() {
    let ws = Workspace::new();
    let mut rows = Vec::new();
    for i in 1..=5 {
        rows.push(format!(
            "1235120{i:04}7,2023-06-01 09:00,武汉,,欠薪,当场解答,已办结,2023-06-01 10:00,,,"
        ));
    }
    // Excel showed 123512000000 as 1.23512E+11; a second save wrote the digits.
    rows.push(
        "123512000000,2023-06-01 09:00,武汉,,欠薪,当场解答,已办结,2023-06-01 10:00,,,".to_string(),
    );
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("h.csv", &hotline_csv(&rows));
    let r = reasons(&ws, &["--hotline", "h.csv"]);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].0, 7);
    assert!(r[0].1.contains("looks re-saved"), "{}", r[0].1);
    // Where every id is round, none is suspicious.
    ws.write(
        "all.csv",
        &hotline_csv(&[
            "100000000000,2023-06-01 09:00,武汉,,欠薪,当场解答,已办结,2023-06-01 10:00,,,",
        ]),
    );
    assert!(reasons(&ws, &["--hotline", "all.csv"]).is_empty());
}

#[test]
fn a_report_into_the_data_folder_is_refused_and_nothing_is_touched() {
    let ws = Workspace::new();
    ws.write("d/m.csv", &mediation_csv(&[GOOD]));
    for out in ["d", ".", "d/reports"] {
        let run = ws.run(&[
            "report", "--data", "d", "--month", "2023-06", "--out", out, "--force",
        ]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(run.stderr.contains("输入文件只读不写"), "{}", run.stderr);
        assert!(ws.path("d/m.csv").exists());
    }
    assert!(!ws.path("d/reports").exists());
}

#[test]
fn an_output_or_rejects_file_naming_an_input_is_refused() {
    let ws = Workspace::new();
    let text = mediation_csv(&[GOOD, "B,x,,,,,,,,,,,,"]);
    ws.write("m.csv", &text);
    for args in [
        vec!["rates", "--mediation", "m.csv", "--output", "m.csv"],
        vec!["validate", "--mediation", "m.csv", "--rejects", "m.csv"],
        vec![
            "validate",
            "--mediation",
            "m.csv",
            "--output",
            "./m.csv",
            "--format",
            "csv",
        ],
        vec![
            "query",
            "SELECT 1 AS x",
            "--mediation",
            "m.csv",
            "--output",
            "m.csv",
        ],
    ] {
        let run = ws.run(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(std::fs::read_to_string(ws.path("m.csv")).unwrap(), text);
    }
}

#[cfg(unix)]
#[test]
fn output_to_dev_full_reports_the_error_and_keeps_the_device() {
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[GOOD]));
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--output",
        "/dev/full",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("/dev/full"), "{}", run.stderr);
    assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
    let run = ws.run(&["rates", "--mediation", "m.csv", "--output", "/dev/null"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_cr_only_file_reads_its_rows() {
    let ws = Workspace::new();
    let text = mediation_csv(&[
        GOOD,
        "M2,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,调解失败,,,",
    ])
    .replace('\n', "\r");
    ws.write("m.csv", &text);
    let run = ws.run(&["validate", "--mediation", "m.csv", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json(&run)["files"][0]["accepted"], 2);
}

#[test]
fn a_stray_quote_rejects_one_row_not_the_file() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "M2,court,武汉,,,,\"欠薪,,2023-06-01,2023-06-02,success,,,",
            "M3,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            // Its quote would close the stray one and balance the cells.
            "M4,court,武汉,,,,欠\"薪,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let run = ws.run(&[
        "validate",
        "--mediation",
        "m.csv",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let j = json(&run);
    assert_eq!(j["files"][0]["read"], 4);
    assert_eq!(j["files"][0]["accepted"], 3);
    assert_eq!(j["rejects"][0]["line"], 3);
}

#[test]
fn a_space_before_a_quoted_cell_is_read() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "M2,court,武汉,, \"法院委派\",,欠薪, \"甲,乙调解室\",2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let run = ws.run(&[
        "query",
        "SELECT mediator_org FROM mediation",
        "--mediation",
        "m.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "mediator_org\n\"甲,乙调解室\"\n");
}

#[test]
fn sql_cannot_read_files() {
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[GOOD]));
    for sql in [
        "SELECT * FROM read_csv('m.csv')",
        "SELECT * FROM read_parquet('/etc/passwd')",
        "SELECT * FROM read_json('/etc/passwd')",
    ] {
        let run = ws.run(&["query", sql, "--mediation", "m.csv", "--lang", "en"]);
        assert_eq!(run.code, 2, "{sql}: {}", run.stdout);
        assert!(run.stderr.contains("the query failed"), "{}", run.stderr);
        assert!(!run.stderr.contains("case_id,channel"), "{}", run.stderr);
    }
}

#[test]
fn a_query_of_thousands_of_or_terms_is_refused_cleanly() {
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[GOOD]));
    let terms: Vec<String> = (0..5000).map(|i| format!("case_id = 'X{i}'")).collect();
    let sql = format!(
        "SELECT count(*) FROM mediation WHERE {}",
        terms.join(" OR ")
    );
    let run = ws.run(&["query", &sql, "--mediation", "m.csv", "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("too large"), "{}", run.stderr);
    // A few hundred terms still run.
    let terms: Vec<String> = (0..300).map(|i| format!("case_id = 'X{i}'")).collect();
    let sql = format!(
        "SELECT count(*) AS n FROM mediation WHERE {} OR case_id = 'M1'",
        terms.join(" OR ")
    );
    let run = ws.run(&["query", &sql, "--mediation", "m.csv", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "n\n1\n");
}

/// `query SQL` over one good case, as CSV, messages in English.
fn csv_query(ws: &Workspace, sql: &str) -> Run {
    ws.run(&[
        "query",
        sql,
        "--mediation",
        "m.csv",
        "--format",
        "csv",
        "--lang",
        "en",
    ])
}

/// The run answered `csv` (header and rows) and exited 0.
fn assert_answer(run: &Run, csv: &str) {
    assert_eq!((run.code, run.stdout.as_str()), (0, csv), "{}", run.stderr);
}

#[test]
fn long_chains_of_operators_and_unions_run_or_are_refused_never_crash() {
    // 3,000 UNIONs overflowed the main thread's stack (abort, exit 134);
    // 8,000 `+` likewise. Within the limit they run; past it, refused.
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[GOOD]));
    let query = |sql: &str| csv_query(&ws, sql);
    let unions = |n: usize| vec!["SELECT 1 AS x"; n].join(" UNION ");
    let sums = |n: usize| format!("SELECT {} AS x", vec!["1"; n].join("+"));
    let concatenated = |n: usize| format!("SELECT length({}) AS x", vec!["'a'"; n].join(" || "));
    let run = query(&unions(1500));
    assert_answer(&run, "x\n1\n");
    let run = query(&sums(1500));
    assert_answer(&run, "x\n1500\n");
    // Dashes inside a quoted date are not operators.
    let dates = format!(
        "SELECT count(*) AS x FROM mediation WHERE {}",
        vec!["received_on <> '2023-06-01'"; 1200].join(" OR ")
    );
    let run = query(&dates);
    assert_answer(&run, "x\n0\n");
    for sql in [unions(3000), sums(8000), concatenated(9000)] {
        let run = query(&sql);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(run.stderr.contains("too large"), "{}", run.stderr);
    }
}

#[test]
fn deep_brackets_run_up_to_the_limit_and_are_refused_cleanly_past_it() {
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[GOOD]));
    let query = |sql: &str| csv_query(&ws, sql);
    let brackets = |n: usize| format!("SELECT {}1{} AS x", "(".repeat(n), ")".repeat(n));
    // Within 200 levels: runs (the SQL parser stopped at 50 before).
    let run = query(&brackets(200));
    assert_answer(&run, "x\n1\n");
    // Subqueries inside one another, each planned in twice the time of
    // the one inside it: 16 run, 17 are refused at once.
    let nested = |n: usize| {
        format!(
            "SELECT 1 AS x WHERE 1 IN {}(1){}",
            "(SELECT 1 WHERE 1 IN ".repeat(n),
            ")".repeat(n)
        )
    };
    let run = query(&nested(15));
    assert_answer(&run, "x\n1\n");
    for sql in [brackets(201), nested(17)] {
        let run = query(&sql);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(run.stderr.contains("too large"), "{}", run.stderr);
    }
}

#[test]
fn control_characters_in_cells_are_shown_escaped() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "M2,court,武汉,,,,\u{1b}]0;owned\u{7}\u{1b}[31m欠薪,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    for format in ["table", "markdown"] {
        let run = ws.run(&[
            "rates",
            "--mediation",
            "m.csv",
            "--by",
            "dispute_type",
            "--format",
            format,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'),
            "{format}"
        );
    }
    let run = ws.run(&["rates", "--mediation", "m.csv", "--by", "dispute_type"]);
    assert!(run.stdout.contains("\\u{1b}[31m"), "{}", run.stdout);
}

#[test]
fn markdown_escapes_html_from_cells() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "M2,court,武汉,,,,<img src=x onerror=alert(1)>,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--by",
        "dispute_type",
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("<img"), "{}", run.stdout);
    assert!(
        run.stdout.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        run.stdout
    );
    // A filter value is named in the notes, escaped too.
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--format",
        "markdown",
        "--dispute-type",
        "<script>",
    ]);
    assert!(!run.stdout.contains("<script"), "{}", run.stdout);
}

#[test]
fn a_header_repeating_a_name_thousands_of_times_reads() {
    let ws = Workspace::new();
    let mut header = common::MEDIATION_HEADER.to_string();
    let mut row = GOOD.to_string();
    for _ in 0..4000 {
        header.push_str(",备注");
        row.push(',');
    }
    ws.write("m.csv", &format!("{header}\n{row}\n"));
    let run = ws.run(&[
        "query",
        "SELECT \"备注_4000\" FROM mediation",
        "--mediation",
        "m.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn huge_numeric_options_are_refused_not_overflowed() {
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[GOOD]));
    ws.write("h.csv", &hotline_csv(&[]));
    for args in [
        vec!["funnel", "--link-days", "100000000"],
        vec!["hotline", "--sla-days", "1e300"],
        vec!["report", "--sla-days", "inf", "--month", "2023-06"],
    ] {
        let mut all = args.clone();
        all.extend(["--mediation", "m.csv", "--hotline", "h.csv"]);
        let run = ws.run(&all);
        assert_eq!(run.code, 2, "{all:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("disputes："), "{}", run.stderr);
    }
}

#[test]
fn thousands_separators_only_in_groups_of_three() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "M1,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,\"1,234\",",
            "M2,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,\"1,2,3\",",
        ]),
    );
    let r = reasons(&ws, &["--mediation", "m.csv"]);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, 3);
}

#[test]
fn excel_serial_sixty_is_excels_phantom_day() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "M1,court,武汉,,,,欠薪,,60,,进行中,,,",
            "M2,court,武汉,,,,欠薪,,61,,进行中,,,",
        ]),
    );
    let r = reasons(&ws, &["--mediation", "m.csv"]);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].0, 2);
    let run = ws.run(&[
        "query",
        "SELECT received_on FROM mediation",
        "--mediation",
        "m.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(run.stdout, "received_on\n1900-03-01\n");
}

#[test]
fn ids_differing_only_in_full_width_digits_are_one_case() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "TJ-FW-12,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "TJ-FW-１２,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let run = ws.run(&["validate", "--mediation", "m.csv", "--format", "json"]);
    let f = &json(&run)["files"][0];
    assert_eq!(
        (f["accepted"].as_u64(), f["duplicates"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn leftovers_of_a_killed_report_are_cleaned_on_the_next_run() {
    let ws = Workspace::new();
    ws.write("d/m.csv", &mediation_csv(&[GOOD]));
    // What a run killed half-way leaves: a staging folder of a process
    // that is gone (no process has pid 4000000000).
    let leftover = ws.path("reports/.report-4000000000-Ab12");
    std::fs::create_dir_all(&leftover).unwrap();
    std::fs::write(leftover.join("index.html"), "half").unwrap();
    let run = ws.run(&["report", "--data", "d", "--month", "2023-06"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(ws.path("reports/2023-06/index.html").exists());
    if std::path::Path::new("/proc").is_dir() {
        assert!(!leftover.exists());
    }
}

#[test]
fn a_reason_quotes_a_short_excerpt_of_a_huge_cell() {
    let ws = Workspace::new();
    let huge = "长".repeat(1_000_000);
    ws.write(
        "m.csv",
        &mediation_csv(&[&format!(
            "M1,court,{huge},,,,欠薪,,2023-06-01,2023-06-02,success,,,"
        )]),
    );
    let r = reasons(&ws, &["--mediation", "m.csv"]);
    assert_eq!(r.len(), 1);
    assert!(
        r[0].1.chars().count() < 300,
        "{} chars",
        r[0].1.chars().count()
    );
}
