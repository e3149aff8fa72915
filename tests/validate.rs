//! `disputes validate` end to end: every loader rule, merge rule and
//! bad-input case of docs/data-format.md on small fixtures.

mod common;

use common::*;
use serde_json::Value;

fn validate_json(ws: &Workspace, args: &[&str]) -> (Run, Value) {
    // Reasons are checked in English here; both languages: tests/messages.rs.
    let mut all = vec!["validate", "--format", "json", "--lang", "en"];
    all.extend_from_slice(args);
    let run = ws.run(&all);
    let json: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\nstdout: {}\nstderr: {}", run.stdout, run.stderr));
    (run, json)
}

fn file_counts(json: &Value, i: usize) -> (u64, u64, u64, u64, u64) {
    let f = &json["files"][i];
    let n = |k: &str| f[k].as_u64().unwrap();
    (
        n("read"),
        n("accepted"),
        n("duplicates"),
        n("superseded"),
        n("rejected"),
    )
}

fn rejects(json: &Value) -> Vec<(u64, Option<u64>, String)> {
    json["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["column"].as_u64(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const GOOD: &str = "M1,法院+工会,武汉市,江岸区,法院委派,,欠薪,江岸区工会,2023-06-01,2023-06-10,调解成功,3,1000,800";

#[test]
fn clean_file_validates_with_exit_zero() {
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[GOOD]));
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(file_counts(&json, 0), (1, 1, 0, 0, 0));
    assert_eq!(json["files"][0]["kind"], "mediation");
    assert_eq!(json["files"][0]["path"], "m.csv");
}

#[test]
fn gbk_file_with_chinese_headers_in_another_order_loads() {
    let ws = Workspace::new();
    ws.write_gbk(
        "m.csv",
        "调解结果,案号,渠道,地市,纠纷类型,委派日期,结案日期,调解金额（元）\r\n\
         调解失败,G1,人社+工会,恩施州,欠薪,2023/6/1,2023年6月9日,\r\n\
         调解成功,G2,court,襄樊,工伤,20230601,45090,500\r\n",
    );
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(json["files"][0]["encoding"], "gbk");
    assert_eq!(file_counts(&json, 0), (2, 2, 0, 0, 0));
}

#[test]
fn utf8_bom_file_loads() {
    let ws = Workspace::new();
    ws.write("m.csv", &format!("\u{feff}{}", mediation_csv(&[GOOD])));
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0);
    assert_eq!(json["files"][0]["encoding"], "utf-8");
}

#[test]
fn every_date_form_is_accepted() {
    let ws = Workspace::new();
    let rows: Vec<String> = [
        "2023-06-01",
        "2023/6/1",
        "2023.6.1",
        "2023年6月1日",
        "20230601",
        "45078",
    ]
    .iter()
    .enumerate()
    .map(|(i, d)| format!("D{i},court,武汉,,,,欠薪,,{d},{d},success,,,"))
    .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&rows));
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0, "{:?}", rejects(&json));
    assert_eq!(file_counts(&json, 0), (6, 6, 0, 0, 0));
}

#[test]
fn every_datetime_form_is_accepted() {
    let ws = Workspace::new();
    let forms = [
        "2023-06-01 09:15",
        "2023/6/1 9:15",
        "2023-06-01 09:15:00",
        "2023-06-01T09:15:00",
        "45078.375",
        "2023-06-01",
    ];
    let rows: Vec<String> = forms
        .iter()
        .enumerate()
        .map(|(i, d)| format!("T{i},{d},武汉,,欠薪,当场解答,已办结,2023-06-02 10:00,满意,,"))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("h.csv", &hotline_csv(&rows));
    let (run, json) = validate_json(&ws, &["--hotline", "h.csv"]);
    assert_eq!(run.code, 0, "{:?}", rejects(&json));
    assert_eq!(file_counts(&json, 0).1, 6);
}

