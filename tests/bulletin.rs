//! The figures of a 通报 (../shared/spec/bulletin.md) end to end from the
//! command line: caseload, money and people; changes and court against
//! arbitration with their tests; the fair ranking; year to date; periods
//! the data does not reach. Reference values: scipy 1.17 `fisher_exact`,
//! statsmodels 0.14 `confint_proportions_2indep(method="newcomb")` and
//! `multipletests(method="fdr_bh")`, and a scipy `optimize.minimize` fit of
//! the beta-binomial (see each test).

mod common;

use common::*;

fn lines(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn csv(ws: &Workspace, args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut all = args.to_vec();
    all.extend(["--format", "csv"]);
    let run = ws.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse_csv_all(&run.stdout)
}

fn row<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> &'a [String] {
    let i = header.iter().position(|h| h == "prefecture").unwrap();
    rows.iter()
        .find(|r| r[i] == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

fn close(cell: &str, want: f64, tol: f64) {
    let got: f64 = cell
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell:?}"));
    assert!((got - want).abs() <= tol, "{got} vs {want}");
}

/// One line per case: (id, channel, prefecture, received, closed, outcome,
/// workers, amount, settled).
fn case(
    id: &str,
    channel: &str,
    prefecture: &str,
    received: &str,
    closed: &str,
    outcome: &str,
    money: &str,
) -> String {
    format!("{id},{channel},{prefecture},,法院委派,,欠薪,,{received},{closed},{outcome},{money}")
}

/// June 2023 in Wuhan: every kind of case for the caseload columns.
fn caseload_fixture(ws: &Workspace) {
    let rows = [
        case(
            "A1",
            "court",
            "武汉市",
            "2023-06-05",
            "2023-06-20",
            "success",
            "3,10000.50,8000.25",
        ),
        case(
            "A2",
            "court",
            "武汉市",
            "2023-05-10",
            "2023-06-01",
            "failure",
            "2,5000,",
        ),
        case(
            "A3",
            "court",
            "武汉市",
            "2023-06-10",
            "",
            "pending",
            "4,7000,",
        ),
        case(
            "A4",
            "court",
            "武汉市",
            "2023-06-15",
            "2023-07-03",
            "success",
            "5,9999,9999",
        ),
        case(
            "A5",
            "court",
            "武汉市",
            "2023-04-01",
            "2023-05-20",
            "failure",
            ",,",
        ),
        case("A6", "court", "武汉市", "2023-05-01", "", "pending", ",,"),
        case(
            "A7",
            "court",
            "武汉市",
            "2023-06-02",
            "2023-06-29",
            "withdrawn",
            ",,",
        ),
        case("A8", "court", "武汉市", "2023-07-02", "", "pending", ",,"),
        case(
            "A9",
            "court",
            "武汉市",
            "2023-06-01",
            "2023-06-30",
            "success",
            "1,2000,1500.10",
        ),
        case(
            "B1",
            "arbitration",
            "宜昌市",
            "2023-06-03",
            "2023-06-04",
            "success",
            "1,100,100",
        ),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&rows));
}

#[test]
fn caseload_money_and_people_follow_the_definitions() {
    let ws = Workspace::new();
    caseload_fixture(&ws);
    let (h, rows) = csv(
        &ws,
        &["rates", "--mediation", "m.csv", "--month", "2023-06"],
    );
    // Received in June: A1 A3 A4 A7 A9. Closed in June: A1 A2 A7 A9.
    // Pending on 30 June: A3 and A6 (still pending), A4 (closed in July).
    // Money and people over the cases closed in June; settled only on
    // successes: 10000.50 + 5000 + 2000, 8000.25 + 1500.10, 3 + 2 + 1.
    let w = row(&h, &rows, "武汉市");
    let want = [
        ("received", "5"),
        ("closed", "4"),
        ("successes", "2"),
        ("failures", "1"),
        ("withdrawn", "1"),
        ("decided", "3"),
        ("pending_at_end", "3"),
        ("amount_yuan", "17000.5"),
        ("amount_cases", "3"),
        ("settled_yuan", "9500.35"),
        ("workers", "6"),
    ];
    for (column, value) in want {
        assert_eq!(field(&h, w, column), value, "{column}");
    }
    let total = row(&h, &rows, "全省合计");
    for (column, value) in [
        ("received", "6"),
        ("pending_at_end", "3"),
        ("amount_yuan", "17100.5"),
        ("amount_cases", "4"),
        ("settled_yuan", "9600.35"),
        ("workers", "7"),
    ] {
        assert_eq!(field(&h, total, column), value, "total {column}");
    }

    // The table shows money in 万元 and says what each column counts.
    let table = ws.run(&["rates", "--mediation", "m.csv", "--month", "2023-06"]);
    assert!(table.stdout.contains("涉案金额(万元)"), "{}", table.stdout);
    assert!(table.stdout.contains("期末在办"));
    assert!(table.stdout.contains("1.70"), "17000.5 元 = 1.70 万元");
    assert!(
        table
            .stdout
            .contains("期末在办 = 期末前受理、期末未结案的案件")
    );

    // JSON carries the same figures as numbers.
    let json = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let wuhan = &v.as_array().unwrap()[0];
    assert_eq!(wuhan["prefecture"], "武汉市");
    assert_eq!(wuhan["received"], 5);
    assert_eq!(wuhan["pending_at_end"], 3);
    assert_eq!(wuhan["settled_yuan"], 9500.35);
}

