//! `disputes rates` end to end on hand-computed fixtures.

mod common;

use common::*;
use serde_json::Value;

/// Wuhan: 54 successes, 39 failures (the published 54/93 county figure),
/// 2 withdrawn, 1 pending; Yichang: 6 successes, 4 failures; closed in June
/// 2023 except one Yichang success closed on 2023-07-01.
fn fixture(ws: &Workspace) {
    let mut rows = Vec::new();
    for i in 0..54 {
        rows.push(format!(
            "W{i},court,武汉,江岸区,法院委派,,欠薪,,2023-05-01,2023-06-{:02},success,,,",
            1 + i % 30
        ));
    }
    for i in 0..39 {
        rows.push(format!(
            "WF{i},arbitration,武汉市,,仲裁委派,,工伤,,2023-05-01,2023-06-30,failure,,,"
        ));
    }
    rows.push("WW1,court,武汉,,,,欠薪,,2023-05-01,2023-06-15,withdrawn,,,".into());
    rows.push("WW2,court,武汉,,,,欠薪,,2023-05-01,2023-06-15,撤回,,,".into());
    rows.push("WP1,court,武汉,,,,欠薪,,2023-05-01,,pending,,,".into());
    for i in 0..6 {
        rows.push(format!(
            "Y{i},court,宜昌,夷陵区,12351转入,RX{i},欠薪,,2023-05-01,2023-06-0{},调解成功,,,",
            1 + i
        ));
    }
    for i in 0..4 {
        rows.push(format!(
            "YF{i},court,宜昌,,,,欠薪,,2023-05-01,2023-06-01,调解不成功,,,"
        ));
    }
    rows.push("YJ,court,宜昌,,,,欠薪,,2023-05-01,2023-07-01,success,,,".into());
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&rows));
}

fn rates_csv(ws: &Workspace, args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut all = vec!["rates", "--mediation", "m.csv", "--format", "csv"];
    all.extend_from_slice(args);
    let run = ws.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse_csv(&run.stdout)
}

fn row_for<'a>(
    header: &[String],
    rows: &'a [Vec<String>],
    column: &str,
    value: &str,
) -> &'a [String] {
    rows.iter()
        .find(|r| field(header, r, column) == value)
        .unwrap_or_else(|| panic!("no row with {column} = {value}"))
}

#[test]
fn csv_has_the_documented_columns_in_order() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, _) = rates_csv(&ws, &["--month", "2023-06"]);
    assert_eq!(
        header,
        [
            "prefecture_code",
            "prefecture",
            "received",
            "closed",
            "successes",
            "failures",
            "withdrawn",
            "decided",
            "success_rate",
            "ci_low",
            "ci_high",
            "p_value",
            "p_adjusted",
            "verdict",
            "pending_at_end",
            "amount_yuan",
            "amount_cases",
            "settled_yuan",
            "workers",
            "shrunken_rate",
            "shrunken_low",
            "shrunken_high",
            "rank"
        ]
    );
}

#[test]
fn every_prefecture_appears_in_code_order_zeros_included() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06"]);
    assert_eq!(rows.len(), 17);
    assert_eq!(field(&header, &rows[0], "prefecture"), "武汉市");
    assert_eq!(field(&header, &rows[16], "prefecture_code"), "429021");
    let shennongjia = &rows[16];
    assert_eq!(field(&header, shennongjia, "closed"), "0");
    assert_eq!(field(&header, shennongjia, "success_rate"), "");
    assert_eq!(field(&header, shennongjia, "p_value"), "");
    assert_eq!(field(&header, shennongjia, "verdict"), "too_few");
}

