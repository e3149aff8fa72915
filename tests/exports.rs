//! Exports for Excel and scripts: xlsx workbooks, CSV with or without a
//! BOM, formula neutralisation (OWASP CSV injection), and the filters every
//! analysis command takes.

mod common;

use common::*;

/// Cases whose text cells look like formulas to Excel; the id is all digits
/// (18 of them, more than Excel keeps in a number).
fn injection_fixture(ws: &Workspace) {
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "420100202306000001,court,武汉,江岸区,法院委派,,=1+1,@SUM(A1),2023-05-01,2023-06-01,success,2,1000,800",
            "420100202306000002,court,武汉,江岸区,法院委派,,=1+1,＋cmd,2023-05-01,2023-06-02,failure,3,1000,",
            "420100202306000003,court,襄阳,谷城县,仲裁委派,,-2,=cmd,2023-05-01,2023-06-03,success,1,500,500",
        ]),
    );
}

#[test]
fn csv_files_carry_a_bom_unless_asked_not_to_and_stdout_never_does() {
    let ws = Workspace::new();
    injection_fixture(&ws);
    let run = ws.run(&["rates", "--mediation", "m.csv", "--output", "a.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read(ws.path("a.csv"))
            .unwrap()
            .starts_with("\u{feff}".as_bytes())
    );
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--output",
        "b.csv",
        "--no-bom",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read(ws.path("b.csv"))
            .unwrap()
            .starts_with(b"prefecture_code,")
    );
    let run = ws.run(&["rates", "--mediation", "m.csv", "--format", "csv"]);
    assert!(run.stdout.starts_with("prefecture_code,"));
}

