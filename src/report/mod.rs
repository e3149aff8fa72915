//! The monthly report: what it holds, computed here from the same analyses
//! as `rates`, `hotline` and `funnel` (so its numbers are theirs), and the
//! tables it shows. [`charts`] draws the SVG charts, [`page`] writes the
//! HTML page and [`markdown`] the Markdown copy; `commands::report` writes
//! the folder.

pub mod charts;
pub mod markdown;
pub mod page;

use chrono::Datelike;
use polars::prelude::*;

use crate::Lang;
use crate::analysis::filters::Filters;
use crate::analysis::funnel::{self, FunnelOptions};
use crate::analysis::groups::Dimension;
use crate::analysis::hotline::{self, HotlineOptions};
use crate::analysis::rates::{self, RateRow, Rates, RatesOptions, Verdict};
use crate::cli::CountyScope;
use crate::commands;
use crate::ingest::{FileAccount, Logs, Reject};
use crate::period::Period;
use crate::regions::RegionTable;
use crate::render::{Column, ColumnKind, Table, Value};

pub struct ReportOptions {
    pub period: Period,
    /// Baseline, alpha, min-cases, withdrawn-as-failure (its `by` and
    /// `period` are set per table).
    pub judgement: RatesOptions,
    pub counties: CountyScope,
    pub sla_days: f64,
    pub link_days: i64,
    pub lang: Lang,
    pub generated_at: Option<String>,
    /// Folder-style name of the period: 2023-06, 2023Q2, 2023H1 or 2023.
    pub period_name: String,
    /// Rows outside these were dropped at loading; per-region tables list
    /// the selected regions only.
    pub filters: Filters,
}

/// The headline figures of one period.
pub struct PeriodFigures {
    pub period: Period,
    /// The province's mediation figures (cases closed in the period).
    pub mediation: RateRow,
    /// Hotline tickets received in the period.
    pub received: u64,
    pub hotline_closed: u64,
    pub closure_rate: Option<f64>,
}

pub struct Headline {
    pub current: PeriodFigures,
    /// The period before, when the data reaches it (has closed cases there).
    pub previous: Option<PeriodFigures>,
    /// The same period a year earlier, when the data reaches it.
    pub year_ago: Option<PeriodFigures>,
}

/// One month of the trend: the province and each prefecture, judged as a
/// monthly `rates` table would judge them.
pub struct TrendMonth {
    pub month: String,
    /// The month as a period (first to last day).
    pub province_period: Period,
    pub province: RateRow,
    pub prefectures: Rates,
}

impl TrendMonth {
    /// Names of the prefectures judged below the baseline that month.
    pub fn below(&self) -> Vec<String> {
        self.prefectures
            .rows
            .iter()
            .filter(|r| r.verdict == Verdict::Below)
            .map(region_name)
            .collect()
    }
}

/// A table of the report, and the CSV file it is written to.
pub struct Section {
    pub file_stem: &'static str,
    pub table: Table,
}

pub struct Report {
    pub period: Period,
    /// Folder-style name of the period: 2023-06, 2023Q2, 2023H1 or 2023.
    pub period_name: String,
    pub lang: Lang,
    pub baseline: f64,
    pub generated_at: Option<String>,
    /// "筛选：…" when the report covers filtered rows only.
    pub filter_note: Option<String>,
    pub headline: Headline,
    pub prefectures: Rates,
    /// The prefectures whose county table is shown, in code order.
    pub county_prefectures: Vec<(u32, String)>,
    pub trend: Vec<TrendMonth>,
    pub findings: Vec<String>,
    /// Every table, in the order the page shows them.
    pub sections: Sections,
}

pub struct Sections {
    pub headline: Section,
    pub prefectures: Section,
    pub trend: Section,
    pub counties: Section,
    pub hotline: Section,
    pub funnel: Section,
    pub files: Section,
    pub rejects: Section,
}

impl Sections {
    pub fn all(&self) -> [&Section; 8] {
        [
            &self.headline,
            &self.prefectures,
            &self.trend,
            &self.counties,
            &self.hotline,
            &self.funnel,
            &self.files,
            &self.rejects,
        ]
    }
}