#[test]
fn counts_rates_and_tests_match_reference_values() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06"]);
    let wuhan = row_for(&header, &rows, "prefecture", "武汉市");
    let n = |c: &str| field(&header, wuhan, c).to_string();
    assert_eq!(
        (
            n("closed"),
            n("successes"),
            n("failures"),
            n("withdrawn"),
            n("decided")
        ),
        (
            "95".into(),
            "54".into(),
            "39".into(),
            "2".into(),
            "93".into()
        )
    );
    let f = |c: &str| field(&header, wuhan, c).parse::<f64>().unwrap();
    // scipy.stats.binomtest(54, 93, 0.5) and statsmodels proportion_confint(method="wilson").
    assert!((f("success_rate") - 54.0 / 93.0).abs() < 1e-12);
    assert!((f("ci_low") - 0.47911).abs() < 5e-6);
    assert!((f("ci_high") - 0.67578).abs() < 5e-6);
    assert!((f("p_value") - 0.14618).abs() < 5e-6);
    assert_eq!(field(&header, wuhan, "verdict"), "not_distinguishable");
    // Yichang: 6/10 in June (the 2023-07-01 success is outside), p = 0.75391 (scipy).
    let yichang = row_for(&header, &rows, "prefecture", "宜昌市");
    assert_eq!(field(&header, yichang, "decided"), "10");
    assert!((field(&header, yichang, "p_value").parse::<f64>().unwrap() - 0.75391).abs() < 5e-6);
    // Both have >= 10 decided cases: BH over two p-values gives max(2p1, p2) style values.
    let q_w: f64 = field(&header, wuhan, "p_adjusted").parse().unwrap();
    let q_y: f64 = field(&header, yichang, "p_adjusted").parse().unwrap();
    assert!((q_w - 0.14618 * 2.0).abs() < 1e-5, "{q_w}");
    assert!((q_y - 0.75391).abs() < 1e-5, "{q_y}");
}

#[test]
fn period_end_is_inclusive_and_judged_by_closed_on() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--from", "2023-06-01", "--to", "2023/7/1"]);
    let yichang = row_for(&header, &rows, "prefecture", "宜昌市");
    assert_eq!(field(&header, yichang, "successes"), "7");
    let (header, rows) = rates_csv(&ws, &["--quarter", "2023Q3"]);
    let yichang = row_for(&header, &rows, "prefecture", "宜昌市");
    assert_eq!(field(&header, yichang, "closed"), "1");
}

#[test]
fn withdrawn_as_failure_enters_the_denominator() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06", "--withdrawn-as-failure"]);
    let wuhan = row_for(&header, &rows, "prefecture", "武汉市");
    assert_eq!(field(&header, wuhan, "decided"), "95");
    assert_eq!(field(&header, wuhan, "failures"), "39");
    assert_eq!(field(&header, wuhan, "withdrawn"), "2");
}

#[test]
fn min_cases_marks_small_rows_too_few_and_leaves_them_out_of_the_family() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06", "--min-cases", "20"]);
    let yichang = row_for(&header, &rows, "prefecture", "宜昌市");
    assert_eq!(field(&header, yichang, "verdict"), "too_few");
    assert_eq!(field(&header, yichang, "p_adjusted"), "");
    assert!(!field(&header, yichang, "p_value").is_empty());
    let wuhan = row_for(&header, &rows, "prefecture", "武汉市");
    let q: f64 = field(&header, wuhan, "p_adjusted").parse().unwrap();
    assert!((q - 0.14618).abs() < 5e-6);
}

#[test]
fn baseline_moves_the_verdict() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06", "--baseline", "80%"]);
    let wuhan = row_for(&header, &rows, "prefecture", "武汉市");
    assert_eq!(field(&header, wuhan, "verdict"), "below");
}

#[test]
fn by_prefecture_and_channel_crosses_every_region_with_both_channels() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06", "--by", "prefecture,channel"]);
    assert_eq!(rows.len(), 34);
    assert_eq!(&header[..3], ["prefecture_code", "prefecture", "channel"]);
    let court = rows
        .iter()
        .find(|r| r[1] == "武汉市" && r[2] == "court")
        .unwrap();
    assert_eq!(field(&header, court, "successes"), "54");
    let arb = rows
        .iter()
        .find(|r| r[1] == "武汉市" && r[2] == "arbitration")
        .unwrap();
    assert_eq!(field(&header, arb, "failures"), "39");
}

#[test]
fn by_county_lists_every_county_level_unit_and_not_given_rows() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06", "--by", "county"]);
    assert_eq!(
        &header[..4],
        ["prefecture_code", "prefecture", "county_code", "county"]
    );
    // 103 county-level units plus Wuhan's and Yichang's "not given" rows.
    assert_eq!(rows.len(), 105);
    let jiangan = row_for(&header, &rows, "county", "江岸区");
    assert_eq!(field(&header, jiangan, "successes"), "54");
    let yiling = row_for(&header, &rows, "county", "夷陵区");
    assert_eq!(field(&header, yiling, "successes"), "6");
}

