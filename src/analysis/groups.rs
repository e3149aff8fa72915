//! Grouping dimensions shared by the analysis commands (`--by`): how a row's
//! key is computed, and the full list of keys a table shows (every region,
//! zeros included).

use polars::prelude::*;

use crate::Lang;
use crate::ingest::schema::{CHANNEL, EnumSpec, HANDLING, SOURCE};
use crate::period::Period;
use crate::regions::RegionTable;
use crate::render::{Column, ColumnKind, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Dimension {
    Prefecture,
    County,
    Channel,
    Source,
    #[value(name = "dispute_type")]
    DisputeType,
    Category,
    Handling,
    Month,
}

impl Dimension {
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Prefecture => "prefecture",
            Dimension::County => "county",
            Dimension::Channel => "channel",
            Dimension::Source => "source",
            Dimension::DisputeType => "dispute_type",
            Dimension::Category => "category",
            Dimension::Handling => "handling",
            Dimension::Month => "month",
        }
    }

    /// The dimension's name in a table title.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
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

    fn key_column(self) -> String {
        format!("__key_{}", self.name())
    }

    fn enum_spec(self) -> Option<&'static EnumSpec> {
        match self {
            Dimension::Channel => Some(&CHANNEL),
            Dimension::Source => Some(&SOURCE),
            Dimension::Handling => Some(&HANDLING),
            _ => None,
        }
    }

    /// The export columns this dimension contributes.
    pub fn columns(self) -> Vec<Column> {
        match self {
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
            Dimension::DisputeType => {
                vec![Column::new(
                    "dispute_type",
                    "纠纷类型",
                    "dispute type",
                    ColumnKind::Key,
                )]
            }
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
}

/// One value of a dimension: its key (as computed by [`key_expr`]) and the
/// cells it fills.
#[derive(Debug, Clone)]
pub struct KeyValue {
    pub key: String,
    pub cells: Vec<Value>,
}

/// A computed row that belongs to one combination of keys.
pub trait Grouped {
    fn keys(&self) -> &[KeyValue];
}

/// The expression giving a row's key for a dimension, as text. `day` is the
/// date the period is judged by (closed_on, or received_at's day).
pub fn key_expr(dim: Dimension, regions: &RegionTable, day: Expr) -> Expr {
    let e = match dim {
        Dimension::Prefecture => col("prefecture_code").cast(DataType::String),
        Dimension::County => {
            // A direct unit (仙桃, ...) is its own county-level unit; a county
            // left empty elsewhere is "not given" under its prefecture.
            let direct: Vec<u32> = regions
                .prefectures()
                .filter(|p| regions.counties_of(p.code).next().is_none())
                .map(|p| p.code)
                .collect();
            let unit = when(col("county_code").is_not_null())
                .then(col("county_code"))
                .when(
                    col("prefecture_code")
                        .is_in(lit(Series::new("".into(), direct)).implode(false), false),
                )
                .then(col("prefecture_code"))
                .otherwise(lit(NULL).cast(DataType::UInt32));
            concat_str(
                [
                    col("prefecture_code").cast(DataType::String),
                    unit.cast(DataType::String).fill_null(lit("")),
                ],
                ":",
                false,
            )
        }
        // Enum and free-text columns are dictionary-encoded; keys are text.
        Dimension::Channel
        | Dimension::Source
        | Dimension::DisputeType
        | Dimension::Category
        | Dimension::Handling => col(dim.name()).cast(DataType::String),
        Dimension::Month => day.dt().strftime("%Y-%m"),
    };
    e.fill_null(lit("")).alias(dim.key_column())
}

pub fn key_columns(dims: &[Dimension]) -> Vec<Expr> {
    dims.iter().map(|d| col(d.key_column())).collect()
}

/// Text categories in the order staff know them; others follow by name.
const KNOWN_TYPES: [&str; 8] = [
    "欠薪",
    "劳动合同",
    "社会保险",
    "工伤",
    "劳动报酬",
    "法律咨询",
    "困难帮扶",
    "其他",
];

/// Every key a table shows for a dimension, in the official order:
/// regions in code order (all of them), enum values in spec order, months
/// over the period; keys only seen in the data (an empty source, a new
/// dispute type) are added.
pub fn domain(
    dim: Dimension,
    regions: &RegionTable,
    period: &Period,
    observed: &[String],
    lang: Lang,
) -> Vec<KeyValue> {
    let not_given = match lang {
        Lang::Zh => "(未填)",
        Lang::En => "(not given)",
    };
    let mut values: Vec<KeyValue> = match dim {
        Dimension::Prefecture => regions
            .prefectures()
            .map(|p| KeyValue {
                key: p.code.to_string(),
                cells: vec![Value::Int(p.code as i64), Value::text(p.name.clone())],
            })
            .collect(),
        Dimension::County => {
            let mut units: Vec<KeyValue> = regions
                .county_level_units()
                .into_iter()
                .map(|(p, c)| county_value(regions, p, Some(c), not_given))
                .collect();
            // "County not given" rows, only where such cases exist.
            for key in observed {
                if let Some(p) = key.strip_suffix(':').and_then(|p| p.parse::<u32>().ok()) {
                    units.push(county_value(regions, p, None, not_given));
                }
            }
            units.sort_by_key(|v| county_sort_key(&v.key));
            units
        }
        Dimension::Month => {
            let mut months = period.month_keys().unwrap_or_else(|| {
                let mut seen: Vec<String> =
                    observed.iter().filter(|k| !k.is_empty()).cloned().collect();
                seen.sort();
                match (seen.first(), seen.last()) {
                    (Some(first), Some(last)) => month_span(first, last),
                    _ => Vec::new(),
                }
            });
            months.dedup();
            months
                .into_iter()
                .map(|m| KeyValue {
                    key: m.clone(),
                    cells: vec![Value::text(m)],
                })
                .collect()
        }
        Dimension::Channel | Dimension::Source | Dimension::Handling => {
            let spec = dim.enum_spec().expect("enum dimension");
            spec.values
                .iter()
                .map(|v| KeyValue {
                    key: v.code.to_string(),
                    cells: vec![Value::labelled(v.code, spec.label(v.code, lang))],
                })
                .collect()
        }
        Dimension::DisputeType | Dimension::Category => {
            let mut seen: Vec<&String> = observed.iter().filter(|k| !k.is_empty()).collect();
            seen.sort_by_key(|k| {
                (
                    KNOWN_TYPES
                        .iter()
                        .position(|t| t == k)
                        .unwrap_or(KNOWN_TYPES.len()),
                    (*k).clone(),
                )
            });
            seen.into_iter()
                .map(|k| KeyValue {
                    key: k.clone(),
                    cells: vec![Value::text(k.clone())],
                })
                .collect()
        }
    };
    if dim != Dimension::County && observed.iter().any(|k| k.is_empty()) {
        values.push(KeyValue {
            key: String::new(),
            cells: vec![Value::labelled("", not_given)],
        });
    }
    values
}

fn county_value(
    regions: &RegionTable,
    prefecture: u32,
    unit: Option<u32>,
    not_given: &str,
) -> KeyValue {
    let key = format!(
        "{prefecture}:{}",
        unit.map_or(String::new(), |u| u.to_string())
    );
    let county_cells = match unit {
        Some(u) => vec![Value::Int(u as i64), Value::text(regions.name_of(u))],
        None => vec![Value::Null, Value::labelled("", not_given)],
    };
    let mut cells = vec![
        Value::Int(prefecture as i64),
        Value::text(regions.name_of(prefecture)),
    ];
    cells.extend(county_cells);
    KeyValue { key, cells }
}

/// Counties in code order, each prefecture's "not given" row after its counties.
fn county_sort_key(key: &str) -> (u32, u32) {
    let (p, u) = key.split_once(':').unwrap_or((key, ""));
    let p: u32 = p.parse().unwrap_or(0);
    match u.parse::<u32>() {
        Ok(u) if u == p => (p, 0),
        Ok(u) => (p, u),
        Err(_) => (p, u32::MAX),
    }
}

fn month_span(first: &str, last: &str) -> Vec<String> {
    let parse = |m: &str| -> Option<(i32, u32)> {
        let (y, mo) = m.split_once('-')?;
        Some((y.parse().ok()?, mo.parse().ok()?))
    };
    let (Some(mut cur), Some(end)) = (parse(first), parse(last)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while cur <= end {
        out.push(format!("{:04}-{:02}", cur.0, cur.1));
        cur = if cur.1 == 12 {
            (cur.0 + 1, 1)
        } else {
            (cur.0, cur.1 + 1)
        };
    }
    out
}

/// All combinations of the dimensions' keys, first dimension outermost.
pub fn combinations(domains: &[Vec<KeyValue>]) -> Vec<Vec<&KeyValue>> {
    let mut out: Vec<Vec<&KeyValue>> = vec![Vec::new()];
    for domain in domains {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                domain.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(v);
                    p
                })
            })
            .collect();
    }
    out
}

