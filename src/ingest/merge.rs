//! Merging overlapping exports by id.
//!
//! Walking the accepted rows in reading order, a row whose id was seen before
//! is compared with the row kept for that id: same values → the new row is a
//! duplicate; different values → a closed row beats an open one, otherwise
//! the row read later wins, and the loser is superseded. Counts go to the
//! file each row came from.

use polars::prelude::*;
use rayon::slice::ParallelSliceMut;

use super::schema::LogKind;

/// Column naming the file (index in reading order) a row came from.
pub const FILE: &str = "__file";
const ORDER: &str = "__order";
const KEY: &str = "__values";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeFate {
    Kept,
    Duplicate,
    Superseded,
}

/// Per input file (same order as given): rows that survive, duplicates, superseded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    pub accepted: usize,
    pub duplicates: usize,
    pub superseded: usize,
}

pub struct Merged {
    pub rows: DataFrame,
    pub counts: Vec<MergeCounts>,
}

/// The spec rule applied to one id's rows in reading order: each row's
/// values key (equal keys = same values) and whether it is closed.
pub fn merge_fates(rows: &[(&str, bool)]) -> Vec<MergeFate> {
    let mut fates = vec![MergeFate::Kept; rows.len()];
    let mut kept = 0;
    for i in 1..rows.len() {
        let (values, closed) = rows[i];
        let (kept_values, kept_closed) = rows[kept];
        if values == kept_values {
            fates[i] = MergeFate::Duplicate;
        } else if kept_closed && !closed {
            fates[i] = MergeFate::Superseded;
        } else {
            fates[kept] = MergeFate::Superseded;
            kept = i;
        }
    }
    fates
}

/// Whether a row is closed (beats an open one).
fn closed_expr(kind: LogKind) -> Expr {
    match kind {
        LogKind::Hotline => col("status").eq(lit("closed")),
        LogKind::Mediation => col("outcome").neq(lit("pending")),
    }
}

/// Merges the checked rows of several files of one kind. `files[i]` holds
/// file i's accepted rows; extra columns may differ between files.
pub fn merge_files(kind: LogKind, files: Vec<DataFrame>) -> PolarsResult<Merged> {
    let n_files = files.len();
    let frames = align_columns(files)?;
    let mut lazy: Vec<LazyFrame> = Vec::new();
    for (i, df) in frames.into_iter().enumerate() {
        lazy.push(
            df.lazy()
                .with_column(lit(i as u32).cast(DataType::UInt32).alias(FILE)),
        );
    }
    if lazy.is_empty() {
        return Ok(Merged {
            rows: DataFrame::empty(),
            counts: Vec::new(),
        });
    }
    let all = concat(lazy, UnionArgs::default())?.collect()?;

    let id = kind.id_column();
    // Ids that repeat, found by a 64-bit hash of each id: sorting the
    // hashes puts equal ones side by side, which needs far less memory
    // than a hash map of 5 million ids (and one vector of them at a time).
    // Equal hashes of different ids only make extra candidates: the walk
    // below compares the ids themselves.
    // One random state for both hashings: each new one has its own seed.
    let state = PlSeedableRandomStateQuality::default();
    let hash_ids = |hashes: &mut Vec<u64>| all.column(id)?.vec_hash(state.clone(), hashes);
    let mut sorted = Vec::with_capacity(all.height());
    hash_ids(&mut sorted)?;
    sorted.par_sort_unstable();
    let mut repeated: Vec<u64> = sorted
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    drop(sorted);
    repeated.dedup();
    let (all, repeated) = if repeated.is_empty() {
        // The common case: every id once, nothing to compare.
        (all, None)
    } else {
        let mut hashes = Vec::with_capacity(all.height());
        hash_ids(&mut hashes)?;
        let candidates: BooleanChunked = hashes
            .iter()
            .map(|h| repeated.binary_search(h).is_ok())
            .collect();
        let all = all.with_row_index(ORDER.into(), None)?;
        let repeated = all.filter(&candidates)?;
        (all, Some(repeated))
    };

    let mut counts = vec![MergeCounts::default(); n_files];
    let mut losers: Vec<IdxSize> = Vec::new();
    if let Some(repeated) = repeated {
        // Equal values ⇔ equal text key over every spec column, normalised
        // (codes, canonical enums, dates as dates, empty as missing).
        let spec_columns: Vec<Expr> = kind
            .columns()
            .iter()
            .map(|c| match c.ty {
                super::schema::ColumnType::Region(crate::regions::Level::Prefecture) => {
                    "prefecture_code"
                }
                super::schema::ColumnType::Region(crate::regions::Level::County) => "county_code",
                _ => c.name,
            })
            .map(|name| col(name).cast(DataType::String).fill_null(lit("\u{1}")))
            .collect();
        let keyed = repeated
            .lazy()
            .sort([id, ORDER], SortMultipleOptions::default())
            .select([
                col(id),
                col(ORDER),
                col(FILE),
                closed_expr(kind).fill_null(lit(false)).alias("__closed"),
                concat_str(spec_columns, "\u{2}", false).alias(KEY),
            ])
            .collect()?;
        let ids = keyed.column(id)?.str()?;
        let orders = keyed.column(ORDER)?.idx()?;
        let file_of = keyed.column(FILE)?.u32()?;
        let closed = keyed.column("__closed")?.bool()?;
        let keys = keyed.column(KEY)?.str()?;
        let n = keyed.height();
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && ids.get(end) == ids.get(start) {
                end += 1;
            }
            let group: Vec<(&str, bool)> = (start..end)
                .map(|i| (keys.get(i).unwrap_or(""), closed.get(i).unwrap_or(false)))
                .collect();
            for (k, fate) in merge_fates(&group).into_iter().enumerate() {
                let i = start + k;
                let file = file_of.get(i).unwrap_or(0) as usize;
                match fate {
                    MergeFate::Kept => {}
                    MergeFate::Duplicate => counts[file].duplicates += 1,
                    MergeFate::Superseded => counts[file].superseded += 1,
                }
                if fate != MergeFate::Kept {
                    losers.push(orders.get(i).unwrap_or(0));
                }
            }
            start = end;
        }
    }

    // Without losers the rows are kept as they are, not copied (the order
    // column, added only when ids repeat, is dropped if there).
    let rows = if losers.is_empty() {
        all.drop_many([ORDER])
    } else {
        let losers = Series::new("losers".into(), losers);
        all.lazy()
            .filter(col(ORDER).is_in(lit(losers).implode(false), false).not())
            .drop(cols([ORDER]))
            .collect()?
    };
    let per_file = rows.column(FILE)?.u32()?;
    for f in per_file.into_no_null_iter() {
        counts[f as usize].accepted += 1;
    }
    Ok(Merged { rows, counts })
}

