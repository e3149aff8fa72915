//! Merging overlapping exports by id.
//!
//! Walking the accepted rows in reading order, a row whose id was seen before
//! is compared with the row kept for that id: same values → the new row is a
//! duplicate; different values → a closed row beats an open one, otherwise
//! the row read later wins, and the loser is superseded. Counts go to the
//! file each row came from.

use polars::prelude::*;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

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

/// The hash a missing id is given (ids are required, so none is missing
/// in checked rows).
const MISSING_ID_HASH: u64 = 0;

/// A 64-bit hash of each id: xxh3 without a seed, the same in every run,
/// so that the hashes a cache entry keeps serve later runs.
fn id_hashes(ids: &Column) -> PolarsResult<Vec<u64>> {
    let ids = ids.cast(&DataType::String)?;
    let ids = ids.str()?;
    // A piece of the column (a block of the file) per task, on all cores.
    let mut hashes = vec![0u64; ids.len()];
    let mut rest = hashes.as_mut_slice();
    let mut tasks = Vec::new();
    for piece in ids.downcast_iter() {
        let (out, after) = rest.split_at_mut(piece.len());
        tasks.push((piece, out));
        rest = after;
    }
    tasks.into_par_iter().for_each(|(piece, out)| {
        for (hash, id) in out.iter_mut().zip(piece.iter()) {
            *hash = id.map_or(MISSING_ID_HASH, |id| xxh3_64(id.as_bytes()));
        }
    });
    Ok(hashes)
}

/// The hashes of one file's ids, sorted: equal ids (within the file and,
/// merged with other files' hashes, across files) are side by side. Made
/// once when a file is read and kept with its checked rows in the cache, so
/// that a warm run does not hash and sort them again.
pub fn sorted_id_hashes(kind: LogKind, rows: &DataFrame) -> PolarsResult<UInt64Chunked> {
    let mut hashes = id_hashes(rows.column(kind.id_column())?)?;
    hashes.par_sort_unstable();
    Ok(UInt64Chunked::from_vec("".into(), hashes))
}

/// The hashes that occur more than once in the files' sorted hashes,
/// ascending and each once.
fn repeated_hashes(files: &[UInt64Chunked]) -> Vec<u64> {
    // A file's hashes come in pieces (a cache entry keeps them as its rows'
    // record batches): one ascending run over its pieces in order.
    fn pieces(f: &UInt64Chunked) -> Vec<&[u64]> {
        f.downcast_iter().map(|a| a.values().as_slice()).collect()
    }
    match files {
        [] => Vec::new(),
        // One file (the common case): its own sorted hashes, not copied.
        [one] => repeats_in(&pieces(one)),
        many => {
            // Several: merged two at a time, each round one pass over all.
            let mut runs: Vec<Vec<u64>> = many.iter().map(|f| pieces(f).concat()).collect();
            while runs.len() > 1 {
                let mut next = Vec::with_capacity(runs.len().div_ceil(2));
                let mut pairs = runs.into_iter();
                while let Some(a) = pairs.next() {
                    next.push(match pairs.next() {
                        Some(b) => merge_sorted(&a, &b),
                        None => a,
                    });
                }
                runs = next;
            }
            repeats_in(&[&runs[0]])
        }
    }
}

/// The values that occur more than once in an ascending run (given in
/// pieces), each once.
fn repeats_in(pieces: &[&[u64]]) -> Vec<u64> {
    let mut repeated = Vec::new();
    let mut previous = None;
    for &hash in pieces.iter().copied().flatten() {
        if previous == Some(hash) && repeated.last() != Some(&hash) {
            repeated.push(hash);
        }
        previous = Some(hash);
    }
    repeated
}

/// Two ascending runs as one.
fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Merges the checked rows of several files of one kind. `files[i]` holds
/// file i's accepted rows; extra columns may differ between files.
/// `sorted_ids[i]` is [`sorted_id_hashes`] of file i.
pub fn merge_files(
    kind: LogKind,
    files: Vec<DataFrame>,
    sorted_ids: &[UInt64Chunked],
) -> PolarsResult<Merged> {
    let n_files = files.len();
    polars_ensure!(
        sorted_ids.len() == n_files,
        ComputeError: "{} files but id hashes of {}", n_files, sorted_ids.len()
    );
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
    // Ids that repeat, found by a 64-bit hash of each id: sorted hashes
    // put equal ones side by side, which needs far less memory than a hash
    // map of 5 million ids. Equal hashes of different ids only make extra
    // candidates: the walk below compares the ids themselves.
    let repeated = repeated_hashes(sorted_ids);
    let (all, repeated) = if repeated.is_empty() {
        // The common case: every id once, nothing to compare.
        (all, None)
    } else {
        let hashes = id_hashes(all.column(id)?)?;
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
    fn repeated_hashes_are_those_seen_twice_within_or_across_files() {
        let mut next = crate::testing::below(0x2545_F491_4F6C_DD1D);
        for round in 0..300 {
            let files: Vec<UInt64Chunked> = (0..1 + next(4))
                .map(|_| {
                    let mut hashes: Vec<u64> = (0..next(40)).map(|_| next(60) as u64).collect();
                    hashes.sort_unstable();
                    // In two pieces (one may be empty), as a cache entry gives them back.
                    let cut = next(hashes.len() + 1);
                    let mut file = UInt64Chunked::from_vec("".into(), hashes[..cut].to_vec());
                    file.append(&UInt64Chunked::from_vec("".into(), hashes[cut..].to_vec()))
                        .unwrap();
                    file
                })
                .collect();
            let mut seen = std::collections::BTreeMap::<u64, usize>::new();
            for file in &files {
                for h in file.into_no_null_iter() {
                    *seen.entry(h).or_default() += 1;
                }
            }
            let expected: Vec<u64> = seen
                .into_iter()
                .filter(|&(_, n)| n > 1)
                .map(|(h, _)| h)
                .collect();
            assert_eq!(repeated_hashes(&files), expected, "round {round}");
        }
    }

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