/// The last month with a closed case (the default report month), as YYYY-MM.
pub fn latest_month(logs: &Logs) -> PolarsResult<Option<String>> {
    let latest = logs
        .mediation
        .column("closed_on")?
        .as_materialized_series()
        .max_reduce()?;
    Ok(match latest.value() {
        AnyValue::Date(days) => chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163)
            .map(|d| format!("{:04}-{:02}", d.year(), d.month())),
        _ => None,
    })
}

fn region_name(row: &RateRow) -> String {
    match row.keys.first().and_then(|k| k.cells.get(1)) {
        Some(Value::Text { value, .. }) => value.clone(),
        _ => String::new(),
    }
}

/// The region code of a prefecture row.
pub fn region_code(row: &RateRow) -> Option<u32> {
    row.keys.first()?.key.parse().ok()
}

fn rates_for(
    logs: &Logs,
    regions: &RegionTable,
    opts: &ReportOptions,
    by: Vec<Dimension>,
    period: Period,
) -> PolarsResult<Rates> {
    let ropts = RatesOptions {
        by,
        period,
        ..opts.judgement.clone()
    };
    rates::compute(&logs.mediation, regions, &ropts, opts.lang)
}

fn period_figures(
    logs: &Logs,
    regions: &RegionTable,
    opts: &ReportOptions,
    period: Period,
) -> PolarsResult<PeriodFigures> {
    let mediation = rates_for(logs, regions, opts, Vec::new(), period.clone())?.total;
    let hotline_opts = HotlineOptions {
        by: Vec::new(),
        period: period.clone(),
        sla_days: opts.sla_days,
    };
    let hl = hotline::compute(&logs.hotline, regions, &hotline_opts, opts.lang)?.total;
    Ok(PeriodFigures {
        period,
        mediation,
        received: hl.received,
        hotline_closed: hl.closed,
        closure_rate: hl.closure_rate,
    })
}

/// A comparison period's figures, or none when the data has no closed case
/// and no ticket there (the data does not reach it).
fn reached(figures: PeriodFigures) -> Option<PeriodFigures> {
    (figures.mediation.counts.closed() > 0 || figures.received > 0).then_some(figures)
}

