//! `disputes funnel` end to end on a hand-computed fixture.

mod common;

use common::*;

fn fixture(ws: &Workspace) {
    ws.write(
        "h.csv",
        &hotline_csv(&[
            "R1,2023-06-01 09:00,武汉,,欠薪,转调解,已办结,2023-06-01 10:00,满意,,",
            "R2,2023-06-02 09:00,武汉,,欠薪,转调解,已办结,2023-06-02 10:00,满意,,",
            "R3,2023-06-03 09:00,武汉,,欠薪,转调解,已办结,2023-06-03 10:00,满意,,",
            "R4,2023-06-04 09:00,宜昌,,欠薪,转调解,已办结,2023-06-04 10:00,满意,,",
            "R5,2023-06-05 09:00,武汉,,欠薪,当场解答,已办结,2023-06-05 10:00,满意,,",
        ]),
    );
    ws.write(
        "m.csv",
        &mediation_csv(&[
            "C1,court,武汉,,12351转入,R1,欠薪,,2023-06-05,2023-06-20,success,,,",
            "C2,court,武汉,,12351转入,R1,欠薪,,2023-06-05,2023-06-21,failure,,,",
            "C3,court,武汉,,12351转入,R2,欠薪,,2023-06-06,,pending,,,",
            "C4,court,武汉,,12351转入,R4,欠薪,,2023-06-07,2023-06-30,withdrawn,,,",
            "C5,court,武汉,,12351转入,RX999,欠薪,,2023-06-07,2023-06-30,success,,,",
            "C6,court,宜昌,,12351转入,,欠薪,,2023-06-07,2023-06-30,failure,,,",
            "C7,court,宜昌,,法院委派,,欠薪,,2023-06-07,2023-08-01,success,,,",
        ]),
    );
}

fn run_funnel(ws: &Workspace, args: &[&str]) -> Run {
    let mut all = vec!["funnel", "--hotline", "h.csv", "--mediation", "m.csv"];
    all.extend_from_slice(args);
    let run = ws.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

#[test]
fn funnel_counts_tickets_through_each_step() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = run_funnel(&ws, &["--format", "csv"]);
    let (h, rows) = parse_csv(&run.stdout);
    assert_eq!(
        h,
        [
            "prefecture_code",
            "prefecture",
            "referred",
            "linked",
            "closed",
            "successes",
            "referred_to_linked",
            "linked_to_closed",
            "closed_to_success"
        ]
    );
    assert_eq!(rows.len(), 17);
    let wuhan = &rows[0];
    let got: Vec<&str> = ["referred", "linked", "closed", "successes"]
        .iter()
        .map(|c| field(&h, wuhan, c))
        .collect();
    assert_eq!(got, ["3", "2", "1", "1"]);
    assert_eq!(
        field(&h, wuhan, "referred_to_linked")
            .parse::<f64>()
            .unwrap(),
        2.0 / 3.0
    );
    assert_eq!(field(&h, wuhan, "closed_to_success"), "1");
    let yichang = rows
        .iter()
        .find(|r| field(&h, r, "prefecture") == "宜昌市")
        .unwrap();
    let got: Vec<&str> = ["referred", "linked", "closed", "successes"]
        .iter()
        .map(|c| field(&h, yichang, c))
        .collect();
    assert_eq!(got, ["1", "1", "1", "0"], "a withdrawn case is closed");
}

#[test]
fn findings_list_orphans_missing_ids_late_tickets_and_cross_region_links() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = run_funnel(&ws, &["--lang", "en"]);
    let out = &run.stdout;
    assert!(out.contains("matches no ticket): 1 — C5"), "{out}");
    assert!(out.contains("no ticket id: 1 — C6"), "{out}");
    // As of 2023-08-01 (the data's last date), R3 has waited more than 30 days.
    assert!(
        out.contains("(as of the data's last date, 2023-08-01): 1 — R3"),
        "{out}"
    );
    assert!(out.contains("C4 (武汉市) → R4 (宜昌市)"), "{out}");
    let run = run_funnel(&ws, &["--lang", "en", "--link-days", "90"]);
    assert!(run.stdout.contains("2023-08-01): none"), "{}", run.stdout);
}

