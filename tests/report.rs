//! `disputes report` end to end: the committed example is reproduced byte
//! for byte, the files are well-formed and carry the numbers of `rates` and
//! `hotline`, and folders are replaced only with `--force`.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample_data() -> String {
    repo().join("sample_data").to_str().unwrap().to_string()
}

/// Checks that `text` is well-formed XML (the page is written as polyglot
/// HTML, so the same check serves both): every tag closed, in order.
fn assert_well_formed(name: &str, text: &str) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => open.push(String::from_utf8_lossy(e.name().as_ref()).into()),
            Ok(Event::End(e)) => {
                let name_read = String::from_utf8_lossy(e.name().as_ref()).to_string();
                assert_eq!(open.pop().as_deref(), Some(name_read.as_str()), "{name}");
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert!(open.is_empty(), "{name}: unclosed {open:?}");
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn report(ws: &Workspace, args: &[&str]) -> (Run, PathBuf) {
    let out = ws.path("out");
    let mut all = vec!["report", "--data"];
    let data = sample_data();
    all.push(&data);
    all.extend(["--out", out.to_str().unwrap()]);
    all.extend(args);
    let run = ws.run(&all);
    (run, out)
}

#[test]
fn the_committed_example_report_is_reproduced_byte_for_byte() {
    // Run from the repository, as the README does, so file names read
    // sample_data/… as in the committed copy.
    let ws = Workspace::new();
    let out = ws.path("2023H2");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_disputes"))
        .args(["report", "--half", "2023H2", "--out", out.to_str().unwrap()])
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        // The checked cache of the tests, not the user's.
        .env(
            "DISPUTES_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/cache"),
        )
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let example = repo().join("reports/2023H2");
    assert_eq!(files_in(&out), files_in(&example));
    for name in files_in(&example) {
        let want = std::fs::read(example.join(&name)).unwrap();
        let got = std::fs::read(out.join(&name)).unwrap();
        assert!(
            want == got,
            "reports/2023H2/{name} differs from a fresh run: regenerate it with \
             `disputes report --half 2023H2 --force`"
        );
    }
}