pub fn build(logs: &Logs, regions: &RegionTable, opts: &ReportOptions) -> PolarsResult<Report> {
    let lang = opts.lang;
    let period = &opts.period;
    let months = period.month_count().unwrap_or(1);
    let comparison = |shift: i32| -> PolarsResult<Option<PeriodFigures>> {
        match period.shifted_by_months(shift) {
            Some(p) => Ok(reached(period_figures(logs, regions, opts, p)?)),
            None => Ok(None),
        }
    };
    let headline = Headline {
        current: period_figures(logs, regions, opts, period.clone())?,
        previous: comparison(-months)?,
        // For a year report the previous period is the year before.
        year_ago: if months == 12 { None } else { comparison(-12)? },
    };

    let mut prefectures = rates_for(
        logs,
        regions,
        opts,
        vec![Dimension::Prefecture],
        period.clone(),
    )?;
    prefectures
        .rows
        .retain(|r| opts.filters.shows(&[Dimension::Prefecture], r));
    // The county table of the whole province, judged as `rates --by county`
    // judges it; the report shows the counties of the chosen prefectures.
    let mut counties = rates_for(logs, regions, opts, vec![Dimension::County], period.clone())?;
    counties
        .rows
        .retain(|r| opts.filters.shows(&[Dimension::County], r));
    let county_prefectures: Vec<(u32, String)> = prefectures
        .rows
        .iter()
        .filter(|r| opts.counties == CountyScope::All || r.verdict == Verdict::Below)
        .filter_map(|r| Some((region_code(r)?, region_name(r))))
        .collect();

    let trend = trend_months(logs, regions, opts)?;

    let hotline_opts = HotlineOptions {
        by: vec![Dimension::Prefecture],
        period: period.clone(),
        sla_days: opts.sla_days,
    };
    let mut hotline_figures = hotline::compute(&logs.hotline, regions, &hotline_opts, lang)?;
    hotline_figures
        .rows
        .retain(|r| opts.filters.shows(&[Dimension::Prefecture], r));
    let funnel_opts = FunnelOptions {
        by: Dimension::Prefecture,
        period: period.clone(),
        link_days: opts.link_days,
    };
    let mut funnel_figures =
        funnel::compute(&logs.hotline, &logs.mediation, regions, &funnel_opts, lang)?;
    funnel_figures
        .rows
        .retain(|r| opts.filters.shows(&[Dimension::Prefecture], r));
    let findings =
        commands::funnel::findings_lines(&funnel_figures.findings, regions, opts.link_days, lang);

    let mut sections = Sections {
        headline: Section {
            file_stem: "headline",
            table: headline_table(&headline, lang),
        },
        prefectures: Section {
            file_stem: "prefectures",
            table: prefecture_table(&prefectures, opts),
        },
        trend: Section {
            file_stem: "trend",
            table: trend_table(&trend, opts),
        },
        counties: Section {
            file_stem: "counties",
            table: county_table(&counties, &county_prefectures, opts),
        },
        hotline: Section {
            file_stem: "hotline",
            table: commands::hotline::hotline_table(&hotline_figures, &hotline_opts, lang, &[]),
        },
        funnel: Section {
            file_stem: "referral_funnel",
            table: commands::funnel::funnel_table(&funnel_figures, &funnel_opts, lang, &[]),
        },
        files: Section {
            file_stem: "files",
            table: files_table(&logs.files, lang),
        },
        rejects: Section {
            file_stem: "rejects_by_reason",
            table: rejects_table(&logs.rejects, lang),
        },
    };
    for section in [
        &mut sections.prefectures,
        &mut sections.trend,
        &mut sections.counties,
        &mut sections.hotline,
        &mut sections.funnel,
    ] {
        commands::mark_filtered(&mut section.table, &opts.filters, lang);
    }
    Ok(Report {
        period: period.clone(),
        period_name: opts.period_name.clone(),
        lang,
        baseline: opts.judgement.baseline,
        generated_at: opts.generated_at.clone(),
        filter_note: opts.filters.note(lang),
        headline,
        prefectures,
        county_prefectures,
        trend,
        findings,
        sections,
    })
}

/// The twelve months up to the end of the report period, each judged alone.
fn trend_months(
    logs: &Logs,
    regions: &RegionTable,
    opts: &ReportOptions,
) -> PolarsResult<Vec<TrendMonth>> {
    let Some(to) = opts.period.to else {
        return Ok(Vec::new());
    };
    let last = Period::month(&format!("{:04}-{:02}", to.year(), to.month()))
        .map_err(|e| polars_err!(ComputeError: "{e}"))?;
    let mut months = Vec::new();
    for shift in (0..12).rev() {
        let Some(month) = last.shifted_by_months(-shift) else {
            continue;
        };
        let prefectures = rates_for(
            logs,
            regions,
            opts,
            vec![Dimension::Prefecture],
            month.clone(),
        )?;
        let from = month.from.expect("a month has a first day");
        months.push(TrendMonth {
            month: format!("{:04}-{:02}", from.year(), from.month()),
            province_period: month.clone(),
            province: prefectures.total.clone(),
            prefectures,
        });
    }
    Ok(months)
}

fn prefecture_table(prefectures: &Rates, opts: &ReportOptions) -> Table {
    let ropts = RatesOptions {
        by: vec![Dimension::Prefecture],
        period: opts.period.clone(),
        ..opts.judgement.clone()
    };
    commands::rates::rates_table(prefectures, &ropts, opts.lang, &[])
}