#[test]
fn region_spellings_and_levels_resolve() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "R1,court,恩施州,恩施,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "R2,court,仙桃,仙桃市,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "R3,court,420100,武汉市江岸区,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "R4,court,湖北省襄阳市,襄阳区,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "R5,court, 武汉 ,市本级,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0, "{:?}", rejects(&json));
}

#[test]
fn county_outside_its_prefecture_is_rejected() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "R1,court,武汉,西陵区,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "R2,court,武汉,仙桃,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 1);
    let r = rejects(&json);
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].0, r[0].1), (3, Some(4)));
    assert!(r[0].2.contains("does not lie in"), "{}", r[0].2);
    assert_eq!(r[1].0, 4);
}

#[test]
fn every_row_rule_rejects_with_line_column_and_reason() {
    let ws = Workspace::new();
    let rows = [
        GOOD,                                                               // 2
        "B1,court,,,,,欠薪,,2023-06-01,2023-06-02,success,,,",              // 3 missing prefecture
        "B2,court,北京,,,,欠薪,,2023-06-01,2023-06-02,success,,,",          // 4 unknown region
        "B3,court,武汉,,,,欠薪,,2023-02-30,2023-06-02,success,,,",          // 5 bad date
        "B4,court,武汉,,,,欠薪,,2023-06-05,2023-06-02,success,,,", // 6 closed before received
        "B5,court,武汉,,,,欠薪,,2023-06-01,,success,,,",           // 7 closing date missing
        "B6,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,pending,,,", // 8 closing date on pending
        "B7,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,failure,,100,50", // 9 settled on failure
        "B8,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,maybe,,,",   // 10 bad enum
        "B9,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,0,,", // 11 workers < 1
        "B10,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,-5,", // 12 negative amount
        "4.20106E+17,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,", // 13 mangled id
        "B12,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,abc,", // 14 bad number
        "B13,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success",   // 15 ragged
        "B14,tv,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,",   // 16 bad channel
        "B15,court,武汉,,,,,,2023-06-01,2023-06-02,success,,,",    // 17 missing dispute_type
    ];
    ws.write("m.csv", &mediation_csv(&rows));
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 1);
    assert_eq!(file_counts(&json, 0), (16, 1, 0, 0, 15));
    let r = rejects(&json);
    let expect: [(u64, Option<u64>, &str); 15] = [
        (3, Some(3), "required"),
        (4, Some(3), "prefecture-level"),
        (5, Some(9), "no such day"),
        (6, Some(10), "before"),
        (7, Some(10), "needs its closing date"),
        (8, Some(10), "has no closing date"),
        (9, Some(14), "only a successful"),
        (10, Some(11), "accepted values"),
        (11, Some(12), "at least 1"),
        (12, Some(13), "negative"),
        (13, Some(1), "re-export the column formatted as text"),
        (14, Some(13), "not a number"),
        (15, None, "cells but the header has"),
        (16, Some(2), "accepted values"),
        (17, Some(7), "required"),
    ];
    assert_eq!(r.len(), expect.len(), "{r:#?}");
    for ((line, column, reason), (el, ec, etext)) in r.iter().zip(expect) {
        assert_eq!((*line, *column), (el, ec), "{reason}");
        assert!(
            reason.contains(etext),
            "line {line}: {reason:?} lacks {etext:?}"
        );
    }
}

#[test]
fn a_row_is_rejected_once_for_its_first_rule() {
    let ws = Workspace::new();
    // Unknown region and bad date and settled on failure: the region comes first.
    ws.write(
        "m.csv",
        &mediation_csv(&["X1,court,火星,,,,欠薪,,2023-02-30,,failure,,,5"]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    let r = rejects(&json);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].1, Some(3));
}

