//! Grouping dimensions shared by the analysis commands (`--by`): how a row's
//! key is computed, and the full list of keys a table shows (every region,
//! zeros included).

use polars::prelude::*;

use crate::ingest::schema::{CHANNEL, EnumSpec, HANDLING, SOURCE};
use crate::period::Period;
use crate::regions::RegionTable;

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

    /// The dimension whose [`Dimension::name`] this is.
    pub fn from_name(name: &str) -> Option<Dimension> {
        [
            Dimension::Prefecture,
            Dimension::County,
            Dimension::Channel,
            Dimension::Source,
            Dimension::DisputeType,
            Dimension::Category,
            Dimension::Handling,
            Dimension::Month,
        ]
        .into_iter()
        .find(|d| d.name() == name)
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
}

/// One value of a dimension: its key (as computed by [`key_expr`]) and
/// what it is, for the tables to name.
#[derive(Debug, Clone)]
pub struct KeyValue {
    pub key: String,
    pub label: KeyLabel,
}

/// What a group key stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyLabel {
    Prefecture {
        code: u32,
        name: String,
    },
    /// A county-level unit of a prefecture; `county` none for cases whose
    /// county was not given.
    County {
        prefecture_code: u32,
        prefecture: String,
        county: Option<(u32, String)>,
    },
    /// A value of an enum column (channel, source, handling).
    Enum {
        spec: &'static EnumSpec,
        code: &'static str,
    },
    /// A month (YYYY-MM) or a free-text value (dispute type, category).
    Text(String),
    /// Rows whose value was left empty.
    NotGiven,
}

impl KeyValue {
    /// Rows of cases whose value (or county) was left empty.
    pub fn is_not_given(&self) -> bool {
        matches!(
            self.label,
            KeyLabel::NotGiven | KeyLabel::County { county: None, .. }
        )
    }

    /// The region name of a prefecture key (empty for other keys).
    pub fn region_name(&self) -> &str {
        match &self.label {
            KeyLabel::Prefecture { name, .. } => name,
            _ => "",
        }
    }
}

/// A computed row that belongs to one combination of keys.
pub trait Grouped {
    fn keys(&self) -> &[KeyValue];
}

/// The expression giving a row's group key for a dimension. `day` is the
/// date the period is judged by (closed_on, or received_at's day).
///
/// Region keys are numbers on the rows and become text only in the
/// aggregated frame ([`key_texts`]): grouping millions of rows by a code is
/// cheaper than writing each row's code out as text and grouping by that
/// (a report groups the mediation rows some sixty times). The number-to-text
/// step is one-to-one, so the groups are the same as grouping by the text.
pub fn key_expr(dim: Dimension, regions: &RegionTable, day: Expr) -> Expr {
    let e = match dim {
        Dimension::Prefecture => col("prefecture_code"),
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
            // prefecture × 2³² + unit, NO_UNIT for a unit not given; null
            // when the prefecture is (arithmetic keeps the null).
            col("prefecture_code").cast(DataType::UInt64) * lit(1u64 << 32)
                + unit.cast(DataType::UInt64).fill_null(lit(NO_UNIT))
        }
        // Enum and free-text columns are dictionary-encoded; keys are text.
        Dimension::Channel
        | Dimension::Source
        | Dimension::DisputeType
        | Dimension::Category
        | Dimension::Handling => col(dim.name()).cast(DataType::String).fill_null(lit("")),
        // yyyymm as a number (202306): grouped as an integer, written as
        // 2023-06 once per group (`key_texts`), not formatted per row.
        Dimension::Month => {
            day.clone().dt().year().cast(DataType::Int32) * lit(100)
                + day.dt().month().cast(DataType::Int32)
        }
    };
    e.alias(dim.key_column())
}

/// The low half of a county key whose county-level unit was not given.
/// Region codes are six digits, so no unit has this code.
const NO_UNIT: u64 = u32::MAX as u64;