#[test]
fn a_filter_chooses_the_tickets_reported_on_and_links_are_looked_up_among_all_cases() {
    let ws = Workspace::new();
    fixture(&ws);
    let counts = |args: &[&str], prefecture: &str| -> Vec<String> {
        let mut all = args.to_vec();
        all.extend(["--format", "csv"]);
        let run = run_funnel(&ws, &all);
        let (h, rows) = parse_csv_all(&run.stdout);
        let r = rows
            .iter()
            .find(|r| field(&h, r, "prefecture") == prefecture)
            .unwrap_or_else(|| panic!("no row {prefecture}: {}", run.stdout));
        ["referred", "linked", "closed", "successes"]
            .iter()
            .map(|c| field(&h, r, c).to_string())
            .collect()
    };
    // R4 (宜昌市) is named by C4, a 武汉市 case: linked, filtered or not.
    assert_eq!(counts(&[], "宜昌市"), ["1", "1", "1", "0"]);
    assert_eq!(
        counts(&["--prefecture", "宜昌"], "宜昌市"),
        ["1", "1", "1", "0"]
    );
    assert_eq!(
        counts(&["--prefecture", "宜昌"], "筛选合计"),
        ["1", "1", "1", "0"]
    );
    // A case filter does not unlink a ticket named by a case of another channel.
    assert_eq!(
        counts(&["--channel", "arbitration"], "武汉市"),
        ["3", "2", "1", "1"]
    );

    let run = run_funnel(&ws, &["--lang", "en", "--prefecture", "武汉"]);
    let out = &run.stdout;
    // C4's ticket exists (in 宜昌市): not an orphan, but a cross-region link;
    // the data's last date is all the data's (C7 of 宜昌市, 2023-08-01).
    assert!(out.contains("matches no ticket): 1 — C5"), "{out}");
    assert!(out.contains("C4 (武汉市) → R4 (宜昌市)"), "{out}");
    assert!(out.contains("2023-08-01): 1 — R3"), "{out}");
    let run = run_funnel(&ws, &["--lang", "en", "--prefecture", "宜昌"]);
    assert!(
        run.stdout.contains("C4 (武汉市) → R4 (宜昌市)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("matches no ticket): none"),
        "{}",
        run.stdout
    );
}

#[test]
fn period_selects_tickets_by_received_at() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = run_funnel(
        &ws,
        &[
            "--from",
            "2023-06-02",
            "--to",
            "2023-06-03",
            "--format",
            "csv",
        ],
    );
    let (h, rows) = parse_csv(&run.stdout);
    assert_eq!(field(&h, &rows[0], "referred"), "2");
    assert_eq!(field(&h, &rows[0], "linked"), "1");
}

#[test]
fn source_comparison_agrees_with_rates_by_source() {
    let ws = Workspace::new();
    fixture(&ws);
    let funnel = run_funnel(&ws, &["--format", "markdown", "--lang", "en"]);
    let rates = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--by",
        "source",
        "--format",
        "markdown",
        "--lang",
        "en",
    ]);
    let rows: Vec<&str> = rates
        .stdout
        .lines()
        .filter(|l| l.starts_with("| hotline") || l.starts_with("| court"))
        .collect();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert!(
            funnel.stdout.contains(row),
            "{row} not in\n{}",
            funnel.stdout
        );
    }
}

#[test]
fn by_county_adds_county_columns() {
    let ws = Workspace::new();
    fixture(&ws);
    let run = run_funnel(&ws, &["--by", "county", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let first = &json[0];
    assert!(first.get("county_code").is_some() && first.get("county").is_some());
}

#[test]
fn a_long_finding_gives_its_count_and_the_first_fifty_ids_in_order() {
    let ws = Workspace::new();
    fixture(&ws);
    // 120 more orphan links, written in descending id order.
    let orphans: Vec<String> = (0..120)
        .rev()
        .map(|i| {
            format!("D{i:03},court,武汉,,12351转入,RZ{i},欠薪,,2023-06-07,2023-06-30,success,,,")
        })
        .collect();
    let rows: Vec<&str> = orphans.iter().map(String::as_str).collect();
    ws.write("m2.csv", &mediation_csv(&rows));
    let run = run_funnel(&ws, &["--mediation", "m2.csv", "--lang", "en"]);
    // C5, the fixture's own orphan, sorts first.
    let first: Vec<String> = ["C5".to_string()]
        .into_iter()
        .chain((0..49).map(|i| format!("D{i:03}")))
        .collect();
    let want = format!("matches no ticket): 121 — {} and 71 more", first.join(", "));
    assert!(run.stdout.contains(&want), "{}", run.stdout);
    let run = run_funnel(&ws, &["--mediation", "m2.csv"]);
    assert!(
        run.stdout.contains("D047, D048 等 121 个"),
        "{}",
        run.stdout
    );
}