#[test]
fn hotline_rules_reject() {
    let ws = Workspace::new();
    ws.write(
        "h.csv",
        &hotline_csv(&[
            "T1,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,2023-06-02 09:00,满意,13800131234,2",
            "T2,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,,满意,,",
            "T3,2023-06-01 09:00,武汉,,欠薪,转调解,办理中,2023-06-02 09:00,,,",
            "T4,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,2023-05-31 09:00,,,",
            "T5,2023-06-01 25:00,武汉,,欠薪,转调解,办理中,,,,",
            "T6,2023-06-01 09:00,武汉,,欠薪,打电话,办理中,,,,",
        ]),
    );
    let (run, json) = validate_json(&ws, &["--hotline", "h.csv"]);
    assert_eq!(run.code, 1);
    let r = rejects(&json);
    let cols: Vec<(u64, Option<u64>)> = r.iter().map(|x| (x.0, x.1)).collect();
    assert_eq!(
        cols,
        vec![
            (3, Some(8)),
            (4, Some(8)),
            (5, Some(8)),
            (6, Some(2)),
            (7, Some(6))
        ]
    );
}

#[test]
fn line_numbers_count_physical_lines_of_multiline_cells() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "Q1,court,武汉,,,,欠薪,\"第一行\n第二行\",2023-06-01,2023-06-02,success,,,",
            "",
            "Q2,court,武汉,,,,欠薪,,2023-06-01,,success,,,",
        ]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(rejects(&json)[0].0, 5);
    assert_eq!(file_counts(&json, 0).0, 2);
}

#[test]
fn trailing_all_empty_records_are_not_rows() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &format!(
            "{}{}",
            mediation_csv(&[GOOD]),
            ",,,,,,,,,,,,,\n,,,,,,,,,,,,,\n"
        ),
    );
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0);
    assert_eq!(file_counts(&json, 0), (1, 1, 0, 0, 0));
}

#[test]
fn records_of_full_width_spaces_are_not_rows() {
    // Cells are trimmed of spaces of any width: these records are empty.
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "\u{3000}",
            ",\u{3000},,,,,,,,,,,,",
            " , \u{3000} ,,,,,,,,,,,,",
            "\"\u{3000}\",,,,,,,,,,,,,",
        ]),
    );
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(file_counts(&json, 0), (1, 1, 0, 0, 0));
}

#[test]
fn quoted_total_rows_are_total_rows() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            GOOD,
            "\"小计\",,,,,,,,,,,,,",
            "\"合计：3件\",,,,,,,,,,,,,",
            "\"合计\",,,",
            "\"\",\"总计\"",
        ]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(file_counts(&json, 0), (5, 1, 0, 0, 4));
    let reasons: Vec<(u64, String)> = rejects(&json).into_iter().map(|(l, _, r)| (l, r)).collect();
    let total = "a total row, not a case".to_string();
    assert_eq!(
        reasons,
        [
            (3, total.clone()),
            (4, total.clone()),
            (5, total.clone()),
            (6, total)
        ]
    );
}

#[test]
fn undecodable_bytes_reject_the_row_not_the_file() {
    let ws = Workspace::new();
    let mut bytes = mediation_csv(&[GOOD]).into_bytes();
    bytes.extend_from_slice(b"M2,court,\xFF\xFE,,,,x,,2023-06-01,2023-06-02,success,,,\n");
    ws.write_bytes("m.csv", &bytes);
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 1);
    let r = rejects(&json);
    assert_eq!((r[0].0, r[0].1), (3, Some(3)));
    assert!(r[0].2.contains("not valid"), "{}", r[0].2);
}

#[test]
fn identical_row_in_a_later_file_is_its_duplicate() {
    let ws = Workspace::new();
    ws.write("a.csv", &mediation_csv(&[GOOD]));
    // Same case, GBK with Chinese headers and other spellings: same values.
    ws.write_gbk(
        "b.csv",
        "案件编号,对接渠道,市州,县市区,案件来源,纠纷类型,调解组织,受理日期,结案日期,调解结果,涉及职工人数,涉案金额(元),调解金额(元)\n\
         M1,court,武汉,江岸,法院委派,欠薪,江岸区工会,2023/6/1,2023年6月10日,success,3,1000.00,800\n",
    );
    let (run, json) = validate_json(&ws, &["--mediation", "a.csv", "b.csv"]);
    assert_eq!(run.code, 0);
    assert_eq!(file_counts(&json, 0), (1, 1, 0, 0, 0));
    assert_eq!(file_counts(&json, 1), (1, 0, 1, 0, 0));
}