/// The text of each row's key in an aggregated frame, as [`KeyValue::key`]
/// spells it: a prefecture's code (`420100`), a county's
/// `prefecture:unit` (`420100:420102`, `420100:` for a county not given),
/// `""` for a region not given; other keys are already text.
fn key_texts(agg: &DataFrame, dim: Dimension) -> PolarsResult<Vec<String>> {
    let column = agg.column(&dim.key_column())?;
    Ok(match dim {
        Dimension::Prefecture => column
            .u32()?
            .iter()
            .map(|code| code.map(|c| c.to_string()).unwrap_or_default())
            .collect(),
        Dimension::County => column
            .u64()?
            .iter()
            .map(|key| match key {
                None => String::new(),
                Some(k) if k & NO_UNIT == NO_UNIT => format!("{}:", k >> 32),
                Some(k) => format!("{}:{}", k >> 32, k & NO_UNIT),
            })
            .collect(),
        Dimension::Month => column
            .cast(&DataType::Int32)?
            .i32()?
            .iter()
            .map(|k| k.map_or_else(String::new, |k| format!("{:04}-{:02}", k / 100, k % 100)))
            .collect(),
        _ => column
            .str()?
            .iter()
            .map(|k| k.unwrap_or("").to_string())
            .collect(),
    })
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
) -> Vec<KeyValue> {
    let mut values: Vec<KeyValue> = match dim {
        Dimension::Prefecture => regions
            .prefectures()
            .map(|p| KeyValue {
                key: p.code.to_string(),
                label: KeyLabel::Prefecture {
                    code: p.code,
                    name: p.name.clone(),
                },
            })
            .collect(),
        Dimension::County => {
            let mut units: Vec<KeyValue> = regions
                .county_level_units()
                .into_iter()
                .map(|(p, c)| county_value(regions, p, Some(c)))
                .collect();
            // "County not given" rows, only where such cases exist.
            for key in observed {
                if let Some(p) = key.strip_suffix(':').and_then(|p| p.parse::<u32>().ok()) {
                    units.push(county_value(regions, p, None));
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
                    label: KeyLabel::Text(m),
                })
                .collect()
        }
        Dimension::Channel | Dimension::Source | Dimension::Handling => {
            let spec = dim.enum_spec().expect("enum dimension");
            spec.values
                .iter()
                .map(|v| KeyValue {
                    key: v.code.to_string(),
                    label: KeyLabel::Enum { spec, code: v.code },
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
                    label: KeyLabel::Text(k.clone()),
                })
                .collect()
        }
    };
    if dim != Dimension::County && observed.iter().any(|k| k.is_empty()) {
        values.push(KeyValue {
            key: String::new(),
            label: KeyLabel::NotGiven,
        });
    }
    values
}

fn county_value(regions: &RegionTable, prefecture: u32, unit: Option<u32>) -> KeyValue {
    let key = format!(
        "{prefecture}:{}",
        unit.map_or(String::new(), |u| u.to_string())
    );
    KeyValue {
        key,
        label: KeyLabel::County {
            prefecture_code: prefecture,
            prefecture: regions.name_of(prefecture).to_string(),
            county: unit.map(|u| (u, regions.name_of(u).to_string())),
        },
    }
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
) -> PolarsResult<Vec<(Vec<KeyValue>, Option<usize>)>> {
    Ok(full_table_of(&[agg], dims, regions, period)?
        .into_iter()
        .map(|(keys, rows)| (keys, rows[0]))
        .collect())
}

/// A combination of keys and its row in each of several aggregations.
pub type KeyedRows = (Vec<KeyValue>, Vec<Option<usize>>);

/// As [`full_table`] over several aggregations of the same grouping (cases
/// closed, cases received, …): the keys seen in any of them, and each key's
/// row in each.
pub fn full_table_of(
    aggs: &[&DataFrame],
    dims: &[Dimension],
    regions: &RegionTable,
    period: &Period,
) -> PolarsResult<Vec<KeyedRows>> {
    let mut row_of: Vec<std::collections::HashMap<String, usize>> = Vec::new();
    let mut observed: Vec<Vec<String>> = vec![Vec::new(); dims.len()];
    for agg in aggs {
        let texts = dims
            .iter()
            .map(|&d| key_texts(agg, d))
            .collect::<PolarsResult<Vec<_>>>()?;
        let rows = (0..agg.height()).map(|i| (row_key(&texts, i), i)).collect();
        row_of.push(rows);
        for (all, seen) in observed.iter_mut().zip(texts) {
            all.extend(seen);
        }
    }
    for keys in &mut observed {
        keys.sort();
        keys.dedup();
    }
    let domains: Vec<Vec<KeyValue>> = dims
        .iter()
        .zip(&observed)
        .map(|(&d, seen)| domain(d, regions, period, seen))
        .collect();
    Ok(combinations(&domains)
        .into_iter()
        .map(|combo| {
            let key = combination_key(&combo);
            let rows = row_of.iter().map(|r| r.get(&key).copied()).collect();
            (combo.into_iter().cloned().collect(), rows)
        })
        .collect())
}

