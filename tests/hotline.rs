//! `disputes hotline` end to end on a hand-computed fixture.

mod common;

use common::*;

/// Wuhan in June 2023: five closed tickets taking 1, 2, 3, 4 and 10 hours,
/// one open ticket received at 23:59 on the last day; one Wuhan ticket in
/// July; one Yichang ticket taking 240 hours.
fn fixture(ws: &Workspace) {
    ws.write(
        "h.csv",
        &hotline_csv(&[
            "T1,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,2023-06-01 10:00,满意,13800131234,1",
            "T2,2023/6/2 9:00,武汉市,,欠薪,当场解答,已办结,2023-06-02 11:00,基本满意,,",
            "T3,2023-06-03T09:00:00,武汉,,工伤,转办,已办结,2023-06-03 12:00,不满意,,",
            "T4,2023-06-04 09:00,武汉,,工伤,转调解,已办结,2023-06-04 13:00,未评价,,",
            "T5,2023-06-05,武汉,,其他,转办,已办结,2023-06-05 10:00,,,",
            "T6,2023-06-30 23:59,武汉,,欠薪,转调解,办理中,,,,",
            "T7,2023-07-01 00:00,武汉,,欠薪,转办,已办结,2023-07-01 01:00,满意,,",
            "T8,2023-06-10 09:00,宜昌,夷陵,欠薪,转办,已办结,2023-06-20 09:00,满意,,",
        ]),
    );
}

fn hotline_csv_out(ws: &Workspace, args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut all = vec!["hotline", "--hotline", "h.csv", "--format", "csv"];
    all.extend_from_slice(args);
    let run = ws.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse_csv(&run.stdout)
}

fn num(header: &[String], row: &[String], column: &str) -> f64 {
    field(header, row, column)
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {:?}", field(header, row, column)))
}