fn county_table(counties: &Rates, shown: &[(u32, String)], opts: &ReportOptions) -> Table {
    let ropts = RatesOptions {
        by: vec![Dimension::County],
        period: opts.period.clone(),
        ..opts.judgement.clone()
    };
    let mut table = commands::rates::rates_table(counties, &ropts, opts.lang, &[]);
    // County keys are "prefecture_code:county_code".
    let wanted: Vec<String> = shown.iter().map(|(code, _)| format!("{code}:")).collect();
    let rows: Vec<Vec<Value>> = counties
        .rows
        .iter()
        .zip(table.rows)
        .filter(|(r, _)| {
            r.keys
                .first()
                .is_some_and(|k| wanted.iter().any(|w| k.key.starts_with(w.as_str())))
        })
        .map(|(_, cells)| cells)
        .collect();
    table.rows = rows;
    // The province total belongs to the full county table, not to a subset.
    table.total = None;
    let names: Vec<&str> = shown.iter().map(|(_, n)| n.as_str()).collect();
    let scope = match (opts.lang, opts.counties, names.is_empty()) {
        (Lang::Zh, CountyScope::All, _) => "全部市州".to_string(),
        (Lang::Zh, CountyScope::Below, true) => "本期没有低于基线的市州".to_string(),
        (Lang::Zh, CountyScope::Below, false) => format!("低于基线的市州：{}", names.join("、")),
        (Lang::En, CountyScope::All, _) => "every prefecture".to_string(),
        (Lang::En, CountyScope::Below, true) => "no prefecture is below the baseline".to_string(),
        (Lang::En, CountyScope::Below, false) => {
            format!("prefectures below the baseline: {}", names.join(", "))
        }
    };
    let family = match opts.lang {
        Lang::Zh => "各县市区的判定与 `disputes rates --by county` 相同（校正范围为全省县市区）",
        Lang::En => {
            "counties are judged as `disputes rates --by county` judges them (adjusted over all the province's counties)"
        }
    };
    table.notes.insert(0, scope);
    table.notes.push(family.to_string());
    table
}