#[test]
fn closed_row_in_a_later_file_supersedes_the_pending_one() {
    let ws = Workspace::new();
    ws.write(
        "a.csv",
        &mediation_csv(&["P1,court,武汉,,,,欠薪,,2023-06-01,,pending,,,"]),
    );
    ws.write(
        "b.csv",
        &mediation_csv(&["P1,court,武汉,,,,欠薪,,2023-06-01,2023-06-20,failure,,,"]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "a.csv", "b.csv"]);
    assert_eq!(file_counts(&json, 0), (1, 0, 0, 1, 0));
    assert_eq!(file_counts(&json, 1), (1, 1, 0, 0, 0));
}

#[test]
fn pending_row_in_a_later_file_does_not_reopen_a_closed_case() {
    let ws = Workspace::new();
    ws.write(
        "a.csv",
        &mediation_csv(&["P1,court,武汉,,,,欠薪,,2023-06-01,2023-06-20,success,,,"]),
    );
    ws.write(
        "b.csv",
        &mediation_csv(&["P1,court,武汉,,,,欠薪,,2023-06-01,,pending,,,"]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "a.csv", "b.csv"]);
    assert_eq!(file_counts(&json, 0), (1, 1, 0, 0, 0));
    assert_eq!(file_counts(&json, 1), (1, 0, 0, 1, 0));
}

#[test]
fn later_export_corrects_an_earlier_closed_row() {
    let ws = Workspace::new();
    ws.write(
        "a.csv",
        &mediation_csv(&["C1,court,武汉,,,,欠薪,,2023-06-01,2023-06-20,success,,,"]),
    );
    ws.write(
        "b.csv",
        &mediation_csv(&["C1,court,武汉,,,,欠薪,,2023-06-01,2023-06-21,success,,,"]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "a.csv", "b.csv"]);
    assert_eq!(file_counts(&json, 0), (1, 0, 0, 1, 0));
    assert_eq!(file_counts(&json, 1), (1, 1, 0, 0, 0));
}

#[test]
fn repeated_id_within_one_file_merges_too() {
    let ws = Workspace::new();
    ws.write(
        "h.csv",
        &hotline_csv(&[
            "T1,2023-06-01 09:00,武汉,,欠薪,转办,办理中,,,,",
            "T1,2023/6/1 9:00,武汉市,,欠薪,转办,办理中,,,,",
            "T1,2023-06-01 09:00,武汉,,欠薪,转办,已办结,2023-06-03 10:00,满意,,",
        ]),
    );
    let (_, json) = validate_json(&ws, &["--hotline", "h.csv"]);
    assert_eq!(file_counts(&json, 0), (3, 1, 1, 1, 0));
}

#[test]
fn rejected_rows_take_no_part_in_the_merge() {
    let ws = Workspace::new();
    ws.write(
        "a.csv",
        &mediation_csv(&["C1,court,武汉,,,,欠薪,,2023-06-01,2023-06-20,success,,,"]),
    );
    ws.write(
        "b.csv",
        &mediation_csv(&["C1,court,武汉,,,,欠薪,,2023-06-01,2023-05-20,success,,,"]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "a.csv", "b.csv"]);
    assert_eq!(file_counts(&json, 0), (1, 1, 0, 0, 0));
    assert_eq!(file_counts(&json, 1), (1, 0, 0, 0, 1));
}