/// `hotline` of h.csv for one month, as English Markdown.
fn markdown_of_month(ws: &Workspace, month: &str) -> String {
    let run = ws.run(&[
        "hotline",
        "--hotline",
        "h.csv",
        "--month",
        month,
        "--lang",
        "en",
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn columns_are_the_documented_ones() {
    let ws = Workspace::new();
    fixture(&ws);
    let (header, rows) = hotline_csv_out(&ws, &["--month", "2023-06"]);
    assert_eq!(
        header,
        [
            "prefecture_code",
            "prefecture",
            "received",
            "closed",
            "closure_rate",
            "median_hours_to_close",
            "p90_hours_to_close",
            "on_time_rate",
            "satisfaction_rate",
            "referred",
            "referral_rate"
        ]
    );
    assert_eq!(rows.len(), 17, "every prefecture, zeros included");
}

#[test]
fn figures_match_hand_computed_values() {
    let ws = Workspace::new();
    fixture(&ws);
    let (h, rows) = hotline_csv_out(&ws, &["--month", "2023-06"]);
    let wuhan = &rows[0];
    assert_eq!(
        field(&h, wuhan, "received"),
        "6",
        "the 23:59 call on the last day is in"
    );
    assert_eq!(field(&h, wuhan, "closed"), "5");
    assert!(close(num(&h, wuhan, "closure_rate"), 5.0 / 6.0));
    // numpy.quantile([1, 2, 3, 4, 10], [0.5, 0.9]) (method="linear") = [3.0, 7.6]
    assert!(close(num(&h, wuhan, "median_hours_to_close"), 3.0));
    assert!(close(num(&h, wuhan, "p90_hours_to_close"), 7.6));
    assert!(close(num(&h, wuhan, "on_time_rate"), 1.0));
    // Evaluated: 满意, 基本满意, 不满意 (未评价 and empty are not).
    assert!(close(num(&h, wuhan, "satisfaction_rate"), 2.0 / 3.0));
    assert_eq!(field(&h, wuhan, "referred"), "3");
    assert!(close(num(&h, wuhan, "referral_rate"), 0.5));
    let yichang = rows
        .iter()
        .find(|r| field(&h, r, "prefecture") == "宜昌市")
        .unwrap();
    assert!(close(num(&h, yichang, "median_hours_to_close"), 240.0));
    assert!(close(num(&h, yichang, "on_time_rate"), 0.0));
    let huangshi = rows
        .iter()
        .find(|r| field(&h, r, "prefecture") == "黄石市")
        .unwrap();
    assert_eq!(field(&h, huangshi, "received"), "0");
    assert_eq!(field(&h, huangshi, "closure_rate"), "");
}

#[test]
fn sla_days_is_elapsed_time() {
    let ws = Workspace::new();
    fixture(&ws);
    // 3 hours = 0.125 days: tickets of 1, 2 and 3 hours are on time.
    let (h, rows) = hotline_csv_out(&ws, &["--month", "2023-06", "--sla-days", "0.125"]);
    assert!(close(num(&h, &rows[0], "on_time_rate"), 0.6));
}

#[test]
fn province_total_uses_all_tickets_for_its_quantiles() {
    let ws = Workspace::new();
    fixture(&ws);
    let markdown = markdown_of_month(&ws, "2023-06");
    let total = markdown
        .lines()
        .find(|l| l.contains("Province total"))
        .unwrap();
    // numpy.quantile([1, 2, 3, 4, 10, 240], [0.5, 0.9]) = [3.5, 125.0]
    assert!(total.contains("| 7 | 6 |"), "{total}");
    assert!(total.contains("3.5") && total.contains("125.0"), "{total}");
}

#[test]
fn group_by_handling_category_and_month() {
    let ws = Workspace::new();
    fixture(&ws);
    let (h, rows) = hotline_csv_out(&ws, &["--by", "handling"]);
    let referred = rows
        .iter()
        .find(|r| field(&h, r, "handling") == "referred")
        .unwrap();
    assert_eq!(field(&h, referred, "received"), "3");
    let (h, rows) = hotline_csv_out(&ws, &["--by", "category"]);
    let injury = rows
        .iter()
        .find(|r| field(&h, r, "category") == "工伤")
        .unwrap();
    assert_eq!(field(&h, injury, "received"), "2");
    let (h, rows) = hotline_csv_out(&ws, &["--by", "month"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(field(&h, &rows[1], "received"), "1");
    let (h, rows) = hotline_csv_out(&ws, &["--by", "county", "--month", "2023-06"]);
    let yiling = rows
        .iter()
        .find(|r| field(&h, r, "county") == "夷陵区")
        .unwrap();
    assert_eq!(field(&h, yiling, "received"), "1");
}

#[test]
fn mediation_only_groupings_are_refused() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&["hotline", "--hotline", "h.csv", "--by", "channel"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--by channel"), "{}", run.stderr);
}

#[test]
fn json_parses_back() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = ws.run(&[
        "hotline",
        "--hotline",
        "h.csv",
        "--month",
        "2023-06",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json[0]["received"], 6);
    // numpy.quantile([1, 2, 3, 4, 10], 0.9) = 7.6 (equal to within rounding).
    assert!(close(json[0]["p90_hours_to_close"].as_f64().unwrap(), 7.6));
}

#[test]
fn no_usable_row_at_all_is_said_on_standard_error() {
    let ws = Workspace::new();
    ws.write("h.csv", &hotline_csv(&["broken,row"]));
    let run = ws.run(&["hotline", "--hotline", "h.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("没有可用的记录"), "{}", run.stderr);
}

#[test]
fn quantiles_are_numpys_to_the_last_digit() {
    // numpy 2.4: np.quantile([1.0], 0.5) = 1.0; np.quantile([24, 27], 0.9)
    // = 26.7; np.quantile([2.4, 7.2, 16.8], 0.5) = 7.2, the hours being
    // (closed − received) / 1 h. Hours made by Polars (a multiplication by
    // 1/3,600,000) gave 0.9999999999999999, 26.699999999999996 and
    // 7.199999999999999.
    let ws = Workspace::new();
    ws.write(
        "h.csv",
        &hotline_csv(&[
            "Q1,2023-07-01 09:00,武汉,,欠薪,转办,已办结,2023-07-01 10:00,,,",
            "Q2,2023-06-01 00:00,宜昌,,欠薪,转办,已办结,2023-06-02 00:00,,,",
            "Q3,2023-06-01 00:00,宜昌,,欠薪,转办,已办结,2023-06-02 03:00,,,",
            "Q4,2023-06-01 00:00,襄阳,,欠薪,转办,已办结,2023-06-01 02:24,,,",
            "Q5,2023-06-01 00:00,襄阳,,欠薪,转办,已办结,2023-06-01 07:12,,,",
            "Q6,2023-06-01 00:00,襄阳,,欠薪,转办,已办结,2023-06-01 16:48,,,",
        ]),
    );
    let (h, rows) = hotline_csv_out(&ws, &["--year", "2023"]);
    let row = |name: &str| {
        rows.iter()
            .find(|r| field(&h, r, "prefecture") == name)
            .unwrap()
    };
    assert_eq!(field(&h, row("武汉市"), "median_hours_to_close"), "1");
    assert_eq!(field(&h, row("宜昌市"), "p90_hours_to_close"), "26.7");
    assert_eq!(field(&h, row("襄阳市"), "median_hours_to_close"), "7.2");
}

#[test]
fn figures_are_not_final_until_sla_days_of_calls_after_the_period() {
    // The last call is on 1 July, under 7 days after 30 June: June is not
    // final, however late a ticket was closed (bulletin.md: "the latest
    // received_at in the data"). A closing on 20 July hid the note.
    let ws = Workspace::new();
    ws.write(
        "h.csv",
        &hotline_csv(&[
            "T1,2023-06-01 09:00,武汉,,欠薪,转办,已办结,2023-07-20 10:00,,,",
            "T2,2023-07-01 00:00,武汉,,欠薪,转办,已办结,2023-07-01 01:00,,,",
        ]),
    );
    let june = markdown_of_month(&ws, "2023-06");
    assert!(
        june.contains("closure and on-time rates are not final"),
        "{june}"
    );
    // May ends 31 days before the last call: final.
    let may = markdown_of_month(&ws, "2023-05");
    assert!(!may.contains("not final"), "{may}");
}