/// Gives every frame the same columns in the same order (extra columns of
/// one file are null in the others).
fn align_columns(files: Vec<DataFrame>) -> PolarsResult<Vec<DataFrame>> {
    let mut schema: Vec<(PlSmallStr, DataType)> = Vec::new();
    for df in &files {
        for field in df.schema().iter_fields() {
            if !schema.iter().any(|(n, _)| *n == field.name) {
                schema.push((field.name.clone(), field.dtype.clone()));
            }
        }
    }
    files
        .into_iter()
        .map(|df| {
            let exprs: Vec<Expr> = schema
                .iter()
                .map(|(name, dtype)| {
                    if df.schema().contains(name) {
                        col(name.clone())
                    } else {
                        lit(NULL).cast(dtype.clone()).alias(name.clone())
                    }
                })
                .collect();
            df.lazy().select(exprs).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use MergeFate::*;

    #[test]
    fn identical_copy_is_a_duplicate_and_the_first_is_kept() {
        assert_eq!(
            merge_fates(&[("a", true), ("a", true)]),
            vec![Kept, Duplicate]
        );
    }

    #[test]
    fn closed_row_beats_an_earlier_open_one() {
        assert_eq!(
            merge_fates(&[("open", false), ("closed", true)]),
            vec![Superseded, Kept]
        );
    }

    #[test]
    fn closed_row_beats_a_later_open_one() {
        assert_eq!(
            merge_fates(&[("closed", true), ("open", false)]),
            vec![Kept, Superseded]
        );
    }

    #[test]
    fn later_row_wins_between_two_closed() {
        assert_eq!(
            merge_fates(&[("a", true), ("b", true)]),
            vec![Superseded, Kept]
        );
    }

    #[test]
    fn later_row_wins_between_two_open() {
        assert_eq!(
            merge_fates(&[("a", false), ("b", false)]),
            vec![Superseded, Kept]
        );
    }

    #[test]
    fn a_copy_of_a_superseded_row_is_compared_with_the_kept_one() {
        // C1, C2, C1 again: the third differs from the kept C2, and wins as later.
        assert_eq!(
            merge_fates(&[("c1", true), ("c2", true), ("c1", true)]),
            vec![Superseded, Superseded, Kept]
        );
        // O, C, O again: the open copy loses to the kept closed row.
        assert_eq!(
            merge_fates(&[("o", false), ("c", true), ("o", false)]),
            vec![Superseded, Kept, Superseded]
        );
    }
}