/// The row of a table grouped by month whose month cell is `key` (the total
/// row's is 全省合计).
fn month_row<'a>(header: &[String], rows: &'a [Vec<String>], key: &str) -> &'a [String] {
    let month = header.iter().position(|c| c == "month").unwrap();
    rows.iter()
        .find(|r| r[month] == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn pending_by_month_counts_each_month_at_its_end_and_the_total_once() {
    let ws = Workspace::new();
    caseload_fixture(&ws);
    let args = "rates --mediation m.csv --from 2023-05-01 --to 2023-06-20 --by month";
    let (h, rows) = csv(&ws, &args.split(' ').collect::<Vec<_>>());
    let pending = |key: &str| field(&h, month_row(&h, &rows, key), "pending_at_end").to_string();
    // 31 May: A2 (closed 1 June) and A6 (still pending).
    assert_eq!(pending("2023-05"), "2");
    // The period ends on 20 June, inside the month: A3, A4 (closed in
    // July), A6, A7 (closed 29 June) and A9 (closed 30 June); A1 closed on
    // the 20th itself.
    assert_eq!(pending("2023-06"), "5");
    // The total counts once, at the period's end: not 2 + 5.
    assert_eq!(pending("全省合计"), "5");
}

#[test]
fn grouped_by_month_each_month_is_compared_with_its_place_in_the_earlier_period() {
    let ws = Workspace::new();
    caseload_fixture(&ws);
    // June–July against the 61 days before (April–May): July against May,
    // where A5 failed; June against April, where nothing was decided.
    let args =
        "rates --mediation m.csv --from 2023-06-01 --to 2023-07-31 --by month --compare previous";
    let (h, rows) = csv(&ws, &args.split(' ').collect::<Vec<_>>());
    let prev = |key: &str| {
        let r = month_row(&h, &rows, key);
        (field(&h, r, "prev_successes"), field(&h, r, "prev_decided"))
    };
    assert_eq!(prev("2023-07"), ("0", "1"));
    assert_eq!(prev("2023-06"), ("0", "0"));
}

#[test]
fn money_totals_are_summed_to_the_fen() {
    // 0.1 + 0.2 as doubles is 0.30000000000000004: the total is summed in
    // whole fen, as every row is.
    let ws = Workspace::new();
    let rows = [
        case(
            "C1",
            "court",
            "武汉市",
            "2023-06-01",
            "2023-06-02",
            "success",
            "1,0.1,0.1",
        ),
        case(
            "C2",
            "court",
            "宜昌市",
            "2023-06-01",
            "2023-06-02",
            "success",
            "1,0.2,0.2",
        ),
        case(
            "C3",
            "court",
            "襄阳市",
            "2023-06-01",
            "2023-06-02",
            "failure",
            "1,0.3,",
        ),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&rows));
    let (h, rows) = csv(
        &ws,
        &["rates", "--mediation", "m.csv", "--month", "2023-06"],
    );
    let total = row(&h, &rows, "全省合计");
    assert_eq!(field(&h, total, "amount_yuan"), "0.6");
    assert_eq!(field(&h, total, "settled_yuan"), "0.3");
}

