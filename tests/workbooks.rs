//! Reading what staff really have: workbooks (.xlsx, .xls, .ods, saved by
//! Excel, WPS or LibreOffice), title and total rows, UTF-16 tab-separated
//! text, folders of files with any name.

mod common;

use std::path::{Path, PathBuf};

use common::{Workspace, parse_csv};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The 34 cases of the committed workbooks (tests/data/README.md), as the
/// generator writes them: `csv/` clean CSV, `reg/` the tool's own register.
fn sample(ws: &Workspace) {
    let range = ["--scale", "0.05", "--from", "2023-01", "--to", "2023-03"];
    let mut args = vec!["sample", "--out", "csv"];
    args.extend(range);
    assert_eq!(ws.run(&args).code, 0);
    let mut args = vec!["sample", "--out", "reg", "--workbook"];
    args.extend(range);
    assert_eq!(ws.run(&args).code, 0);
}

/// The same text as UTF-16LE with a BOM, tab-separated, CRLF: Excel's
/// "Unicode 文本" save.
fn utf16_tsv(csv: &str) -> Vec<u8> {
    let (header, rows) = parse_csv(csv);
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains(['\t', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        text.push_str(&cells.join("\t"));
        text.push_str("\r\n");
    }
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// (read, accepted, rejected) summed over the sources of a validate run.
fn totals(ws: &Workspace, mediation: &str) -> (u64, u64, u64, Vec<String>) {
    let run = ws.run(&[
        "validate",
        "--hotline",
        "csv/hotline.csv",
        "--mediation",
        mediation,
        "--format",
        "json",
    ]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut t = (0, 0, 0);
    for f in json["files"].as_array().unwrap() {
        if f["kind"] == "mediation" {
            t.0 += f["read"].as_u64().unwrap();
            t.1 += f["accepted"].as_u64().unwrap();
            t.2 += f["rejected"].as_u64().unwrap();
        }
    }
    let reasons = json["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap().to_string())
        .collect();
    (t.0, t.1, t.2, reasons)
}

fn outputs(ws: &Workspace, mediation: &str) -> Vec<String> {
    let common = ["--hotline", "csv/hotline.csv", "--mediation", mediation];
    let mut out = Vec::new();
    for command in [
        &["rates", "--by", "county", "--format", "csv"][..],
        &["rates", "--by", "month,channel", "--format", "csv"],
        &["hotline", "--format", "csv"],
        &["funnel", "--format", "csv"],
    ] {
        let mut args = command.to_vec();
        args.extend(common);
        let run = ws.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        out.push(run.stdout);
    }
    out
}

#[test]
fn the_same_cases_in_every_format_give_the_same_figures() {
    let ws = Workspace::new();
    sample(&ws);
    let csv = std::fs::read_to_string(ws.path("csv/mediation.csv")).unwrap();
    ws.write_bytes("unicode.txt", &utf16_tsv(&csv));
    for name in ["register.xls", "register.ods", "register_libreoffice.xlsx"] {
        std::fs::copy(data(name), ws.path(name)).unwrap();
    }
    let reference = outputs(&ws, "csv/mediation.csv");
    let (read, accepted, rejected, _) = totals(&ws, "csv/mediation.csv");
    assert_eq!((read, accepted, rejected), (34, 34, 0));
    let sources = [
        ("reg/调解案件台账.xlsx", 3),
        ("register_libreoffice.xlsx", 3),
        ("register.xls", 3),
        ("register.ods", 3),
        ("unicode.txt", 0),
    ];
    for (file, total_rows) in sources {
        assert_eq!(outputs(&ws, file), reference, "{file}");
        let (r, a, j, reasons) = totals(&ws, file);
        // One 合计 row a sheet, set aside with its own reason.
        assert_eq!((r, a, j), (34 + total_rows, 34, total_rows), "{file}");
        assert!(
            reasons.iter().all(|r| r == "合计行，不是案件"),
            "{reasons:?}"
        );
    }
}

#[test]
fn sheets_are_sources_named_file_and_sheet_with_excel_row_numbers() {
    let ws = Workspace::new();
    sample(&ws);
    let run = ws.run(&[
        "validate",
        "--mediation",
        "reg/调解案件台账.xlsx",
        "--hotline",
        "csv/hotline.csv",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Title, 填报 line and header are rows 1-3; 12 cases in January: rows
    // 4-15, the 合计 row 16.
    assert!(
        run.stdout
            .contains("reg/调解案件台账.xlsx[1月]:16  合计行，不是案件"),
        "{}",
        run.stdout
    );
    let run = ws.run(&[
        "validate",
        "--mediation",
        "reg/调解案件台账.xlsx",
        "--sheet",
        "2月",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], "reg/调解案件台账.xlsx[2月]");
    assert_eq!(files[0]["encoding"], "xlsx");
}

#[test]
fn a_folder_of_any_names_and_formats_reads_each_file_by_its_header() {
    let ws = Workspace::new();
    sample(&ws);
    let csv = std::fs::read_to_string(ws.path("csv/mediation.csv")).unwrap();
    let hotline = std::fs::read_to_string(ws.path("csv/hotline.csv")).unwrap();
    ws.write("d/调解案件台账2023上半年.csv", &csv);
    ws.write_bytes("d/12351热线工单.txt", &utf16_tsv(&hotline));
    ws.write("d/备注.csv", "说明,日期\n这是一份说明,2023-01-01\n");
    ws.write("d/.hidden.csv", "x\n");
    ws.write("d/~$台账.xlsx", "lock");
    ws.write("d/sub/more.csv", &csv);
    std::fs::copy(data("register.ods"), ws.path("d/台账.ods")).unwrap();
    let run = ws.run(&["validate", "--data", "d", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let paths: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "d/12351热线工单.txt",
            "d/台账.ods[1月]",
            "d/台账.ods[2月]",
            "d/台账.ods[3月]",
            "d/调解案件台账2023上半年.csv",
        ]
    );
    assert!(run.stderr.contains("跳过 d/备注.csv"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("hidden") && !run.stderr.contains("~$"),
        "{}",
        run.stderr
    );
    // The register's cases come first (file-name order), the CSV's repeat them.
    let rates = ws.run(&["rates", "--data", "d", "--format", "csv"]);
    let alone = ws.run(&["rates", "--data", "csv", "--format", "csv"]);
    assert_eq!(rates.stdout, alone.stdout);
}

#[test]
fn a_folder_with_no_log_in_it_is_an_error() {
    let ws = Workspace::new();
    ws.write("d/备注.csv", "说明\n无\n");
    let run = ws.run(&["rates", "--data", "d"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("没有可读的记录"), "{}", run.stderr);
}

/// A workbook built by hand: a notes sheet, then a mediation sheet whose
/// cells are typed as a case system exports them.
fn typed_workbook(path: &Path) {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write_string(0, 0, "本表为示例").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("6月").unwrap();
    let header = [
        "案件编号",
        "对接渠道",
        "市州",
        "纠纷类型",
        "受理日期",
        "结案日期",
        "调解结果",
        "涉案金额(元)",
        "联系电话",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy/m/d");
    let when = Format::new().set_num_format("yyyy/m/d h:mm");
    let d = |y, m, day| ExcelDateTime::from_ymd(y, m, day).unwrap();
    // Row 2: a whole-number id, date cells, a datetime cell in a date column.
    sheet.write_number(1, 0, 2023001.0).unwrap();
    sheet.write_string(1, 1, "法院+工会").unwrap();
    sheet.write_string(1, 2, "武汉市").unwrap();
    sheet.write_string(1, 3, "欠薪").unwrap();
    sheet
        .write_datetime_with_format(1, 4, d(2023, 6, 1), &date)
        .unwrap();
    let closed = ExcelDateTime::from_ymd(2023, 6, 9)
        .unwrap()
        .and_hms(17, 30, 0)
        .unwrap();
    sheet
        .write_datetime_with_format(1, 5, &closed, &when)
        .unwrap();
    sheet.write_string(1, 6, "调解成功").unwrap();
    sheet.write_number(1, 7, 1234.5).unwrap();
    // Row 3: an id Excel has turned into a float with lost digits.
    sheet.write_number(2, 0, 420106000000000000.0).unwrap();
    sheet.write_string(2, 1, "人社+工会").unwrap();
    sheet.write_string(2, 2, "武汉市").unwrap();
    sheet.write_string(2, 3, "欠薪").unwrap();
    sheet
        .write_datetime_with_format(2, 4, d(2023, 6, 2), &date)
        .unwrap();
    sheet.write_string(2, 6, "进行中").unwrap();
    // Row 4: a formula whose cached value is an error.
    sheet.write_string(3, 0, "TJ-3").unwrap();
    sheet.write_string(3, 1, "法院+工会").unwrap();
    sheet.write_string(3, 2, "武汉市").unwrap();
    sheet.write_string(3, 3, "欠薪").unwrap();
    sheet
        .write_datetime_with_format(3, 4, d(2023, 6, 3), &date)
        .unwrap();
    sheet.write_string(3, 6, "进行中").unwrap();
    sheet
        .write_formula(
            3,
            7,
            Formula::new("=VLOOKUP(A4,Z:Z,2,0)").set_result("#N/A"),
        )
        .unwrap();
    // Row 5: a formula whose cached value is a number; a phone as a number.
    sheet.write_string(4, 0, "TJ-4").unwrap();
    sheet.write_string(4, 1, "法院+工会").unwrap();
    sheet.write_string(4, 2, "420100").unwrap();
    sheet.write_string(4, 3, "工伤").unwrap();
    sheet.write_number(4, 4, 45080.0).unwrap();
    sheet.write_string(4, 6, "进行中").unwrap();
    sheet
        .write_formula(4, 7, Formula::new("=1000*2").set_result("2000"))
        .unwrap();
    sheet.write_number(4, 8, 13912345678.0).unwrap();
    // Row 6: a time without a date in a date column (Excel's day 0).
    sheet.write_string(5, 0, "TJ-5").unwrap();
    sheet.write_string(5, 1, "法院+工会").unwrap();
    sheet.write_string(5, 2, "武汉市").unwrap();
    sheet.write_string(5, 3, "欠薪").unwrap();
    let time = Format::new().set_num_format("h:mm");
    let quarter_past_nine = ExcelDateTime::from_hms(9, 15, 0).unwrap();
    sheet
        .write_datetime_with_format(5, 4, &quarter_past_nine, &time)
        .unwrap();
    sheet.write_string(5, 6, "进行中").unwrap();
    book.save(path).unwrap();
}

#[test]
fn typed_cells_are_read_as_the_spec_says() {
    let ws = Workspace::new();
    typed_workbook(&ws.path("typed.xlsx"));
    let run = ws.run(&[
        "validate",
        "--mediation",
        "typed.xlsx",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("说明"),
        "the notes sheet is named: {}",
        run.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rejects = json["rejects"].as_array().unwrap();
    assert_eq!(rejects.len(), 3, "{rejects:?}");
    assert_eq!(rejects[0]["line"], 3);
    let reason = rejects[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("re-export the column formatted as text"),
        "{reason}"
    );
    assert_eq!(rejects[1]["line"], 4);
    assert!(rejects[1]["reason"].as_str().unwrap().contains("#N/A"));
    // A time alone is not a date (it was read as 1899-12-31).
    assert_eq!(rejects[2]["line"], 6);
    let reason = rejects[2]["reason"].as_str().unwrap();
    assert!(
        reason.contains("09:15:00") && reason.contains("not a date"),
        "{reason}"
    );

    let q = ws.run(&[
        "query",
        "SELECT case_id, received_on, closed_on, amount_yuan, prefecture FROM mediation ORDER BY case_id",
        "--mediation",
        "typed.xlsx",
        "--format",
        "csv",
    ]);
    assert_eq!(q.code, 0, "{}", q.stderr);
    let (_, rows) = parse_csv(&q.stdout);
    // Digits of a whole-number id; the date of a datetime cell in a date
    // column; a serial number in a date column; a formula's cached value.
    assert_eq!(
        rows[0][..4],
        ["2023001", "2023-06-01", "2023-06-09", "1234.5"]
    );
    assert_eq!(rows[1][..4], ["TJ-4", "2023-06-03", "", "2000"]);
    assert_eq!(rows[1][4], "武汉市");
}

#[test]
fn bad_workbooks_are_refused_with_clear_errors() {
    let ws = Workspace::new();
    std::fs::copy(data("encrypted.xlsx"), ws.path("secret.xlsx")).unwrap();
    let run = ws.run(&["validate", "--mediation", "secret.xlsx"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("secret.xlsx") && run.stderr.contains("密码"),
        "{}",
        run.stderr
    );

    ws.write_bytes("broken.xlsx", b"PK\x03\x04 this is no workbook");
    let run = ws.run(&["validate", "--mediation", "broken.xlsx", "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot open the workbook"),
        "{}",
        run.stderr
    );

    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("封面")
        .unwrap()
        .write_string(0, 0, "台账")
        .unwrap();
    book.add_worksheet()
        .set_name("统计")
        .unwrap()
        .write_string(0, 0, "x")
        .unwrap();
    book.save(ws.path("notes.xlsx")).unwrap();
    let run = ws.run(&["validate", "--mediation", "notes.xlsx"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("封面、统计"),
        "the sheets are listed: {}",
        run.stderr
    );

    typed_workbook(&ws.path("typed.xlsx"));
    let run = ws.run(&["validate", "--mediation", "typed.xlsx", "--sheet", "13月"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("13月") && run.stderr.contains("说明、6月"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_hotline_sheet_in_a_mediation_workbook_is_skipped_and_named() {
    let ws = Workspace::new();
    sample(&ws);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("热线").unwrap();
    for (c, h) in [
        "工单编号",
        "来电时间",
        "市州",
        "诉求类型",
        "处理方式",
        "办理状态",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    book.save(ws.path("h.xlsx")).unwrap();
    let run = ws.run(&["validate", "--mediation", "h.xlsx", "csv/mediation.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("跳过工作表 h.xlsx[热线]"),
        "{}",
        run.stderr
    );
}

#[test]
fn dates_with_two_digit_years_as_libreoffice_and_wps_write_them_are_read() {
    let ws = Workspace::new();
    ws.write(
        "m.csv",
        &common::mediation_csv(&[
            "M1,court,武汉,,,,欠薪,,23年6月1日,23-06-10,调解成功,,,",
            "M2,court,武汉,,,,欠薪,,23/6/2,,进行中,,,",
        ]),
    );
    let run = ws.run(&["validate", "--mediation", "m.csv"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_gbk_row_after_many_ascii_ones_makes_the_file_gbk() {
    let ws = Workspace::new();
    // More ASCII than the first block the reader looks at, then GBK.
    let mut bytes = format!("{}\n", common::MEDIATION_HEADER).into_bytes();
    let mut n = 0;
    while bytes.len() < 400_000 {
        n += 1;
        bytes.extend_from_slice(
            format!("M{n},court,420100,,,,x,,2023-06-01,2023-06-02,failure,,,\n").as_bytes(),
        );
    }
    let (gbk, _, _) =
        encoding_rs::GBK.encode("MZ,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,调解成功,,,\n");
    bytes.extend_from_slice(&gbk);
    ws.write_bytes("m.csv", &bytes);
    let run = ws.run(&["validate", "--mediation", "m.csv", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["files"][0]["encoding"], "gbk");
    assert_eq!(json["files"][0]["read"].as_u64(), Some(n + 1));
}