/// Every combination of the dimensions' keys — all regions, zeros included —
/// each with the row of `agg` (grouped by [`key_columns`]) holding its
/// figures, or `None` where the data has none.
pub fn full_table(
    agg: &DataFrame,
    dims: &[Dimension],
    regions: &RegionTable,
    period: &Period,
    lang: Lang,
) -> PolarsResult<Vec<(Vec<KeyValue>, Option<usize>)>> {
    let mut row_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in 0..agg.height() {
        row_of.insert(row_key(agg, dims, i)?, i);
    }
    let observed = observed_keys(agg, dims)?;
    let domains: Vec<Vec<KeyValue>> = dims
        .iter()
        .zip(&observed)
        .map(|(&d, seen)| domain(d, regions, period, seen, lang))
        .collect();
    Ok(combinations(&domains)
        .into_iter()
        .map(|combo| {
            let row = row_of.get(&combination_key(&combo)).copied();
            (combo.into_iter().cloned().collect(), row)
        })
        .collect())
}

/// A count column of an aggregated frame at row `i` (0 where absent).
pub fn count_at(agg: &DataFrame, name: &str, i: Option<usize>) -> PolarsResult<u64> {
    let Some(i) = i else { return Ok(0) };
    Ok(agg
        .column(name)?
        .cast(&DataType::UInt64)?
        .u64()?
        .get(i)
        .unwrap_or(0))
}