#[test]
fn the_workbook_writes_money_in_ten_thousand_yuan_as_numbers() {
    let ws = Workspace::new();
    caseload_fixture(&ws);
    let run = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--output",
        "r.xlsx",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shared = xlsx_part(&ws.path("r.xlsx"), "xl/sharedStrings.xml");
    assert!(shared.contains("涉案金额(万元)"), "{shared}");
    let sheet = xlsx_part(&ws.path("r.xlsx"), "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("<v>1.70005</v>"),
        "17000.5 元 as 1.70005 万元"
    );
}

/// June against May (previous) and court against arbitration in June, with
/// the same successes/decided per prefecture either way.
fn comparison_fixture(ws: &Workspace) {
    let counts = [
        ("武汉市", (40, 50), (20, 50)),
        ("宜昌市", (120, 300), (150, 300)),
        ("襄阳市", (6, 10), (2, 10)),
        ("荆州市", (3, 5), (1, 4)),
    ];
    let mut by_month = Vec::new();
    let mut by_channel = Vec::new();
    let mut n = 0;
    for (prefecture, june, may) in counts {
        for ((successes, decided), month, channel) in
            [(june, "06", "court"), (may, "05", "arbitration")]
        {
            for i in 0..decided {
                n += 1;
                let outcome = if i < successes { "success" } else { "failure" };
                let id = format!("C{n}");
                by_month.push(case(
                    &id,
                    channel,
                    prefecture,
                    &format!("2023-{month}-01"),
                    &format!("2023-{month}-15"),
                    outcome,
                    ",,",
                ));
                by_channel.push(case(
                    &id,
                    channel,
                    prefecture,
                    "2023-06-01",
                    "2023-06-15",
                    outcome,
                    ",,",
                ));
            }
        }
    }
    ws.write("months.csv", &mediation_csv(&lines(&by_month)));
    ws.write("channels.csv", &mediation_csv(&lines(&by_channel)));
}

/// (prefecture, difference, Newcombe low, high, Fisher p, BH p, verdict
/// against the previous month, verdict court against arbitration).
type Change = (
    &'static str,
    f64,
    f64,
    f64,
    f64,
    Option<f64>,
    &'static str,
    &'static str,
);

const CHANGES: [Change; 4] = [
    (
        "武汉市",
        0.4,
        0.210021,
        0.551731,
        8.30866e-05,
        Some(0.00024926),
        "up",
        "court_higher",
    ),
    (
        "宜昌市",
        -0.1,
        -0.177839,
        -0.020391,
        0.0172482,
        Some(0.02587225),
        "down",
        "arbitration_higher",
    ),
    (
        "襄阳市",
        0.4,
        -0.022558,
        0.672544,
        0.169802,
        Some(0.169802),
        "no_clear_change",
        "no_clear_difference",
    ),
    // 3/5 vs 1/4: fewer than 10 decided, outside the BH family.
    (
        "荆州市",
        0.35,
        -0.231625,
        0.698601,
        0.523810,
        None,
        "too_few",
        "too_few",
    ),
];

/// A row's difference (`prefix`), its Newcombe limits, Fisher p and BH p
/// (empty outside the family) against the reference values.
fn assert_difference(
    h: &[String],
    r: &[String],
    prefix: &str,
    (diff, low, high, p, q): (f64, f64, f64, f64, Option<f64>),
) {
    let cell = |suffix: &str| field(h, r, &format!("{prefix}{suffix}")).to_string();
    close(&cell(""), diff, 1e-9);
    close(&cell("_low"), low, 1e-6);
    close(&cell("_high"), high, 1e-6);
    close(&cell("_p"), p, p * 1e-5);
    match q {
        Some(q) => close(&cell("_p_adjusted"), q, q * 1e-5),
        None => assert_eq!(cell("_p_adjusted"), ""),
    }
}

