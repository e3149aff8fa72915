//! Turning computed results into titled, bilingual tables: one function
//! per table, called by the commands and the report alike. A [`Table`] is
//! what every renderer (terminal, CSV, JSON, Markdown, xlsx, HTML) takes.
//!
//! Nothing here computes a figure (that is [`crate::analysis`]) and
//! nothing here formats one for reading (that is [`crate::render`]).

pub mod accounting;
pub mod hotline;
pub mod query;
pub mod rates;
pub mod referral;
pub mod report;

use crate::Lang;
use crate::analysis::filters::Filters;
use crate::analysis::groups::{Dimension, Grouped, KeyLabel, KeyValue};

/// How a column's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    /// Region, channel, ... : a key of the grouping.
    Key,
    Count,
    /// A fraction in [0, 1], shown as a percentage in tables.
    Rate,
    PValue,
    Hours,
    /// An amount of yuan: tables for people show 万元 (10,000 yuan).
    Money,
    /// A difference of two rates (fractions), shown in percentage points.
    Points,
    Verdict,
    /// Any other number (query results), shown rounded to 4 decimals.
    Number,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// Machine name: CSV/JSON header.
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub kind: ColumnKind,
    /// Shown in the terminal and Markdown tables (codes are not).
    pub in_tables: bool,
    /// Phone numbers in this column are shown as they are (`query
    /// --unmask` on caller_phone); everywhere else they are masked.
    pub shows_phones: bool,
    /// How long the column stays when a terminal is too narrow for the
    /// whole table: the least important go first ([`importance`]).
    pub importance: u8,
}

/// How important a column is to a reader of a narrow terminal: keys and
/// the rate with its verdict stay longest; money, people and raw p-values
/// go first (they are in every export). 255 = never left out.
pub fn importance(key: &str, kind: ColumnKind) -> u8 {
    if kind == ColumnKind::Key {
        return 255;
    }
    // A comparison's columns carry a side (prev_, court_, arbitration_).
    let bare = ["prev_", "court_", "arbitration_"]
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .unwrap_or(key);
    // Pairs (an interval's two limits) share a value and go together.
    match bare {
        "success_rate" | "closure_rate" => 250,
        "verdict" | "change_verdict" | "channel_verdict" => 249,
        "change" | "difference" => 246,
        // The other side's rate of a comparison (prev_rate, court_rate, ...).
        "rate" => 240,
        "decided" => 230,
        "received" => 228,
        "rank" => 229,
        "satisfaction_rate" => 215,
        "on_time_rate" => 214,
        "successes" => 210,
        "closed" => 200,
        "shrunken_rate" => 190,
        "referral_rate" => 188,
        "ci_low" | "ci_high" | "change_low" | "change_high" | "difference_low"
        | "difference_high" => 180,
        "p_adjusted" | "change_p_adjusted" | "difference_p_adjusted" => 170,
        "pending_at_end" => 150,
        "median_hours_to_close" => 149,
        "settled_yuan" => 140,
        "referred" => 139,
        "failures" => 120,
        "withdrawn" => 119,
        "p90_hours_to_close" => 118,
        "p_value" | "change_p" | "difference_p" => 110,
        "amount_yuan" => 100,
        "workers" => 99,
        _ => 160,
    }
}

impl Column {
    pub fn new(key: &str, label_zh: &str, label_en: &str, kind: ColumnKind) -> Column {
        Column {
            key: key.to_string(),
            label_zh: label_zh.to_string(),
            label_en: label_en.to_string(),
            kind,
            in_tables: true,
            shows_phones: false,
            importance: importance(key, kind),
        }
    }

    /// Overrides [`importance`] where a table's own reading differs.
    pub fn with_importance(mut self, importance: u8) -> Column {
        self.importance = importance;
        self
    }