#[test]
fn text_that_excel_would_run_is_neutralised_and_numbers_are_not() {
    let ws = Workspace::new();
    injection_fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--by",
        "dispute_type",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (header, rows) = parse_csv(&run.stdout);
    let types: Vec<&str> = rows
        .iter()
        .map(|r| field(&header, r, "dispute_type"))
        .collect();
    assert!(
        types.contains(&"'=1+1") && types.contains(&"'-2"),
        "{types:?}"
    );

    let sql = "SELECT case_id, mediator_org, -workers_involved AS negative, amount_yuan FROM mediation ORDER BY case_id";
    let run = ws.run(&["query", sql, "--mediation", "m.csv", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (header, rows) = parse_csv(&run.stdout);
    let orgs: Vec<&str> = rows
        .iter()
        .map(|r| field(&header, r, "mediator_org"))
        .collect();
    assert_eq!(orgs, ["'@SUM(A1)", "'＋cmd", "'=cmd"]);
    let negatives: Vec<&str> = rows.iter().map(|r| field(&header, r, "negative")).collect();
    assert_eq!(negatives, ["-2", "-3", "-1"], "numbers stay numbers");
    assert_eq!(field(&header, &rows[0], "case_id"), "420100202306000001");
}

#[test]
fn xlsx_holds_numbers_as_numbers_ids_as_text_and_no_formulas() {
    let ws = Workspace::new();
    injection_fixture(&ws);
    let sql = "SELECT case_id, mediator_org, -workers_involved AS negative FROM mediation ORDER BY case_id";
    let run = ws.run(&["query", sql, "--mediation", "m.csv", "--output", "q.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = ws.path("q.xlsx");
    let sheet = xlsx_part(&path, "xl/worksheets/sheet1.xml");
    let strings = xlsx_part(&path, "xl/sharedStrings.xml");
    assert!(!sheet.contains("<f>"), "no formulas");
    assert!(
        strings.contains("420100202306000001"),
        "the id is a string cell"
    );
    assert!(strings.contains("&apos;@SUM(A1)") || strings.contains("'@SUM(A1)"));
    assert!(
        sheet.contains("<v>-2</v>"),
        "a negative number is a number: {sheet}"
    );

    // Rates: Chinese headers, rates as numbers with a percent format.
    let run = ws.run(&["rates", "--mediation", "m.csv", "--output", "r.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = ws.path("r.xlsx");
    let strings = xlsx_part(&path, "xl/sharedStrings.xml");
    assert!(strings.contains("成功率") && strings.contains("武汉市"));
    let styles = xlsx_part(&path, "xl/styles.xml");
    assert!(styles.contains("0.0%"));
    let sheet = xlsx_part(&path, "xl/worksheets/sheet1.xml");
    // Wuhan: 1 success out of 2 decided.
    assert!(sheet.contains("<v>0.5</v>"), "{sheet}");

    let run = ws.run(&["rates", "--mediation", "m.csv", "--format", "xlsx"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--output 文件.xlsx"), "{}", run.stderr);
}

#[test]
fn filters_keep_the_selected_regions_and_values() {
    let ws = Workspace::new();
    injection_fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--prefecture",
        "襄阳市",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (header, rows) = parse_csv(&run.stdout);
    assert_eq!(rows.len(), 1, "only the selected prefecture is listed");
    assert_eq!(field(&header, &rows[0], "prefecture"), "襄阳市");
    assert_eq!(field(&header, &rows[0], "successes"), "1");

    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--by",
        "county",
        "--county",
        "谷城",
        "--format",
        "csv",
    ]);
    let (header, rows) = parse_csv(&run.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(field(&header, &rows[0], "county"), "谷城县");

    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--source",
        "court",
        "--format",
        "csv",
    ]);
    let (header, rows) = parse_csv(&run.stdout);
    let wuhan = rows
        .iter()
        .find(|r| field(&header, r, "prefecture") == "武汉市")
        .unwrap();
    assert_eq!(field(&header, wuhan, "closed"), "2");
    let xiangyang = rows
        .iter()
        .find(|r| field(&header, r, "prefecture") == "襄阳市")
        .unwrap();
    assert_eq!(
        field(&header, xiangyang, "closed"),
        "0",
        "仲裁委派 is filtered out"
    );

    let run = ws.run(&["rates", "--mediation", "m.csv", "--dispute-type", "＝1+1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("筛选：纠纷类型"), "{}", run.stdout);
    assert!(run.stdout.contains("筛选合计"));

    let run = ws.run(&["rates", "--mediation", "m.csv", "--dispute-type", "工伤"]);
    assert!(
        run.stderr
            .contains("--dispute-type \"工伤\" 在数据中没有匹配的行"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_filters_are_usage_errors() {
    let ws = Workspace::new();
    injection_fixture(&ws);
    let run = ws.run(&["rates", "--mediation", "m.csv", "--prefecture", "火星"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--prefecture \"火星\""),
        "{}",
        run.stderr
    );
    let run = ws.run(&["rates", "--mediation", "m.csv", "--category", "欠薪"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--category 只适用于热线记录"),
        "{}",
        run.stderr
    );
    let run = ws.run(&["rates", "--mediation", "m.csv", "--channel", "police"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("法院+工会"), "{}", run.stderr);
}

#[test]
fn validate_writes_its_rejected_rows_in_every_format() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "C1,court,武汉,江岸区,法院委派,,欠薪,,2023-05-01,2023-06-01,success,2,1000,800",
            "C2,court,火星,,法院委派,,欠薪,,2023-05-01,2023-06-01,success,2,1000,800",
        ]),
    );
    let run = ws.run(&["validate", "--mediation", "m.csv", "--format", "csv"]);
    assert_eq!(run.code, 1);
    let (header, rows) = parse_csv(&run.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(field(&header, &rows[0], "line"), "3");
    assert!(run.stderr.contains("读入 2 = 采用 1"), "{}", run.stderr);
    let run = ws.run(&["validate", "--mediation", "m.csv", "--format", "markdown"]);
    assert!(run.stdout.contains("| m.csv | 3 |"), "{}", run.stdout);
    let run = ws.run(&[
        "validate",
        "--mediation",
        "m.csv",
        "--format",
        "xlsx",
        "-o",
        "v.xlsx",
    ]);
    assert_eq!(run.code, 1);
    let strings = xlsx_part(&ws.path("v.xlsx"), "xl/sharedStrings.xml");
    assert!(
        strings.contains("火星") && strings.contains("采用"),
        "{strings}"
    );
    let book = xlsx_part(&ws.path("v.xlsx"), "xl/workbook.xml");
    assert_eq!(book.matches("<sheet ").count(), 2, "{book}");
}