#[test]
fn month_on_month_changes_match_newcombe_fisher_and_bh() {
    let ws = Workspace::new();
    comparison_fixture(&ws);
    let (h, rows) = csv(
        &ws,
        &[
            "rates",
            "--mediation",
            "months.csv",
            "--month",
            "2023-06",
            "--compare",
            "previous",
        ],
    );
    for (name, diff, low, high, p, q, verdict, _) in CHANGES {
        let r = row(&h, &rows, name);
        assert_difference(&h, r, "change", (diff, low, high, p, q));
        assert_eq!(field(&h, r, "change_verdict"), verdict, "{name}");
    }
    // The province, 169/365 against 173/364, judged alone.
    let total = row(&h, &rows, "全省合计");
    close(field(&h, total, "change"), -0.012261, 1e-6);
    close(field(&h, total, "change_low"), -0.084244, 1e-6);
    close(field(&h, total, "change_high"), 0.059900, 1e-6);
    close(field(&h, total, "change_p"), 0.766771, 1e-5);
    assert_eq!(field(&h, total, "change_verdict"), "no_clear_change");

    let table = ws.run(&[
        "rates",
        "--mediation",
        "months.csv",
        "--month",
        "2023-06",
        "--compare",
        "previous",
    ]);
    assert!(
        table
            .stdout
            .contains("比较期间：2023年5月1日至2023年5月31日"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("▲ 上升") && table.stdout.contains("▼ 下降"));
}

#[test]
fn court_against_arbitration_uses_the_same_tests() {
    let ws = Workspace::new();
    comparison_fixture(&ws);
    let (h, rows) = csv(
        &ws,
        &[
            "rates",
            "--mediation",
            "channels.csv",
            "--month",
            "2023-06",
            "--compare",
            "channel",
        ],
    );
    for (name, diff, low, high, p, q, _, verdict) in CHANGES {
        let r = row(&h, &rows, name);
        assert_difference(&h, r, "difference", (diff, low, high, p, q));
        assert_eq!(field(&h, r, "channel_verdict"), verdict, "{name}");
    }
    let wuhan = row(&h, &rows, "武汉市");
    assert_eq!(field(&h, wuhan, "court_successes"), "40");
    assert_eq!(field(&h, wuhan, "arbitration_decided"), "50");
}

#[test]
fn a_comparison_period_outside_the_data_is_not_covered_never_zero() {
    let ws = Workspace::new();
    comparison_fixture(&ws);
    let args = [
        "rates",
        "--mediation",
        "months.csv",
        "--month",
        "2023-06",
        "--compare",
        "last-year",
    ];
    let (h, rows) = csv(&ws, &args);
    let wuhan = row(&h, &rows, "武汉市");
    assert_eq!(field(&h, wuhan, "successes"), "40");
    for column in [
        "prev_successes",
        "prev_decided",
        "prev_rate",
        "change",
        "change_p",
        "change_verdict",
    ] {
        assert_eq!(field(&h, wuhan, column), "", "{column}");
    }
    let table = ws.run(&args);
    assert!(table.stdout.contains("数据未覆盖"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .contains("比较期间：2022年6月1日至2022年6月30日")
    );
    let json = ws.run(&[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(v[0]["prev_decided"].is_null(), "{}", v[0]);
}

#[test]
fn months_the_data_does_not_reach_are_not_covered_never_zero() {
    let ws = Workspace::new();
    comparison_fixture(&ws);
    // The data runs from 1 May to 15 June 2023.
    let (h, rows) = csv(
        &ws,
        &[
            "rates",
            "--mediation",
            "months.csv",
            "--by",
            "month",
            "--year",
            "2023",
        ],
    );
    let month = |m: &str| rows.iter().find(|r| r[0] == m).unwrap().clone();
    assert_eq!(field(&h, &month("2023-05"), "decided"), "364");
    assert_eq!(field(&h, &month("2023-06"), "received"), "365");
    for m in ["2023-01", "2023-04", "2023-07", "2023-12"] {
        let r = month(m);
        assert!(r[1..r.len() - 1].iter().all(|c| c.is_empty()), "{m}: {r:?}");
    }
    let table = ws.run(&[
        "rates",
        "--mediation",
        "months.csv",
        "--by",
        "month",
        "--quarter",
        "2023Q2",
    ]);
    let april = table
        .stdout
        .lines()
        .find(|l| l.contains("2023-04"))
        .unwrap();
    assert!(
        april.contains("数据未覆盖") && !april.contains(" 0 "),
        "{april}"
    );
}

/// Five prefectures in June: 300/400, 30/100, 3/3, 50/100, 10/40.
fn ranking_fixture(ws: &Workspace) {
    let mut lines = Vec::new();
    let mut n = 0;
    for (prefecture, successes, decided) in [
        ("武汉市", 300, 400),
        ("宜昌市", 30, 100),
        ("襄阳市", 3, 3),
        ("荆州市", 50, 100),
        ("黄石市", 10, 40),
    ] {
        for i in 0..decided {
            n += 1;
            let outcome = if i < successes { "success" } else { "failure" };
            lines.push(case(
                &format!("K{n}"),
                "court",
                prefecture,
                "2023-06-01",
                "2023-06-15",
                outcome,
                ",,",
            ));
        }
    }
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    ws.write("k.csv", &mediation_csv(&lines));
}

#[test]
fn ranks_follow_the_shrunken_rate_not_the_raw_one() {
    let ws = Workspace::new();
    ranking_fixture(&ws);
    let (h, rows) = csv(
        &ws,
        &["rates", "--mediation", "k.csv", "--month", "2023-06"],
    );
    // scipy 1.17: Nelder–Mead on the beta-binomial likelihood gives
    // α = 2.710471, β = 2.619936; posterior means and beta.ppf limits:
    let want = [
        ("武汉市", 0.746824, 0.703425, 0.787916, "1"),
        ("襄阳市", 0.685497, 0.356659, 0.931180, "2"),
        ("荆州市", 0.500430, 0.405580, 0.595264, "3"),
        ("宜昌市", 0.310551, 0.226236, 0.401681, "4"),
        ("黄石市", 0.280396, 0.161079, 0.418053, "5"),
    ];
    for (name, rate, low, high, rank) in want {
        let r = row(&h, &rows, name);
        close(field(&h, r, "shrunken_rate"), rate, 2e-6);
        close(field(&h, r, "shrunken_low"), low, 2e-6);
        close(field(&h, r, "shrunken_high"), high, 2e-6);
        assert_eq!(field(&h, r, "rank"), rank, "{name}");
    }
    // 3 of 3 has the highest raw rate but not the first rank.
    assert_eq!(field(&h, row(&h, &rows, "襄阳市"), "success_rate"), "1");
    // Regions without a decided case have no rank.
    assert_eq!(field(&h, row(&h, &rows, "十堰市"), "rank"), "");

    let (h, rows) = csv(
        &ws,
        &[
            "rates",
            "--mediation",
            "k.csv",
            "--month",
            "2023-06",
            "--top",
            "2",
        ],
    );
    let names: Vec<&str> = rows.iter().map(|r| field(&h, r, "prefecture")).collect();
    assert_eq!(names, ["武汉市", "襄阳市", "全省合计"]);
    let (h, rows) = csv(
        &ws,
        &[
            "rates",
            "--mediation",
            "k.csv",
            "--month",
            "2023-06",
            "--bottom",
            "2",
        ],
    );
    let names: Vec<&str> = rows.iter().map(|r| field(&h, r, "prefecture")).collect();
    assert_eq!(names, ["黄石市", "宜昌市", "全省合计"]);
    let table = ws.run(&[
        "rates",
        "--mediation",
        "k.csv",
        "--month",
        "2023-06",
        "--top",
        "2",
    ]);
    assert!(
        table.stdout.contains("排名按收敛成功率"),
        "{}",
        table.stdout
    );
}

#[test]
fn equal_rates_rank_by_decided_cases_and_say_so() {
    let ws = Workspace::new();
    let mut lines = Vec::new();
    for (prefecture, decided) in [("武汉市", 20), ("宜昌市", 40), ("襄阳市", 10)] {
        for i in 0..decided {
            let outcome = if i % 2 == 0 { "success" } else { "failure" };
            lines.push(case(
                &format!("{prefecture}{i}"),
                "court",
                prefecture,
                "2023-06-01",
                "2023-06-15",
                outcome,
                ",,",
            ));
        }
    }
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    ws.write("m.csv", &mediation_csv(&lines));
    let (h, rows) = csv(
        &ws,
        &["rates", "--mediation", "m.csv", "--month", "2023-06"],
    );
    for name in ["宜昌市", "武汉市", "襄阳市"] {
        let r = row(&h, &rows, name);
        assert_eq!(
            field(&h, r, "shrunken_rate"),
            "0.5",
            "{name}: the pooled rate"
        );
    }
    let ranks: Vec<(&str, &str)> = ["宜昌市", "武汉市", "襄阳市"]
        .iter()
        .map(|n| (*n, field(&h, row(&h, &rows, n), "rank")))
        .collect();
    assert_eq!(ranks, [("宜昌市", "1"), ("武汉市", "2"), ("襄阳市", "3")]);
    let table = ws.run(&["rates", "--mediation", "m.csv", "--month", "2023-06"]);
    assert!(
        table.stdout.contains("按计入分母的案件数排名"),
        "{}",
        table.stdout
    );
}

#[test]
fn fewer_than_three_ranked_rows_have_no_rank() {
    let ws = Workspace::new();
    caseload_fixture(&ws);
    let (h, rows) = csv(
        &ws,
        &["rates", "--mediation", "m.csv", "--month", "2023-06"],
    );
    for name in ["武汉市", "宜昌市"] {
        let r = row(&h, &rows, name);
        assert_eq!(field(&h, r, "shrunken_rate"), "", "{name}");
        assert_eq!(field(&h, r, "rank"), "", "{name}");
    }
}

#[test]
fn year_to_date_is_january_to_the_end_of_the_month() {
    let ws = Workspace::new();
    ranking_fixture(&ws);
    let ytd = ws.run(&[
        "rates",
        "--mediation",
        "k.csv",
        "--ytd",
        "2023-06",
        "--format",
        "csv",
    ]);
    let range = ws.run(&[
        "rates",
        "--mediation",
        "k.csv",
        "--from",
        "2023-01-01",
        "--to",
        "2023-06-30",
        "--format",
        "csv",
    ]);
    assert_eq!(ytd.code, 0, "{}", ytd.stderr);
    assert_eq!(ytd.stdout, range.stdout);
    let table = ws.run(&["rates", "--mediation", "k.csv", "--ytd", "2023-06"]);
    assert!(
        table.stdout.contains("2023年1月1日至2023年6月30日"),
        "{}",
        table.stdout
    );
    // 环比 of a year to date: the same number of days just before it
    // (181 days: 2022-07-04 to 2022-12-31).
    let compared = ws.run(&[
        "rates",
        "--mediation",
        "k.csv",
        "--ytd",
        "2023-06",
        "--compare",
        "previous",
    ]);
    assert!(
        compared
            .stdout
            .contains("比较期间：2022年7月4日至2022年12月31日"),
        "{}",
        compared.stdout
    );
}

#[test]
fn a_period_outside_the_data_warns_and_a_report_of_it_is_refused() {
    let ws = Workspace::new();
    ranking_fixture(&ws);
    let rates = ws.run(&["rates", "--mediation", "k.csv", "--month", "2024-03"]);
    assert_eq!(rates.code, 0);
    assert!(
        rates
            .stderr
            .contains("完全不在数据范围内（数据从 2023-06-01 到 2023-06-15）"),
        "{}",
        rates.stderr
    );
    let report = ws.run(&["report", "--mediation", "k.csv", "--month", "2024-03"]);
    assert_eq!(report.code, 2);
    assert!(report.stderr.contains("不生成报告"), "{}", report.stderr);
    assert!(!ws.path("reports").exists());
}

#[test]
fn the_ranking_note_describes_the_whole_table_not_the_rows_kept() {
    let ws = Workspace::new();
    let mut cases = Vec::new();
    // Three equal rows on top, two far below: the table varies, the top
    // three alone would not.
    for (prefecture, successes) in [
        ("武汉市", 60),
        ("宜昌市", 60),
        ("襄阳市", 60),
        ("荆州市", 10),
        ("黄石市", 20),
    ] {
        for i in 0..100 {
            let outcome = if i < successes { "success" } else { "failure" };
            cases.push(case(
                &format!("{prefecture}{i}"),
                "court",
                prefecture,
                "2023-06-01",
                "2023-06-15",
                outcome,
                ",,",
            ));
        }
    }
    ws.write("m.csv", &mediation_csv(&lines(&cases)));
    let top = ws.run(&[
        "rates",
        "--mediation",
        "m.csv",
        "--month",
        "2023-06",
        "--top",
        "3",
    ]);
    assert!(top.stdout.contains("排名按收敛成功率"), "{}", top.stdout);
    assert!(!top.stdout.contains("不超过随机波动"), "{}", top.stdout);
}