    /// A column for exports only (e.g. region codes).
    pub fn export_only(mut self) -> Column {
        self.in_tables = false;
        self
    }

    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.label_zh,
            Lang::En => &self.label_en,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    /// Text for exports; `display` is what tables show (a label in the
    /// chosen language) when it differs.
    Text {
        value: String,
        display: Option<String>,
    },
    /// Query results: a calendar date (ISO text in CSV and JSON, a real
    /// date cell in workbooks).
    Date(chrono::NaiveDate),
    /// Query results: a date and time.
    DateTime(chrono::NaiveDateTime),
    /// Query results: 是/否 in tables for people, true/false in CSV and JSON.
    Bool(bool),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text {
            value: s.into(),
            display: None,
        }
    }

    pub fn labelled(value: impl Into<String>, display: impl Into<String>) -> Value {
        Value::Text {
            value: value.into(),
            display: Some(display.into()),
        }
    }

    /// A cell the data does not reach: empty in CSV, null in JSON,
    /// `display` (数据未覆盖) in tables.
    pub fn uncovered(display: impl Into<String>) -> Value {
        Value::labelled("", display)
    }

    pub fn opt_float(v: Option<f64>) -> Value {
        v.map_or(Value::Null, Value::Float)
    }
}

/// A computed table ready to render.
#[derive(Debug, Clone)]
pub struct Table {
    pub title: String,
    /// Lines printed above a terminal/Markdown table: period, denominator,
    /// method, row accounting.
    pub notes: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// A total row shown in terminal/Markdown tables only.
    pub total: Option<Vec<Value>>,
}

/// A dimension's name in a table title and a filter note.
pub fn dimension_label(dim: Dimension, lang: Lang) -> &'static str {
    match (dim, lang) {
        (Dimension::Prefecture, Lang::Zh) => "市州",
        (Dimension::County, Lang::Zh) => "县市区",
        (Dimension::Channel, Lang::Zh) => "对接渠道",
        (Dimension::Source, Lang::Zh) => "案件来源",
        (Dimension::DisputeType, Lang::Zh) => "纠纷类型",
        (Dimension::Category, Lang::Zh) => "诉求类型",
        (Dimension::Handling, Lang::Zh) => "处理方式",
        (Dimension::Month, Lang::Zh) => "月份",
        (d, Lang::En) => d.name(),
    }
}

/// The columns a dimension's keys fill (region codes for exports only).
pub fn key_columns(dim: Dimension) -> Vec<Column> {
    match dim {
        Dimension::Prefecture => vec![
            Column::new("prefecture_code", "代码", "code", ColumnKind::Key).export_only(),
            Column::new("prefecture", "市州", "prefecture", ColumnKind::Key),
        ],
        Dimension::County => vec![
            Column::new(
                "prefecture_code",
                "市州代码",
                "prefecture code",
                ColumnKind::Key,
            )
            .export_only(),
            Column::new("prefecture", "市州", "prefecture", ColumnKind::Key),
            Column::new("county_code", "代码", "code", ColumnKind::Key).export_only(),
            Column::new("county", "县市区", "county", ColumnKind::Key),
        ],
        Dimension::Channel => vec![Column::new(
            "channel",
            "对接渠道",
            "channel",
            ColumnKind::Key,
        )],
        Dimension::Source => vec![Column::new("source", "案件来源", "source", ColumnKind::Key)],
        Dimension::DisputeType => vec![Column::new(
            "dispute_type",
            "纠纷类型",
            "dispute type",
            ColumnKind::Key,
        )],
        Dimension::Category => vec![Column::new(
            "category",
            "诉求类型",
            "category",
            ColumnKind::Key,
        )],
        Dimension::Handling => vec![Column::new(
            "handling",
            "处理方式",
            "handling",
            ColumnKind::Key,
        )],
        Dimension::Month => vec![Column::new("month", "月份", "month", ColumnKind::Key)],
    }
}

fn not_given(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "(未填)",
        Lang::En => "(not given)",
    }
}