#[test]
fn pages_and_charts_are_well_formed_and_self_contained() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--month", "2023-06"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_well_formed("index.html", html.trim_start_matches("<!DOCTYPE html>"));
    for svg in ["rates.svg", "funnel.svg", "trend.svg"] {
        let text = std::fs::read_to_string(out.join(svg)).unwrap();
        assert!(text.trim_start().starts_with("<svg"), "{svg}");
        assert_well_formed(svg, &text);
        assert_eq!(html.matches("<svg").count(), 3, "the charts are inline");
    }
    // Nothing fetched: no scripts, links or remote addresses.
    for banned in [
        "<script",
        "<link",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(banned), "index.html holds {banned}");
    }
    // The seven sections, in order.
    let ids = [
        "headline",
        "prefectures",
        "funnel",
        "trend",
        "counties",
        "hotline",
        "quality",
    ];
    let positions: Vec<usize> = ids
        .iter()
        .map(|id| {
            html.find(&format!("<section id=\"{id}\">"))
                .unwrap_or_else(|| panic!("{id}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    // Each table also as a CSV for Excel.
    for csv in [
        "prefectures.csv",
        "counties.csv",
        "trend.csv",
        "hotline.csv",
        "files.csv",
    ] {
        let bytes = std::fs::read(out.join(csv)).unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{csv} has a BOM");
    }
}

/// The report's tables are the `rates` and `hotline` tables: same CSV bytes,
/// and the page and chart show the same rates.
#[test]
fn the_report_carries_the_numbers_of_rates_and_hotline() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--month", "2023-06"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let data = sample_data();
    for (command, file) in [("rates", "prefectures.csv"), ("hotline", "hotline.csv")] {
        let alone = ws.path(file);
        let r = ws.run(&[
            command,
            "--data",
            &data,
            "--month",
            "2023-06",
            "--format",
            "csv",
            "--output",
            alone.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            std::fs::read(&alone).unwrap(),
            std::fs::read(out.join(file)).unwrap(),
            "{file} differs from `{command} --format csv`"
        );
    }

    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let svg = std::fs::read_to_string(out.join("rates.svg")).unwrap();
    let text = std::fs::read_to_string(out.join("prefectures.csv")).unwrap();
    let (header, rows) = parse_csv(&text);
    assert_eq!(rows.len(), 17);
    let mut with_rate = 0;
    for row in &rows {
        let name = field(&header, row, "prefecture");
        let Ok(rate) = field(&header, row, "success_rate").parse::<f64>() else {
            continue;
        };
        with_rate += 1;
        let shown = format!("{:.1}%", rate * 100.0);
        let tr = html
            .split("<tr>")
            .find(|tr| tr.starts_with(&format!("<td>{name}</td>")))
            .unwrap_or_else(|| panic!("no row for {name}"));
        assert!(
            tr.contains(&format!(">{shown}<")),
            "{name}: {shown} not in {tr}"
        );
        let decided = field(&header, row, "decided");
        assert!(
            svg.contains(&format!("{shown}  (n={decided})")),
            "{name} not in the chart"
        );
    }
    assert!(with_rate > 10);

    let text = std::fs::read_to_string(out.join("hotline.csv")).unwrap();
    let (header, rows) = parse_csv(&text);
    for row in &rows {
        let name = field(&header, row, "prefecture");
        let received = field(&header, row, "received");
        let tr = html
            .split("<tr>")
            .filter(|tr| tr.starts_with(&format!("<td>{name}</td>")))
            .find(|tr| tr.contains("转调解") || tr.contains(&format!(">{received}<")))
            .unwrap_or_else(|| panic!("no hotline row for {name}"));
        assert!(tr.contains(&format!(">{received}<")), "{name}: {received}");
    }
}

#[test]
fn the_headline_compares_with_the_previous_month_and_says_where_data_ends() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--month", "2023-06"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("较上月："), "{md}");
    // The sample starts in 2023, so June 2022 is outside the data.
    assert!(md.contains("较上年同期：数据未覆盖"), "{md}");
    let headline = std::fs::read_to_string(out.join("headline.csv")).unwrap();
    assert!(headline.contains("previous,2023年5月1日至2023年5月31日,success_rate,"));
    assert!(!headline.contains("year_ago"));
}

#[test]
fn an_existing_folder_is_replaced_only_with_force() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--month", "2023-05"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(out.join("note.txt"), "mine").unwrap();
    let (run, _) = report(&ws, &["--month", "2023-06"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(out.join("note.txt").exists(), "the folder was left alone");
    let (run, _) = report(&ws, &["--month", "2023-06", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.join("note.txt").exists());
    assert!(
        std::fs::read_to_string(out.join("report.md"))
            .unwrap()
            .contains("2023年6月1日至2023年6月30日")
    );
    // No staging folders left behind.
    let leftovers: Vec<String> = files_in(&ws.path(""))
        .into_iter()
        .filter(|n| n.starts_with(".report"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn generation_time_appears_only_when_given() {
    let ws = Workspace::new();
    let (run, out) = report(
        &ws,
        &["--month", "2023-06", "--generated-at", "2023-07-03 09:00"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("生成时间 2023-07-03 09:00"));
}

#[test]
fn default_folder_is_named_after_the_period() {
    let ws = Workspace::new();
    let data = sample_data();
    let run = ws.run(&[
        "report",
        "--data",
        &data,
        "--quarter",
        "2023q2",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = ws.path("reports/2023Q2");
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("2023-04-01..2023-06-30"));
    assert!(md.contains("vs previous quarter: "));
    assert!(
        run.stdout.contains("report written to reports/2023Q2/"),
        "{}",
        run.stdout
    );
    // A bare run reports the last month with closed cases.
    let run = ws.run(&["report", "--data", &data]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(ws.path("reports/2023-12/index.html").exists());
}

#[test]
fn county_tables_cover_the_prefectures_below_or_all() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--month", "2023-06", "--counties", "all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, all_rows) = parse_csv(&std::fs::read_to_string(out.join("counties.csv")).unwrap());
    let rates = ws.run(&[
        "rates",
        "--data",
        &sample_data(),
        "--month",
        "2023-06",
        "--by",
        "county",
        "--format",
        "csv",
    ]);
    let (_, county_rows) = parse_csv(&rates.stdout);
    // The report's county table is a subset: it carries no total row.
    assert_eq!(
        all_rows, county_rows,
        "--counties all is the `rates --by county` table"
    );

    // In 2023H2 one prefecture is judged below the baseline.
    let (run, out) = report(&ws, &["--half", "2023H2", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (h, prefectures) =
        parse_csv(&std::fs::read_to_string(out.join("prefectures.csv")).unwrap());
    let below: Vec<String> = prefectures
        .iter()
        .filter(|r| field(&h, r, "verdict") == "below")
        .map(|r| field(&h, r, "prefecture_code").to_string())
        .collect();
    let (hc, counties) = parse_csv(&std::fs::read_to_string(out.join("counties.csv")).unwrap());
    assert!(!below.is_empty() && !counties.is_empty());
    assert!(
        counties
            .iter()
            .all(|r| below.contains(&field(&hc, r, "prefecture_code").to_string()))
    );
}

/// The rows of a Word document's tables: the text of each cell, row by row
/// (`word/document.xml`, cells `<w:tc>`, text runs `<w:t>`).
fn word_rows(docx: &Path) -> Vec<Vec<String>> {
    let xml = xlsx_part(docx, "word/document.xml");
    let text_of = |cell: &str| -> String {
        // `<w:t>` or `<w:t xml:space=…>`, not `<w:tcPr>` or `<w:tcW`.
        cell.split("<w:t")
            .skip(1)
            .filter(|t| t.starts_with('>') || t.starts_with(' '))
            .filter_map(|t| {
                let body = t.split_once('>')?.1;
                Some(body.split("</w:t>").next()?.to_string())
            })
            .collect()
    };
    xml.split("<w:tr>")
        .skip(1)
        .map(|tr| {
            let tr = tr.split("</w:tr>").next().unwrap_or("");
            tr.split("<w:tc>").skip(1).map(text_of).collect()
        })
        .collect()
}

#[test]
fn the_word_document_carries_the_prefecture_table() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--month", "2023-06"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = word_rows(&out.join("report.docx"));
    let text = std::fs::read_to_string(out.join("prefectures.csv")).unwrap();
    let (header, csv_rows) = parse_csv(&text);
    assert_eq!(csv_rows.len(), 17);
    for row in &csv_rows {
        let name = field(&header, row, "prefecture");
        let cells = rows
            .iter()
            .find(|r| r.first() == Some(&name.to_string()))
            .unwrap_or_else(|| panic!("no row for {name} in report.docx"));
        // 市州, 受理, 结案, 成功, 分母, 成功率, 95% 区间, 判定, 排名.
        for (i, column) in ["received", "closed", "successes", "decided"]
            .iter()
            .enumerate()
        {
            assert_eq!(cells[i + 1], field(&header, row, column), "{name} {column}");
        }
        if let Ok(rate) = field(&header, row, "success_rate").parse::<f64>() {
            assert_eq!(cells[5], format!("{:.1}%", rate * 100.0), "{name}");
        }
        let rank = field(&header, row, "rank");
        assert_eq!(cells[9], if rank.is_empty() { "—" } else { rank }, "{name}");
    }
    // June 2022 is outside the sample: the 同比 section says so in a note
    // and has no table of 数据未覆盖 cells.
    let xml = xlsx_part(&out.join("report.docx"), "word/document.xml");
    assert!(xml.contains("比较期间不在数据范围内：数据未覆盖，不作比较"));
    let prefecture_rows = rows
        .iter()
        .filter(|r| r.first().is_some_and(|c| c == "武汉市"));
    assert!(
        prefecture_rows.flatten().all(|c| c != "数据未覆盖"),
        "a table of 数据未覆盖 cells"
    );
    // The trend table is in the document too, a row a month.
    assert!(
        rows.iter()
            .any(|r| r.first().map(String::as_str) == Some("2023-06"))
    );
}

#[test]
fn the_page_reads_well_on_paper_and_on_a_phone() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--half", "2023H2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // Printed, the total row comes once; headings stay with their tables.
    assert!(html.contains("tfoot { display: table-row-group; }"));
    assert!(html.contains("break-after: avoid"));
    // On a phone the minor columns give way to the rate and its verdict.
    assert!(html.contains("@media screen and (max-width: 640px)"));
    assert!(
        html.contains("<th class=\"num opt\">不成功</th>"),
        "minor column"
    );
    assert!(html.contains("<th>判定</th>"), "the verdict stays");
    assert!(html.contains("手机上只显示主要几列"));
    // Ids are kept whole, not broken at their hyphens.
    assert!(html.contains("<span class=\"id\">TJ-"), "ids in spans");
    assert!(html.contains("由 disputes 0.1.0 生成"));
    assert!(!html.contains("`disputes"), "no command lines in the page");
    // No red line is promised unless one is drawn.
    let below = html.contains("▼ 低于基线");
    assert_eq!(html.contains("红线为本期低于基线的市州"), below);
}

#[test]
fn the_workbook_opens_on_a_readable_headline_and_prints_landscape() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--half", "2023H2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book = out.join("report.xlsx");
    let workbook = xlsx_part(&book, "xl/workbook.xml");
    assert!(workbook.contains("name=\"要点\""), "{workbook}");
    let strings = xlsx_part(&book, "xl/sharedStrings.xml");
    for text in [
        "指标",
        "数值",
        "说明",
        "调解成功率",
        "54.8%",
        "为职工挽回经济损失",
    ] {
        assert!(strings.contains(text), "{text}");
    }
    assert!(!strings.contains("<t>success_rate</t>"), "a machine dump");
    let sheet = xlsx_part(&book, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains("orientation=\"landscape\""), "landscape");
    assert!(sheet.contains("fitToHeight=\"0\""), "fit to width");
    assert!(
        workbook.contains("_xlnm.Print_Titles"),
        "header row repeats"
    );
}

#[test]
fn funnel_plot_labels_do_not_overlap() {
    let ws = Workspace::new();
    let (run, out) = report(&ws, &["--half", "2023H2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = std::fs::read_to_string(out.join("funnel.svg")).unwrap();
    // Each label's box from its <text x y font-size> and its characters.
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    let names = [
        "武汉",
        "黄石",
        "十堰",
        "宜昌",
        "襄阳",
        "鄂州",
        "荆门",
        "孝感",
        "荆州",
        "黄冈",
        "咸宁",
        "随州",
        "恩施州",
        "仙桃",
        "潜江",
        "天门",
        "神农架",
    ];
    let mut boxes = Vec::new();
    for piece in svg.split("<text ").skip(1) {
        let (tag, rest) = piece.split_once('>').unwrap();
        let text = rest.split("</text>").next().unwrap().trim();
        if !names.contains(&text) {
            continue;
        }
        let (x, y, size) = (attr(tag, "x"), attr(tag, "y"), attr(tag, "font-size"));
        let width = text.chars().count() as f64 * size;
        boxes.push((text.to_string(), x, y, x + width, y + size));
    }
    assert_eq!(boxes.len(), names.len(), "every prefecture labelled once");
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart = a.3 <= b.1 || b.3 <= a.1 || a.4 <= b.2 || b.4 <= a.2;
            assert!(apart, "{} and {} overlap: {a:?} {b:?}", a.0, b.0);
        }
    }
}

#[test]
fn without_hotline_data_the_hotline_part_says_so_instead_of_zeros() {
    let ws = Workspace::new();
    let m = std::fs::read(repo().join("sample_data/mediation_2023-01_2023-07.csv")).unwrap();
    ws.write_bytes("m.csv", &m);
    let run = ws.run(&[
        "report",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--out",
        "r",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("12351热线受理: 数据未覆盖\n"),
        "{}",
        run.stdout
    );
    let md = std::fs::read_to_string(ws.path("r/report.md")).unwrap();
    assert!(md.contains("本期没有 12351 热线工单数据（数据未覆盖），不列表"));
    assert!(md.contains("12351 热线：本期数据未覆盖。"));
    let hotline = &md[md.find("## 八").unwrap()..md.find("## 九").unwrap()];
    assert!(
        !hotline.contains("| 武汉市 |"),
        "no table of zeros: {hotline}"
    );
}

#[test]
fn the_county_league_tables_name_counties_only() {
    // 2023H2: the cases of 武汉市 without a county rank first of all rows.
    let rows =
        std::fs::read_to_string(repo().join("reports/2023H2/ranking_top_counties.csv")).unwrap();
    let (header, rows) = parse_csv_all(&rows);
    let county = header.iter().position(|h| h == "county").unwrap();
    assert!(
        rows.iter().all(|r| !r[county].is_empty()),
        "a (未填) row in the league table"
    );
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0][0], "2", "places are the county table's ranks");
    let md = std::fs::read_to_string(repo().join("reports/2023H2/report.md")).unwrap();
    assert!(md.contains("不列入本表"));
}