/// The months (YYYY-MM) from the first to the last month key seen in the
/// aggregations, every month between included.
pub fn observed_months(aggs: &[&DataFrame]) -> PolarsResult<Vec<String>> {
    let mut seen: Vec<String> = Vec::new();
    for agg in aggs {
        let months = key_texts(agg, Dimension::Month)?;
        seen.extend(months.into_iter().filter(|k| !k.is_empty()));
    }
    seen.sort();
    Ok(match (seen.first(), seen.last()) {
        (Some(first), Some(last)) => month_span(first, last),
        _ => Vec::new(),
    })
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
/// The group key of row `i` of an aggregated frame, joined for lookup.
fn row_key(texts: &[Vec<String>], i: usize) -> String {
    let parts: Vec<&str> = texts.iter().map(|t| t[i].as_str()).collect();
    parts.join("\u{1}")
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
    fn region_keys_grouped_as_codes_read_as_the_domain_spells_them() {
        let regions = RegionTable::hubei();
        // A county; a county not given; 仙桃 (a direct unit, no county);
        // a row whose prefecture is not given; the first county again.
        let rows = df!(
            "prefecture_code" => [Some(420100u32), Some(420100), Some(429004), None, Some(420100)],
            "county_code" => [Some(420102u32), None, None, None, Some(420102)],
        )
        .unwrap();
        let texts = |dim: Dimension| {
            let agg = rows
                .clone()
                .lazy()
                .with_column(key_expr(dim, &regions, lit(NULL)))
                .group_by([col(dim.key_column())])
                .agg([len().alias("n")])
                .collect()
                .unwrap();
            let mut got: Vec<String> = key_texts(&agg, dim).unwrap();
            got.sort();
            got
        };
        assert_eq!(
            texts(Dimension::County),
            ["", "420100:", "420100:420102", "429004:429004"]
        );
        assert_eq!(texts(Dimension::Prefecture), ["", "420100", "429004"]);
        let domain = domain(Dimension::County, &regions, &Period::all(), &[]);
        assert!(domain.iter().any(|v| v.key == "429004:429004"));
    }

    #[test]
    fn county_domain_lists_all_103_units_in_code_order() {
        let regions = RegionTable::hubei();
        let d = domain(Dimension::County, &regions, &Period::all(), &[]);
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
        );
        let i = d.iter().position(|v| v.key == "420100:").unwrap();
        assert_eq!(d[i - 1].key, "420100:420117");
        assert_eq!(d[i + 1].key, "420200:420202");
    }

    #[test]
    fn month_domain_spans_the_period() {
        let regions = RegionTable::hubei();
        let p = Period::quarter("2023Q2").unwrap();
        let d = domain(Dimension::Month, &regions, &p, &[]);
        let keys: Vec<_> = d.iter().map(|v| v.key.as_str()).collect();
        assert_eq!(keys, ["2023-04", "2023-05", "2023-06"]);
    }

    #[test]
    fn combinations_cross_every_key() {
        let a = vec![
            KeyValue {
                key: "1".into(),
                label: KeyLabel::NotGiven,
            },
            KeyValue {
                key: "2".into(),
                label: KeyLabel::NotGiven,
            },
        ];
        let b = vec![
            KeyValue {
                key: "x".into(),
                label: KeyLabel::NotGiven,
            },
            KeyValue {
                key: "y".into(),
                label: KeyLabel::NotGiven,
            },
        ];
        let domains = [a, b];
        let combos = combinations(&domains);
        let keys: Vec<String> = combos.iter().map(|c| combination_key(c)).collect();
        assert_eq!(keys, ["1\u{1}x", "1\u{1}y", "2\u{1}x", "2\u{1}y"]);
    }
}