#[test]
fn missing_required_column_exits_2_naming_it_and_its_aliases() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        "case_id,channel,prefecture,dispute_type,outcome\nM1,court,武汉,欠薪,success\n",
    );
    let run = ws.run(&["validate", "--mediation", "m.csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("m.csv"), "{}", run.stderr);
    assert!(run.stderr.contains("received_on"), "{}", run.stderr);
    assert!(
        run.stderr.contains("受理日期") && run.stderr.contains("委派日期"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn empty_file_exits_2() {
    let ws = Workspace::new();
    ws.write("m.csv", "");
    let run = ws.run(&["validate", "--mediation", "m.csv", "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("m.csv") && run.stderr.contains("empty"),
        "{}",
        run.stderr
    );
}

#[test]
fn unrecognisable_header_exits_2() {
    let ws = Workspace::new();
    ws.write("m.csv", "foo,bar\n1,2\n");
    let run = ws.run(&["validate", "--mediation", "m.csv", "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no recognisable header"),
        "{}",
        run.stderr
    );
}

#[test]
fn unreadable_file_exits_2() {
    let ws = Workspace::new();
    let run = ws.run(&["validate", "--mediation", "missing.csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.csv"), "{}", run.stderr);
}

#[test]
fn header_only_file_has_nothing_to_reject() {
    let ws = Workspace::new();
    ws.write("m.csv", &mediation_csv(&[]));
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(run.code, 0);
    assert_eq!(file_counts(&json, 0), (0, 0, 0, 0, 0));
}

#[test]
fn rejects_file_keeps_rows_as_they_were_for_the_owner_only() {
    let ws = Workspace::new();
    ws.write(
        "h.csv",
        &hotline_csv(&["T1,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,,满意,13800131234,1"]),
    );
    let run = ws.run(&["validate", "--hotline", "h.csv", "--rejects", "rejects.csv"]);
    assert_eq!(run.code, 1);
    let text = std::fs::read_to_string(ws.path("rejects.csv")).unwrap();
    let (header, rows) = parse_csv(&text);
    assert_eq!(
        header,
        ["file", "line", "column", "column_name", "reason", "record"]
    );
    assert_eq!(field(&header, &rows[0], "line"), "2");
    assert_eq!(
        field(&header, &rows[0], "record"),
        "T1,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,,满意,13800131234,1"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(ws.path("rejects.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn table_output_lists_rejects_as_file_line_column() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[GOOD, "B1,court,,,,,欠薪,,2023-06-01,2023-06-02,success,,,"]),
    );
    let run = ws.run(&["validate", "--mediation", "m.csv", "--lang", "en"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("m.csv:3:3"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("read = accepted + duplicates + superseded + rejected")
    );
}

#[test]
fn data_folder_reads_both_kinds_sorted_by_name() {
    let ws = Workspace::new();
    ws.write(
        "d/mediation_2.csv",
        &mediation_csv(&["C1,court,武汉,,,,欠薪,,2023-06-01,2023-06-21,success,,,"]),
    );
    ws.write(
        "d/mediation_1.csv",
        &mediation_csv(&["C1,court,武汉,,,,欠薪,,2023-06-01,2023-06-20,success,,,"]),
    );
    ws.write("d/hotline.csv", &hotline_csv(&[]));
    ws.write("d/notes.txt", "not a log");
    let (_, json) = validate_json(&ws, &["--data", "d"]);
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 3);
    assert!(paths[1].ends_with("mediation_1.csv") && paths[2].ends_with("mediation_2.csv"));
    assert_eq!(file_counts(&json, 1), (1, 0, 0, 1, 0));
}

#[test]
fn forced_encoding_overrides_detection() {
    let ws = Workspace::new();
    ws.write_gbk("m.csv", &mediation_csv(&[GOOD]));
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv", "--encoding", "gbk"]);
    assert_eq!(run.code, 0);
    assert_eq!(json["files"][0]["encoding"], "gbk");
}

#[test]
fn a_utf8_bom_before_gbk_text_is_skipped_when_gbk_is_forced() {
    // Some tools put a UTF-8 BOM in front of GBK text: `--encoding gbk`
    // says what the text is, and the BOM is not part of the header.
    let ws = Workspace::new();
    let text = mediation_csv(&[GOOD]);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&gbk);
    ws.write_bytes("m.csv", &bytes);
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv", "--encoding", "gbk"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(file_counts(&json, 0), (1, 1, 0, 0, 0));
}

#[test]
fn a_header_not_found_says_which_encoding_the_file_was_read_in() {
    // Chinese headers in GBK read as UTF-8 by force name no column.
    let ws = Workspace::new();
    ws.write_gbk(
        "m.csv",
        "调解结果,案号,渠道,地市,纠纷类型,委派日期,结案日期\r\n\
         调解失败,G1,人社+工会,恩施州,欠薪,2023/6/1,2023年6月9日\r\n",
    );
    let args = ["validate", "--mediation", "m.csv", "--encoding", "utf-8"];
    let run = ws.run(&args);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("找不到表头"), "{}", run.stderr);
    assert!(
        run.stderr.contains("文件是按 UTF-8 读的") && run.stderr.contains("--encoding gbk"),
        "{}",
        run.stderr
    );
    let english: Vec<&str> = args.iter().copied().chain(["--lang", "en"]).collect();
    let run = ws.run(&english);
    assert!(
        run.stderr.contains("the file was read as UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_undecodable_cell_names_the_encoding_alone() {
    // A tab-separated file: the reason said "not valid UTF-8, tab".
    let ws = Workspace::new();
    let mut bytes = mediation_csv(&[GOOD]).replace(',', "\t").into_bytes();
    bytes.extend_from_slice(
        b"M2\tcourt\t\xff\xfe\t\t\t\t\xe6\xac\xa0\xe8\x96\xaa\t\t2023-06-01\t\tpending\t\t\t\n",
    );
    ws.write_bytes("m.tsv", &bytes);
    let (_, json) = validate_json(&ws, &["--mediation", "m.tsv", "--encoding", "utf-8"]);
    let reasons: Vec<String> = rejects(&json).into_iter().map(|(_, _, r)| r).collect();
    assert_eq!(
        reasons,
        [
            "column 3 holds bytes that are not valid UTF-8; save the file as UTF-8 or GBK, or give --encoding"
        ]
    );
}

#[test]
fn custom_region_table_replaces_hubei() {
    let ws = Workspace::new();
    ws.write(
        "regions.csv",
        "code,name,level,parent_code,parent_name,short_name,aliases\n\
         110100,甲市,prefecture,11,某省,甲,\n110101,乙区,county,110100,甲市,乙,\n",
    );
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "A1,court,甲,乙,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "A2,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let (run, json) = validate_json(&ws, &["--mediation", "m.csv", "--regions", "regions.csv"]);
    assert_eq!(run.code, 1);
    assert_eq!(rejects(&json)[0].0, 3);
}

#[test]
fn a_required_cell_of_spaces_is_missing() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&["S1,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,\u{3000} ,,,"]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    let r = rejects(&json);
    assert_eq!((r[0].0, r[0].1), (2, Some(11)));
    assert!(r[0].2.contains("required"), "{}", r[0].2);
}

#[test]
fn a_county_column_repeating_a_direct_unit_means_no_county() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "U1,court,潜江,潜江市,,,欠薪,,2023-06-01,2023-06-02,success,,,",
            "U2,court,429005,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        ]),
    );
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--by",
        "county",
        "--format",
        "csv",
    ]);
    let (header, rows) = parse_csv(&run.stdout);
    let qianjiang = rows
        .iter()
        .find(|r| field(&header, r, "county") == "潜江市")
        .unwrap();
    assert_eq!(field(&header, qianjiang, "successes"), "2");
}

#[test]
fn the_same_case_in_two_files_is_compared_after_normalising() {
    // 调解失败 = 调解不成功, court = 法院+工会, 襄樊 = 襄阳, 2023/6/1 = 2023-06-01.
    let ws = Workspace::new();
    ws.write(
        "a.csv",
        &mediation_csv(&["N1,法院+工会,襄阳市,,,,工伤,,2023-06-01,2023-06-09,调解不成功,,,"]),
    );
    ws.write(
        "b.csv",
        &mediation_csv(&["N1,court,襄樊,,,,工伤,,2023/6/1,20230609,调解失败,,,"]),
    );
    let (_, json) = validate_json(&ws, &["--mediation", "a.csv", "b.csv"]);
    assert_eq!(file_counts(&json, 1), (1, 0, 1, 0, 0));
}

#[test]
fn a_phone_in_the_wrong_column_is_masked_in_the_reason() {
    let ws = Workspace::new();
    ws.write(
        "h.csv",
        &hotline_csv(&["T1,13800131234,武汉,,欠薪,转办,办理中,,,,"]),
    );
    let run = ws.run(&["validate", "--hotline", "h.csv", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("138****1234"), "{}", run.stdout);
    assert!(!run.stdout.contains("13800131234"));
}

#[test]
fn a_day_that_does_not_exist_is_named_as_such() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "D1,court,武汉市,,法院委派,,欠薪,,2023-02-30,2023-03-05,success,,,",
            "D2,court,武汉市,,法院委派,,欠薪,,2023年13月1日,2023-03-05,success,,,",
            "D3,court,武汉市,,法院委派,,欠薪,,2024-02-29,2024-03-05,success,,,",
        ]),
    );
    let run = ws.run(&["validate", "--mediation", "m.csv"]);
    assert!(
        run.stdout
            .contains("\"2023-02-30\" 这一天不存在：2023年2月只有 28 天"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\"2023年13月1日\" 这一天不存在：没有 13 月")
    );
    assert!(!run.stdout.contains("m.csv:4:"), "29 February 2024 exists");
}