/// The cells a key fills, matching [`key_columns`] of its dimension.
pub fn key_cells(key: &KeyValue, lang: Lang) -> Vec<Value> {
    match &key.label {
        KeyLabel::Prefecture { code, name } => {
            vec![Value::Int(i64::from(*code)), Value::text(name.clone())]
        }
        KeyLabel::County {
            prefecture_code,
            prefecture,
            county,
        } => {
            let mut cells = vec![
                Value::Int(i64::from(*prefecture_code)),
                Value::text(prefecture.clone()),
            ];
            match county {
                Some((code, name)) => {
                    cells.extend([Value::Int(i64::from(*code)), Value::text(name.clone())])
                }
                None => cells.extend([Value::Null, Value::labelled("", not_given(lang))]),
            }
            cells
        }
        KeyLabel::Enum { spec, code } => vec![Value::labelled(*code, spec.label(code, lang))],
        KeyLabel::Text(text) => vec![Value::text(text.clone())],
        KeyLabel::NotGiven => vec![Value::labelled("", not_given(lang))],
    }
}

/// The label of the province total row.
fn total_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "全省合计",
        Lang::En => "Province total",
    }
}

/// A table of figures per group with a province total row: the group's
/// key columns first (the total's label in the first one a table shows),
/// then the figure columns that `figures` fills. Title and notes are the
/// caller's to set.
pub fn grouped_table<R: Grouped>(
    key_columns: Vec<Column>,
    figure_columns: Vec<Column>,
    rows: &[R],
    total: &R,
    figures: impl Fn(&R) -> Vec<Value>,
    lang: Lang,
) -> Table {
    let label_at = key_columns.iter().position(|c| c.in_tables).unwrap_or(0);
    let mut total_row: Vec<Value> = (0..key_columns.len())
        .map(|i| {
            if i == label_at {
                Value::text(total_label(lang))
            } else {
                Value::Null
            }
        })
        .collect();
    total_row.extend(figures(total));
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells: Vec<Value> = r.keys().iter().flat_map(|k| key_cells(k, lang)).collect();
            cells.extend(figures(r));
            cells
        })
        .collect();
    let mut columns = key_columns;
    columns.extend(figure_columns);
    Table {
        title: String::new(),
        notes: Vec::new(),
        columns,
        rows,
        total: Some(total_row),
    }
}

/// "筛选：市州 襄阳市；纠纷类型 欠薪": the note of every table of a
/// filtered run; none without filters.
pub fn filter_note(filters: &Filters, lang: Lang) -> Option<String> {
    if filters.is_empty() {
        return None;
    }
    let parts: Vec<String> = filters
        .selection()
        .iter()
        .map(|(what, value)| {
            let name = match Dimension::from_name(what) {
                Some(dim) => dimension_label(dim, lang),
                None => what,
            };
            format!("{name} {value}")
        })
        .collect();
    Some(match lang {
        Lang::Zh => format!("筛选：{}", parts.join("；")),
        Lang::En => format!("filtered: {}", parts.join("; ")),
    })
}

/// Marks a table as covering the filtered rows only: the filter named in
/// its notes, the total row labelled as the selection's total.
pub fn mark_filtered(table: &mut Table, filters: &Filters, lang: Lang) {
    let Some(note) = filter_note(filters, lang) else {
        return;
    };
    table.notes.insert(0, note);
    // The adjustment's family is the rows shown: say so where it matters.
    let adjusted = table.columns.iter().any(|c| c.key.ends_with("p_adjusted"));
    if adjusted && filters.has_regions() {
        table.notes.insert(
            1,
            match lang {
                Lang::Zh => "加了地区筛选：Benjamini–Hochberg 校正只在本表各行之间进行，校正p值和判定可能与不加筛选的表不同".to_string(),
                Lang::En => "regions filtered: the Benjamini–Hochberg adjustment runs over this table's rows only, so adjusted p-values and verdicts can differ from the unfiltered table".to_string(),
            },
        );
    }
    let label = match lang {
        Lang::Zh => "筛选合计",
        Lang::En => "Total (filtered)",
    };
    if let Some(total) = &mut table.total {
        for cell in total.iter_mut() {
            if let Value::Text { value, .. } = cell {
                *value = label.to_string();
                break;
            }
        }
    }
}
