//! Every reject reason and every error a clerk can meet reads in Chinese by
//! default and in English with `--lang en`.

mod common;

use common::{Workspace, hotline_csv, mediation_csv};
use rust_xlsxwriter::{Formula, Workbook};

const GOOD: &str =
    "M1,court,武汉市,江岸区,法院委派,,欠薪,江岸区工会,2023-06-01,2023-06-10,调解成功,3,1000,800";

/// A file of rows each breaking one rule (and each kind of record that
/// cannot be a row), with what the reason says in each language.
fn fixtures(ws: &Workspace) -> Vec<(&'static str, u64, &'static str, &'static str)> {
    let rows = [
        GOOD,
        "B1,court,,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        "B2,court,北京,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        "B3,court,武汉,,,,欠薪,,2023-02-30,2023-06-02,success,,,",
        "B4,court,武汉,,,,欠薪,,2023-06-05,2023-06-02,success,,,",
        "B5,court,武汉,,,,欠薪,,2023-06-01,,success,,,",
        "B6,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,pending,,,",
        "B7,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,failure,,100,50",
        "B8,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,maybe,,,",
        "B9,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,0,,",
        "B10,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,-5,",
        "4.20106E+17,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        "B12,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,abc,",
        "B13,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success",
        "B14,court,武汉,枝江市,,,欠薪,,2023-06-01,2023-06-02,success,,,",
        "B15,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,1.5,,",
        "合计,,,,,,,,,,,,1100,800",
        "B16,court,武汉,,,,欠薪,,2023-06-01,2023-06-02,success,,,\"stray",
    ];
    ws.write("m.csv", &mediation_csv(&rows));
    let mut bytes = hotline_csv(&[
        "H1,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,2023-06-02 10:00,满意,,",
        "H2,2023-06-31 09:00,武汉,,欠薪,转调解,已办结,2023-06-02 10:00,满意,,",
        "H3,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,,满意,,",
        "H4,2023-06-01 09:00,武汉,,欠薪,转调解,办理中,2023-06-02 10:00,,,",
    ])
    .into_bytes();
    bytes.extend_from_slice(b"H5,2023-06-01 09:00,\xFF\xFE,,x,x,x,,,,\n");
    ws.write_bytes("h.csv", &bytes);

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("6月").unwrap();
    let header = [
        "案件编号",
        "对接渠道",
        "市州",
        "纠纷类型",
        "受理日期",
        "调解结果",
        "涉案金额",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, id) in [(1u32, "W1"), (2, "W2")] {
        sheet.write_string(r, 0, id).unwrap();
        sheet.write_string(r, 1, "法院+工会").unwrap();
        sheet.write_string(r, 2, "武汉").unwrap();
        sheet.write_string(r, 3, "欠薪").unwrap();
        sheet.write_string(r, 4, "2023-06-01").unwrap();
        sheet.write_string(r, 5, "进行中").unwrap();
    }
    sheet
        .write_formula(1, 6, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    sheet.write_number(2, 0, 4.20106e17).unwrap();
    book.save(ws.path("w.xlsx")).unwrap();

    vec![
        (
            "m.csv",
            3,
            "为空；这一列必须填写",
            "is empty; it is required",
        ),
        (
            "m.csv",
            4,
            "不是区划表中的市州",
            "is not a prefecture-level division",
        ),
        (
            "m.csv",
            5,
            "这一天不存在：2023年2月只有 28 天",
            "is no such day: 2023-02 has 28 days",
        ),
        ("m.csv", 6, "早于", "is before"),
        ("m.csv", 7, "必须填写结案日期", "needs its closing date"),
        ("m.csv", 8, "不应有结案日期", "has no closing date"),
        (
            "m.csv",
            9,
            "只有调解成功的案件才有调解金额",
            "only a successful mediation",
        ),
        (
            "m.csv",
            10,
            "不是可接受的值",
            "is not one of the accepted values",
        ),
        ("m.csv", 11, "必须是不小于 1 的整数", "at least 1"),
        ("m.csv", 12, "不能为负数", "must not be negative"),
        ("m.csv", 13, "科学计数法", "scientific notation"),
        ("m.csv", 14, "不是数字", "is not a number"),
        (
            "m.csv",
            15,
            "这一行有 11 个单元格，表头有 14 个",
            "the row has 11 cells",
        ),
        ("m.csv", 16, "不属于", "does not lie in"),
        ("m.csv", 17, "不是整数", "is not a whole number"),
        ("m.csv", 18, "合计行，不是案件", "a total row, not a case"),
        ("m.csv", 19, "到文件末尾也没有闭合", "is never closed"),
        (
            "h.csv",
            3,
            "这一天不存在：2023年6月只有 30 天",
            "is no such day: 2023-06 has 30 days",
        ),
        (
            "h.csv",
            4,
            "已办结的工单必须填写办结时间",
            "a closed ticket needs",
        ),
        (
            "h.csv",
            5,
            "未办结的工单不应有办结时间",
            "an open ticket has no",
        ),
        ("h.csv", 6, "编码的字节", "are not valid"),
        (
            "w.xlsx[6月]",
            2,
            "Excel 错误值 #DIV/0!",
            "Excel error value #DIV/0!",
        ),
        (
            "w.xlsx[6月]",
            3,
            "超过 15 位有效数字",
            "more than 15 significant digits",
        ),
    ]
}

fn reasons(ws: &Workspace, lang: &str) -> Vec<(String, u64, String)> {
    let run = ws.run(&[
        "validate",
        "--hotline",
        "h.csv",
        "--mediation",
        "m.csv",
        "w.xlsx",
        "--format",
        "json",
        "--lang",
        lang,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_reject_reason_reads_in_chinese_by_default_and_in_english_on_request() {
    let ws = Workspace::new();
    let expected = fixtures(&ws);
    for (lang, pick) in [("zh", 0), ("en", 1)] {
        let got = reasons(&ws, lang);
        assert_eq!(got.len(), expected.len(), "{lang}: {got:#?}");
        for (file, line, zh, en) in &expected {
            let want = if pick == 0 { zh } else { en };
            let found = got
                .iter()
                .find(|(p, l, _)| p == file && l == line)
                .unwrap_or_else(|| panic!("{lang}: no reject at {file}:{line}: {got:#?}"));
            assert!(
                found.2.contains(want),
                "{lang} {file}:{line}: {:?} lacks {want:?}",
                found.2
            );
        }
    }
    // The default is Chinese.
    let run = ws.run(&["validate", "--mediation", "m.csv"]);
    assert!(
        run.stdout.contains("拒收 17 行") && run.stdout.contains("合计行"),
        "{}",
        run.stdout
    );
}

#[test]
fn errors_read_in_the_language_asked_for() {
    let ws = Workspace::new();
    ws.write("m.csv", "foo,bar\n1,2\n");
    ws.write("ok.csv", &mediation_csv(&[GOOD]));
    let ok = ["--mediation", "ok.csv"];
    let with_ok = |args: &[&'static str]| -> Vec<&'static str> {
        let mut v = args.to_vec();
        v.extend(ok);
        v
    };
    let cases: [(Vec<&str>, &str, &str); 6] = [
        (
            vec!["validate", "--mediation", "m.csv"],
            "找不到表头",
            "no recognisable header",
        ),
        (
            vec!["validate", "--mediation", "none.csv"],
            "无法读取文件：文件不存在（请检查文件名和路径）",
            "cannot read the file: no such file (check the name and the path)",
        ),
        (
            with_ok(&["rates", "--month", "2023-13"]),
            "请写成 YYYY-MM",
            "write it as YYYY-MM",
        ),
        (
            with_ok(&["rates", "--prefecture", "火星"]),
            "不是区划表中的市州",
            "is not a prefecture-level",
        ),
        (
            vec!["hotline", "--by", "channel"],
            "只能按",
            "can be grouped by",
        ),
        (
            with_ok(&["rates", "--format", "xlsx"]),
            "请用 --output",
            "give --output",
        ),
    ];
    for (args, zh, en) in cases {
        let run = ws.run(&args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with("disputes：错误："), "{}", run.stderr);
        assert!(run.stderr.contains(zh), "{args:?}: {}", run.stderr);
        let mut english = args.to_vec();
        english.extend(["--lang", "en"]);
        let run = ws.run(&english);
        assert!(
            run.stderr.starts_with("disputes: error: "),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(en), "{args:?}: {}", run.stderr);
    }
}