#[test]
fn an_excel_serial_date_is_shown_with_its_date() {
    let ws = Workspace::new();
    // 45000 is 2023-03-15 (Excel's count); closed before it.
    ws.write(
        "m.csv",
        &mediation_csv(&["S1,court,武汉市,,法院委派,,欠薪,,45000,2023-03-05,success,,,"]),
    );
    let run = ws.run(&["validate", "--mediation", "m.csv"]);
    assert!(
        run.stdout
            .contains("早于 received_on（受理日期） \"45000\"（即 2023-03-15）"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_count_above_its_bound_says_so_in_any_width_of_digits() {
    let row = |workers: &str| GOOD.replace(",3,1000,", &format!(",{workers},1000,"));
    let ws = Workspace::new();
    let rows = [
        row("100001"),
        row("１００００１"),
        row("\"100,001\""),
        row("0"),
        row("０"),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&rows));
    let (_, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    let reasons: Vec<String> = rejects(&json).into_iter().map(|(_, _, r)| r).collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    for (i, reason) in reasons.iter().enumerate() {
        let too_many = reason.contains("is above 100000");
        assert_eq!(too_many, i < 3, "{reason}");
    }
}

#[test]
fn a_gbk_row_in_a_utf8_file_is_rejected_alone() {
    // The file stayed GBK for one pasted GBK row, and every UTF-8 row was
    // rejected as garbled text.
    let ws = Workspace::new();
    let good: Vec<String> = (1..=200)
        .map(|i| GOOD.replacen("M1", &format!("M{i}"), 1))
        .collect();
    let good: Vec<&str> = good.iter().map(String::as_str).collect();
    let mut bytes = mediation_csv(&good).into_bytes();
    let pasted = GOOD.replacen("M1", "G1", 1);
    let (gbk, _, _) = encoding_rs::GBK.encode(&pasted);
    bytes.extend_from_slice(&gbk);
    bytes.push(b'\n');
    ws.write_bytes("m.csv", &bytes);
    let (_, json) = validate_json(&ws, &["--mediation", "m.csv"]);
    assert_eq!(json["files"][0]["encoding"], "utf-8");
    assert_eq!(file_counts(&json, 0), (201, 200, 0, 0, 1));
    let reasons: Vec<(u64, String)> = rejects(&json).into_iter().map(|(l, _, r)| (l, r)).collect();
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].0, 202);
    assert!(reasons[0].1.contains("not valid UTF-8"), "{reasons:?}");
}