#[test]
fn by_source_dispute_type_and_month() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--year", "2023", "--by", "source"]);
    let hotline = row_for(&header, &rows, "source", "hotline");
    assert_eq!(field(&header, hotline, "successes"), "6");
    let (header, rows) = rates_csv(&ws, &["--year", "2023", "--by", "dispute_type"]);
    let injury = row_for(&header, &rows, "dispute_type", "工伤");
    assert_eq!(field(&header, injury, "failures"), "39");
    let (header, rows) = rates_csv(&ws, &["--year", "2023", "--by", "month"]);
    assert_eq!(rows.len(), 12);
    let july = row_for(&header, &rows, "month", "2023-07");
    assert_eq!(field(&header, july, "successes"), "1");
}

#[test]
fn json_output_parses_back_to_the_same_rows() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = json.as_array().unwrap();
    // 17 prefectures, then the province total.
    assert_eq!(rows.len(), 18);
    assert_eq!(rows[17]["row"], "total");
    assert_eq!(rows[0]["row"], "group");
    assert_eq!(rows[0]["prefecture_code"], 420100);
    assert_eq!(rows[0]["successes"], 54);
    assert!((rows[0]["success_rate"].as_f64().unwrap() - 54.0 / 93.0).abs() < 1e-12);
    assert!(rows[16]["success_rate"].is_null());
    // The row accounting still reaches the user, on standard error.
    assert!(run.stderr.contains("m.csv"), "{}", run.stderr);
}

#[test]
fn table_names_period_denominator_and_accounting_with_a_total_row() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 0);
    let out = &run.stdout;
    assert!(out.contains("successes / (successes + failures)"), "{out}");
    assert!(out.contains("2023-06-01..2023-06-30"), "{out}");
    assert!(out.contains("baseline 50%"), "{out}");
    assert!(out.contains("read 107 = accepted 107"), "{out}");
    assert!(out.contains("Province total"), "{out}");
    assert!(out.contains("58.1%"), "{out}");
    assert!(out.contains("＝ not distinguishable"), "{out}");
}

#[test]
fn chinese_labels_by_default() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&["rates", "--mediation", "m.csv", "--month", "2023-06"]);
    assert!(run.stdout.contains("成功率"), "{}", run.stdout);
    assert!(run.stdout.contains("全省合计"));
    assert!(run.stdout.contains("样本过少"));
}

#[test]
fn markdown_output_is_a_table() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--format",
        "markdown",
    ]);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(lines.len(), 2 + 17 + 1);
    assert!(lines[1].starts_with("| ---"));
}

#[test]
fn sort_by_rate_puts_the_highest_first() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = rates_csv(&ws, &["--month", "2023-06", "--sort", "rate"]);
    assert_eq!(field(&header, &rows[0], "prefecture"), "宜昌市");
    assert_eq!(field(&header, &rows[1], "prefecture"), "武汉市");
}

#[test]
fn output_file_is_written_with_a_bom_for_excel() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--format",
        "csv",
        "--output",
        "out.csv",
    ]);
    assert_eq!(run.code, 0);
    let bytes = std::fs::read(ws.path("out.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}prefecture_code".as_bytes()));
    assert!(run.stdout.is_empty());
}

#[test]
fn conflicting_periods_are_a_usage_error() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--year",
        "2023",
    ]);
    assert_eq!(run.code, 2);
    let run = ws.run(&["rates", "--mediation", "m.csv", "--month", "2023-13"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("YYYY-MM"), "{}", run.stderr);
}

#[test]
fn a_hotline_log_is_not_read_by_rates() {
    let ws = Workspace::new();
    fixture(&ws);
    // Its body would be rejected row by row if it were read.
    ws.write("h.csv", &hotline_csv(&["broken,row"; 3]));
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--hotline",
        "h.csv",
        "--year",
        "2023",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("跳过 h.csv：这个命令不用热线记录，没有读取"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("h.csv"));
    // In a folder, the header says hotline and rates stops there.
    std::fs::create_dir(ws.path("d")).unwrap();
    std::fs::copy(ws.path("m.csv"), ws.path("d/m.csv")).unwrap();
    std::fs::copy(ws.path("h.csv"), ws.path("d/h.csv")).unwrap();
    let folder = ws.run(&["rates", "--data", "d", "--year", "2023", "--format", "csv"]);
    assert_eq!(folder.code, 0, "{}", folder.stderr);
    assert!(!folder.stderr.contains("h.csv"), "{}", folder.stderr);
    let validate = ws.run(&["validate", "--data", "d"]);
    assert!(
        validate.stdout.contains("h.csv"),
        "validate reads both kinds"
    );
}