/// A float column of an aggregated frame at row `i`.
pub fn float_at(agg: &DataFrame, name: &str, i: Option<usize>) -> PolarsResult<Option<f64>> {
    let Some(i) = i else { return Ok(None) };
    Ok(agg.column(name)?.cast(&DataType::Float64)?.f64()?.get(i))
}

/// Reads the distinct keys of each dimension from an aggregated frame.
fn observed_keys(agg: &DataFrame, dims: &[Dimension]) -> PolarsResult<Vec<Vec<String>>> {
    dims.iter()
        .map(|d| {
            let c = agg.column(&d.key_column())?.str()?.clone();
            let mut keys: Vec<String> = c.iter().map(|k| k.unwrap_or("").to_string()).collect();
            keys.sort();
            keys.dedup();
            Ok(keys)
        })
        .collect()
}

/// The group key of row `i` of an aggregated frame, joined for lookup.
fn row_key(agg: &DataFrame, dims: &[Dimension], i: usize) -> PolarsResult<String> {
    let parts: PolarsResult<Vec<String>> = dims
        .iter()
        .map(|d| {
            Ok(agg
                .column(&d.key_column())?
                .str()?
                .get(i)
                .unwrap_or("")
                .to_string())
        })
        .collect();
    Ok(parts?.join("\u{1}"))
}

fn combination_key(combo: &[&KeyValue]) -> String {
    combo
        .iter()
        .map(|v| v.key.as_str())
        .collect::<Vec<_>>()
        .join("\u{1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_domain_lists_all_103_units_in_code_order() {
        let regions = RegionTable::hubei();
        let d = domain(Dimension::County, &regions, &Period::all(), &[], Lang::Zh);
        assert_eq!(d.len(), 103);
        assert_eq!(d[0].key, "420100:420102");
        assert!(d.iter().any(|v| v.key == "429004:429004"));
    }

    #[test]
    fn county_not_given_rows_follow_their_prefecture() {
        let regions = RegionTable::hubei();
        let d = domain(
            Dimension::County,
            &regions,
            &Period::all(),
            &["420100:".to_string()],
            Lang::En,
        );
        let i = d.iter().position(|v| v.key == "420100:").unwrap();
        assert_eq!(d[i - 1].key, "420100:420117");
        assert_eq!(d[i + 1].key, "420200:420202");
    }

    #[test]
    fn month_domain_spans_the_period() {
        let regions = RegionTable::hubei();
        let p = Period::quarter("2023Q2").unwrap();
        let d = domain(Dimension::Month, &regions, &p, &[], Lang::En);
        let keys: Vec<_> = d.iter().map(|v| v.key.as_str()).collect();
        assert_eq!(keys, ["2023-04", "2023-05", "2023-06"]);
    }

    #[test]
    fn combinations_cross_every_key() {
        let a = vec![
            KeyValue {
                key: "1".into(),
                cells: vec![],
            },
            KeyValue {
                key: "2".into(),
                cells: vec![],
            },
        ];
        let b = vec![
            KeyValue {
                key: "x".into(),
                cells: vec![],
            },
            KeyValue {
                key: "y".into(),
                cells: vec![],
            },
        ];
        let domains = [a, b];
        let combos = combinations(&domains);
        let keys: Vec<String> = combos.iter().map(|c| combination_key(c)).collect();
        assert_eq!(keys, ["1\u{1}x", "1\u{1}y", "2\u{1}x", "2\u{1}y"]);
    }
}