fn headline_table(h: &Headline, lang: Lang) -> Table {
    let mut rows = Vec::new();
    let periods = [
        ("current", Some(&h.current)),
        ("previous", h.previous.as_ref()),
        ("year_ago", h.year_ago.as_ref()),
    ];
    for (which, figures) in periods {
        let Some(f) = figures else { continue };
        let m = &f.mediation;
        let label = f.period.label(lang);
        let measures: [(&str, Value); 10] = [
            ("closed", Value::Int(m.counts.closed() as i64)),
            ("decided", Value::Int(m.decided as i64)),
            ("successes", Value::Int(m.counts.successes as i64)),
            ("success_rate", Value::opt_float(m.success_rate)),
            ("ci_low", Value::opt_float(m.ci.map(|c| c.0))),
            ("ci_high", Value::opt_float(m.ci.map(|c| c.1))),
            ("verdict", Value::text(m.verdict.code())),
            ("hotline_received", Value::Int(f.received as i64)),
            ("hotline_closed", Value::Int(f.hotline_closed as i64)),
            ("hotline_closure_rate", Value::opt_float(f.closure_rate)),
        ];
        for (measure, value) in measures {
            rows.push(vec![
                Value::text(which),
                Value::text(label.clone()),
                Value::text(measure),
                value,
            ]);
        }
    }
    let (title, note) = match lang {
        Lang::Zh => (
            "要点",
            "current = 本期，previous = 上期，year_ago = 上年同期（数据未覆盖的期间不列出）",
        ),
        Lang::En => (
            "Headline",
            "current period, previous period and the same period a year earlier (left out where the data does not reach)",
        ),
    };
    Table {
        title: title.to_string(),
        notes: vec![note.to_string()],
        columns: vec![
            Column::new("period", "期间", "period", ColumnKind::Key),
            Column::new("dates", "日期", "dates", ColumnKind::Text),
            Column::new("measure", "指标", "measure", ColumnKind::Text),
            Column::new("value", "数值", "value", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

fn trend_table(trend: &[TrendMonth], opts: &ReportOptions) -> Table {
    let lang = opts.lang;
    let columns = vec![
        Column::new("month", "月份", "month", ColumnKind::Key),
        Column::new("closed", "结案", "closed", ColumnKind::Count),
        Column::new("successes", "成功", "successes", ColumnKind::Count),
        Column::new("decided", "分母", "decided", ColumnKind::Count),
        Column::new("success_rate", "成功率", "success rate", ColumnKind::Rate),
        Column::new("ci_low", "95%下限", "95% low", ColumnKind::Rate),
        Column::new("ci_high", "95%上限", "95% high", ColumnKind::Rate),
        Column::new(
            "prefectures_below",
            "低于基线的市州",
            "prefectures below",
            ColumnKind::Text,
        ),
    ];
    let separator = if lang == Lang::Zh { "、" } else { ", " };
    let rows = trend
        .iter()
        .map(|t| {
            let p = &t.province;
            vec![
                Value::text(t.month.clone()),
                Value::Int(p.counts.closed() as i64),
                Value::Int(p.counts.successes as i64),
                Value::Int(p.decided as i64),
                Value::opt_float(p.success_rate),
                Value::opt_float(p.ci.map(|c| c.0)),
                Value::opt_float(p.ci.map(|c| c.1)),
                Value::text(t.below().join(separator)),
            ]
        })
        .collect();
    // The denominator over the twelve months shown.
    let span = Period {
        from: trend.first().and_then(|t| t.province_period.from),
        to: trend.last().and_then(|t| t.province_period.to),
    };
    let ropts = RatesOptions {
        by: vec![Dimension::Month],
        period: span,
        ..opts.judgement.clone()
    };
    let (title, note) = match lang {
        Lang::Zh => (
            "全省月度成功率（近12个月）",
            "每月单独判定各市州（同该月的 `disputes rates --month`）",
        ),
        Lang::En => (
            "Province success rate by month (last 12 months)",
            "prefectures judged month by month, as `disputes rates --month` would",
        ),
    };
    let denominator = commands::rates::denominator_note(&ropts, lang);
    Table {
        title: title.to_string(),
        notes: vec![denominator, note.to_string()],
        columns,
        rows,
        total: None,
    }
}

/// The row accounting per file, as a table (also `validate`'s second sheet).
pub fn files_table(files: &[FileAccount], lang: Lang) -> Table {
    let rows = files
        .iter()
        .map(|f| {
            vec![
                Value::text(f.path.clone()),
                Value::text(f.kind.name()),
                Value::text(f.encoding.to_string()),
                Value::Int(f.read as i64),
                Value::Int(f.accepted as i64),
                Value::Int(f.duplicates as i64),
                Value::Int(f.superseded as i64),
                Value::Int(f.rejected as i64),
            ]
        })
        .collect();
    let (title, note) = match lang {
        Lang::Zh => ("数据来源与行数核对", "读入 = 采用 + 重复 + 被更新 + 拒收"),
        Lang::En => (
            "Files and row accounting",
            "read = accepted + duplicates + superseded + rejected",
        ),
    };
    Table {
        title: title.to_string(),
        notes: vec![note.to_string()],
        columns: vec![
            Column::new("path", "文件", "file", ColumnKind::Text),
            Column::new("kind", "类型", "kind", ColumnKind::Text),
            Column::new("encoding", "编码", "encoding", ColumnKind::Text),
            Column::new("read", "读入", "read", ColumnKind::Count),
            Column::new("accepted", "采用", "accepted", ColumnKind::Count),
            Column::new("duplicates", "重复", "duplicates", ColumnKind::Count),
            Column::new("superseded", "被更新", "superseded", ColumnKind::Count),
            Column::new("rejected", "拒收", "rejected", ColumnKind::Count),
        ],
        rows,
        total: None,
    }
}

/// A problem's words for people.
pub fn problem_label(problem: &str, lang: Lang) -> &str {
    let (zh, en) = match problem {
        "missing_required" => ("必填项为空", "required value missing"),
        "unparseable" => ("无法识别的值", "value cannot be read"),
        "out_of_range" => ("数值超出范围", "number out of range"),
        "mangled_id" => ("编号被Excel改成科学计数法", "id mangled by Excel"),
        "county_not_in_prefecture" => ("县市区不属于该市州", "county not in its prefecture"),
        "closing_date_missing" => ("已结案但缺结案日期", "closing date missing"),
        "closing_date_not_allowed" => ("未结案却有结案日期", "closing date on an open row"),
        "closed_before_received" => ("结案早于受理", "closed before received"),
        "settled_without_success" => ("未调解成功却有调解金额", "settled amount without success"),
        "ragged" => ("列数与表头不符", "wrong number of cells"),
        "unclosed_quote" => ("引号未闭合", "unclosed quote"),
        "undecodable" => ("无法解码的字节", "undecodable bytes"),
        other => (other, other),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Rejected rows counted by file, problem and column.
fn rejects_table(rejects: &[Reject], lang: Lang) -> Table {
    let mut counts: std::collections::BTreeMap<(String, &str, String), (i64, Vec<u32>)> =
        std::collections::BTreeMap::new();
    for r in rejects {
        let key = (
            r.path.clone(),
            r.problem,
            r.column_name.clone().unwrap_or_default(),
        );
        let entry = counts.entry(key).or_default();
        entry.0 += 1;
        entry.1.push(r.line);
    }
    let rows = counts
        .into_iter()
        .map(|((path, problem, column), (n, lines))| {
            let mut lines: Vec<String> = lines.iter().take(10).map(|l| l.to_string()).collect();
            if n > 10 {
                lines.push("…".to_string());
            }
            vec![
                Value::text(path),
                Value::labelled(problem, problem_label(problem, lang)),
                Value::text(column),
                Value::Int(n),
                Value::text(lines.join(" ")),
            ]
        })
        .collect();
    let (title, note) = match lang {
        Lang::Zh => (
            "拒收行（按原因）",
            "每行只按第一条不符合的规则计一次；逐行原因见 `disputes validate --rejects 文件`",
        ),
        Lang::En => (
            "Rejected rows by reason",
            "each row counts once, under the first rule it breaks; every row with its reason: `disputes validate --rejects FILE`",
        ),
    };
    Table {
        title: title.to_string(),
        notes: vec![note.to_string()],
        columns: vec![
            Column::new("path", "文件", "file", ColumnKind::Text),
            Column::new("problem", "原因", "problem", ColumnKind::Text),
            Column::new("column", "列", "column", ColumnKind::Text),
            Column::new("rows", "行数", "rows", ColumnKind::Count),
            Column::new("lines", "行号", "lines", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

/// One headline figure, as people read it: a label, the value, and lines
/// of context (interval, verdict, changes).
pub struct HeadlineItem {
    pub label: String,
    pub value: String,
    pub details: Vec<String>,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// "+2.3 个百分点" / "+2.3 pp": a change of rate.
fn points_change(now: Option<f64>, before: Option<f64>, lang: Lang) -> Option<String> {
    // Rounded first, so a tiny fall does not read as "-0.0".
    let d = ((now? - before?) * 1000.0).round() / 10.0 + 0.0;
    Some(match lang {
        Lang::Zh => format!("{d:+.1} 个百分点（{}）", pct(before?)),
        Lang::En => format!("{d:+.1} pp (from {})", pct(before?)),
    })
}

fn count_change(now: u64, before: u64, lang: Lang) -> String {
    let d = now as i64 - before as i64;
    match lang {
        Lang::Zh => format!("{d:+}（{before}）"),
        Lang::En => format!("{d:+} (from {before})"),
    }
}

impl Report {
    /// The comparisons the data reaches: ("较上月", figures or none).
    fn comparisons(&self) -> Vec<(String, Option<&PeriodFigures>)> {
        let months = self.period.month_count().unwrap_or(1);
        let zh = self.lang == Lang::Zh;
        let previous = match (months, zh) {
            (1, true) => "较上月",
            (3, true) => "较上季度",
            (6, true) => "较上半年度",
            (12, true) => "较上年",
            (_, true) => "较上期",
            (1, false) => "vs previous month",
            (3, false) => "vs previous quarter",
            (6, false) => "vs previous half-year",
            (12, false) => "vs previous year",
            (_, false) => "vs previous period",
        };
        let mut out = vec![(previous.to_string(), self.headline.previous.as_ref())];
        if months != 12 {
            let label = if zh {
                "较上年同期"
            } else {
                "vs a year earlier"
            };
            out.push((label.to_string(), self.headline.year_ago.as_ref()));
        }
        out
    }

    pub fn headline_items(&self) -> Vec<HeadlineItem> {
        let lang = self.lang;
        let zh = lang == Lang::Zh;
        let now = &self.headline.current;
        let m = &now.mediation;
        let not_reached = if zh {
            "数据未覆盖"
        } else {
            "not in the data"
        };
        let compare = |f: &dyn Fn(&PeriodFigures) -> Option<String>| -> Vec<String> {
            self.comparisons()
                .into_iter()
                .map(|(label, figures)| {
                    let text = figures
                        .and_then(f)
                        .unwrap_or_else(|| not_reached.to_string());
                    let separator = if zh { "：" } else { ": " };
                    format!("{label}{separator}{text}")
                })
                .collect()
        };

        let mut closed_details = vec![if zh {
            format!(
                "计入分母 {} 件（成功 {}，不成功 {}），撤回 {}",
                m.decided, m.counts.successes, m.counts.failures, m.counts.withdrawn
            )
        } else {
            format!(
                "{} decided ({} successes, {} failures), {} withdrawn",
                m.decided, m.counts.successes, m.counts.failures, m.counts.withdrawn
            )
        }];
        closed_details.extend(compare(&|p| {
            Some(count_change(
                m.counts.closed(),
                p.mediation.counts.closed(),
                lang,
            ))
        }));

        let mut rate_details = Vec::new();
        if let Some((lo, hi)) = m.ci {
            rate_details.push(if zh {
                format!("95%区间 {}–{}", pct(lo), pct(hi))
            } else {
                format!("95% interval {}–{}", pct(lo), pct(hi))
            });
        }
        let verdict = crate::render::format::verdict_label(m.verdict.code(), lang);
        rate_details.push(if zh {
            format!("对照基线 {}：{verdict}", pct(self.baseline))
        } else {
            format!("against the {} baseline: {verdict}", pct(self.baseline))
        });
        rate_details.extend(compare(&|p| {
            points_change(m.success_rate, p.mediation.success_rate, lang)
        }));

        let mut hotline_details = vec![match (zh, now.closure_rate) {
            (true, Some(r)) => format!("办结 {} 件，办结率 {}", now.hotline_closed, pct(r)),
            (false, Some(r)) => format!("{} closed, closure rate {}", now.hotline_closed, pct(r)),
            (true, None) => "本期无工单".to_string(),
            (false, None) => "no tickets in the period".to_string(),
        }];
        hotline_details.extend(compare(&|p| {
            Some(count_change(now.received, p.received, lang))
        }));
        let closure_change = compare(&|p| points_change(now.closure_rate, p.closure_rate, lang));

        let (closed_label, rate_label, received_label, closure_label) = if zh {
            ("调解结案", "调解成功率", "12351热线受理", "热线办结率")
        } else {
            (
                "Cases closed",
                "Success rate",
                "Hotline tickets",
                "Closure rate",
            )
        };
        vec![
            HeadlineItem {
                label: closed_label.to_string(),
                value: m.counts.closed().to_string(),
                details: closed_details,
            },
            HeadlineItem {
                label: rate_label.to_string(),
                value: m.success_rate.map_or("—".to_string(), pct),
                details: rate_details,
            },
            HeadlineItem {
                label: received_label.to_string(),
                value: now.received.to_string(),
                details: hotline_details,
            },
            HeadlineItem {
                label: closure_label.to_string(),
                value: now.closure_rate.map_or("—".to_string(), pct),
                details: closure_change,
            },
        ]
    }

    /// The report's title.
    pub fn title(&self) -> String {
        match self.lang {
            Lang::Zh => format!(
                "湖北省劳动争议调解与12351职工服务热线报告 {}",
                self.period_name
            ),
            Lang::En => format!(
                "Hubei labour-dispute mediation and 12351 hotline report, {}",
                self.period_name
            ),
        }
    }

    /// The prefectures as chart rows, named by their short names.
    pub fn prefecture_points(&self, regions: &RegionTable) -> Vec<charts::Named<'_>> {
        self.prefectures
            .rows
            .iter()
            .map(|r| charts::Named {
                name: region_code(r)
                    .and_then(|c| regions.get(c))
                    .map_or_else(|| region_name(r), |g| g.short_name.clone()),
                row: r,
            })
            .collect()
    }
}
