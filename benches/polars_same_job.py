r"""Python Polars doing the same job as `disputes rates --no-cache --year YEAR --format csv`.

    python3 benches/polars_same_job.py FILE YEAR > rates.csv

`benches/run.sh` times it as "python polars, disputes' job" beside `disputes
rates --no-cache --mediation FILE --year YEAR --format csv` on the files
named in SAME_JOB (the 5M-row file, long and short cells). Unlike
`polars_read.py` (read, nothing else) it applies the row rules of
docs/data-format.md to every cell, merges by case id and computes the
rates table, printed as the tool's CSV (`same_job_rules.write_rates`):
every prefecture, then the province total.

How: Polars reads every column as text (all cores). As the tool does,
each distinct text of a column that needs parsing (dates, regions, enums)
is parsed once, by Polars expressions over the distinct values, and every
row's cell is then looked up (`replace_strict`); amounts take a fast path
for plain numbers and parse only the other distinct texts. A looked-up
value is null for an empty or blank cell and a marker (BAD_*) for a cell
that does not parse, so "missing" and "unparseable" read off one column.

Checked (as src/ingest/validate.rs, parse.rs, merge.rs and analysis/rates.rs):
- header names and Chinese aliases (spaces and full-width forms ignored),
  any column order, optional columns absent, extra columns ignored;
- a row with more cells than the header is set aside; a total row (合计/
  总计/小计 in its first non-empty cell) is set aside;
- every row rule and the table listed under "The rules both peers check"
  in benches/same_job_rules.py.

Left out (rare, or costly to copy exactly):
- p_value, p_adjusted, verdict, shrunken_rate/low/high and rank: tests on
  the 18 finished rows, not row work (see same_job_rules.RATES_COLUMNS);
- a row with fewer cells than the header, or with more whose extra cells
  are all empty: Polars' reader pads or drops cells without telling, so
  such a row is read as if its cells were empty (the tool sets it aside);
- bytes that are not UTF-8, GBK/GB18030 and UTF-16 files, tab or semicolon
  separators, title rows above the header (it must be line 1), workbooks;
- the tool's lenient quoting: a quote that does not close on its line makes
  Polars' reader fail on the whole file (the tool sets aside that line);
  text after a closing quote is read by Polars' rules;
- the first non-empty cell of the total-row rule is the first non-empty
  one, not the first non-blank (a cell of spaces before 合计 hides it);
- the re-saved id rule is judged over the whole file, not per 32 MiB block.
"""
import sys
from datetime import date
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import same_job_rules as R  # noqa: E402

path, year = sys.argv[1], int(sys.argv[2])
names = R.column_names(path)  # the file's columns as spec names, in file order
# One column more than the header: a row with too many cells fills it.
schema = {n: pl.String for n in names} | {"__extra": pl.String}
frame = pl.read_csv(path, has_header=False, skip_rows=1, schema=schema,
                    truncate_ragged_lines=True, missing_columns="insert")
frame = frame.with_row_index("__row").with_columns(
    pl.lit(None, pl.String).alias(n) for n, _, _ in R.MEDIATION_COLUMNS if n not in names)

BAD_DATE, BAD_CODE, BAD_TEXT, BAD_NUMBER = date(1, 1, 1), -1, "?", float("nan")
NON_BLANK = "[^" + R.WS_CLASS[1:]
FW, ASCII = list(R.FULL_WIDTH), list(R.ASCII)


def fold(v):  # parse.rs `fold`: trimmed, full-width ASCII as ASCII
    return v.str.strip_chars().str.replace_many(FW, ASCII)


def spelling(v):  # region keys: no white space, full width folded
    return v.str.replace_many(FW[:-1] + list(R.WS), ASCII[:-1] + [""] * len(R.WS))


def token(v):  # enum keys: also lower case
    return spelling(v).str.to_lowercase()


def blank_or(v, value):
    """Null for a blank cell, else `value`."""
    return pl.when(v.str.contains(NON_BLANK)).then(value)


def by_value(column, parse, dtype):
    """Parses each distinct cell of `column` once; every row looks its cell up."""
    values = frame.get_column(column).drop_nulls().unique()
    if values.is_empty():
        return pl.lit(None, dtype)
    table = pl.DataFrame({"v": values}).select("v", parse(pl.col("v")).cast(dtype).alias("out"))
    return pl.col(column).replace_strict(table["v"], table["out"], default=None, return_dtype=dtype)


def lookup(keys, bad):
    """A parser that finds a normalised key in `keys` ({key: value})."""
    def parse(v):
        return blank_or(v, v.replace_strict(list(keys), list(keys.values()), default=bad))
    return parse


prefectures, prefecture_keys, county_rows = R.regions()
pref_lk = dict(prefecture_keys)
# A county cell maps to the prefecture it implies (its parent, or itself for
# a prefecture-level unit), 0 for "no county".
county_lk = {k: parent if kind < 2 else 0 for k, kind, _, parent in county_rows}
enum_lk = {}
for column in ["channel", "source", "outcome"]:
    enum_lk[column] = {}
    for k, code in R.enum_keys(column):
        enum_lk[column].setdefault(k, code)  # the first value that spells it


def enum(column):
    return lambda v: lookup(enum_lk[column], BAD_TEXT)(token(v))


def region(keys):
    return lambda v: blank_or(v, lookup(keys, BAD_CODE)(spelling(v)))


def parse_date(v):
    """parse.rs parse_date over distinct texts: Excel serials, then R.YMD."""
    s = fold(v)
    n = s.cast(pl.Float64, strict=False)
    serial = pl.when((n >= 1) & (n == n.floor()) & (n != 60)).then(
        pl.when(n < 60).then(pl.lit(date(1899, 12, 31))).otherwise(pl.lit(date(1899, 12, 30)))
        + pl.duration(days=n.cast(pl.Int64)))
    g = s.str.extract_groups(R.YMD).struct.rename_fields(R.YMD_GROUPS).struct.field
    two = g("y").str.len_chars() == 2
    separators = (((g("s1") == "年") & (g("s2") == "月"))
                  | ((g("s1") == g("s2")) & (g("s1") != "年") & (g("ri") == "")))
    y = pl.coalesce(g("y8"), g("y")).cast(pl.Int32) + pl.when(two).then(2000).otherwise(0)
    ok = (g("rest").str.contains(R.TIME_TAIL) & y.is_between(1900, 2100)
          & (g("y8").is_not_null() | (separators & (~two | (g("s1") != ".")))))
    ymd = pl.when(ok).then(pl.format(
        "{}-{}-{}", y, pl.coalesce(g("m8"), g("m")).str.zfill(2),
        pl.coalesce(g("d8"), g("d")).str.zfill(2)).str.to_date("%Y-%m-%d", strict=False))
    value = pl.when(s.str.contains(R.SERIAL)).then(serial).otherwise(ymd)
    return blank_or(v, value.fill_null(BAD_DATE))


def parse_decimal(v):
    """parse.rs parse_decimal: ¥ in front, 元 behind, commas in thousands groups only."""
    t = fold(v).str.replace(r"^[¥￥]+", "").str.replace(r"元+$", "").str.strip_chars()
    value = pl.when(t.str.contains(R.DECIMAL)).then(
        t.str.replace_all(",", "", literal=True).cast(pl.Float64, strict=False))
    return blank_or(v, value.fill_null(BAD_NUMBER))


def number(column):
    """Plain numbers (1234, 1234.5) cast per row; other texts parsed once each."""
    cells = pl.col(column)
    plain = frame.select(cells.str.contains(r"^[0-9]+(\.[0-9]*)?$")).to_series()
    value = pl.when(pl.lit(plain)).then(cells.cast(pl.Float64))
    if (~plain).any():  # some other texts (null cells are neither)
        value = value.otherwise(by_value(column, parse_decimal, pl.Float64))
    return value


def ident(column):
    """Ids width-folded and trimmed, empty as null (validate.rs fold_ids)."""
    cells = pl.col(column)
    if frame.get_column(column).str.contains(R.NEEDS_FOLD).any():
        cells = cells.str.replace_many(FW, ASCII)
    cells = cells.str.strip_chars()
    return pl.when(cells != "").then(cells)


typed = frame.select(
    "__row",
    (pl.col("__extra").is_not_null()
     | pl.coalesce(names).str.contains(R.TOTAL_ROW).fill_null(False)).alias("structural"),
    ident("case_id").alias("cid"), ident("hotline_ticket_id").alias("hid"),
    by_value("channel", enum("channel"), pl.String).alias("channel"),
    by_value("prefecture", region(pref_lk), pl.Int64).alias("prefecture"),
    by_value("county", region(county_lk), pl.Int64).alias("county"),
    by_value("source", enum("source"), pl.String).alias("source"),
    by_value("dispute_type", lambda v: v.str.contains(NON_BLANK), pl.Boolean).alias("dispute"),
    by_value("received_on", parse_date, pl.Date).alias("received"),
    by_value("closed_on", parse_date, pl.Date).alias("closed"),
    by_value("outcome", enum("outcome"), pl.String).alias("outcome"),
    number("workers_involved").alias("workers"),
    number("amount_yuan").alias("amount"), number("settled_yuan").alias("settled"),
)
del frame

amount_ok = lambda a: a.is_null() | (a.is_between(0, R.MAX_AMOUNT) & ~a.is_nan())  # noqa: E731
w = pl.col("workers")
rules = [
    pl.col("structural"), pl.col("cid").is_null(), pl.col("cid").str.contains(R.MANGLED_ID),
    pl.col("hid").str.contains(R.MANGLED_ID),
    pl.col("channel").is_in([None, BAD_TEXT], nulls_equal=True),
    pl.col("prefecture").is_in([None, BAD_CODE], nulls_equal=True),
    (pl.col("county") == BAD_CODE)
    | ((pl.col("county") > 0) & (pl.col("county") != pl.col("prefecture"))),
    pl.col("source") == BAD_TEXT, ~pl.col("dispute").fill_null(False),
    pl.col("received").is_in([None, BAD_DATE], nulls_equal=True), pl.col("closed") == BAD_DATE,
    pl.col("outcome").is_in([None, BAD_TEXT], nulls_equal=True),
    w.is_not_null() & ~(w.is_between(1, R.MAX_WORKERS) & (w == w.floor())),
    ~amount_ok(pl.col("amount")), ~amount_ok(pl.col("settled")),
    pl.col("settled").is_not_null() & (pl.col("outcome") != "success"),
    (pl.col("outcome") != "pending") & pl.col("closed").is_null(),
    (pl.col("outcome") == "pending") & pl.col("closed").is_not_null(),
    pl.col("closed") < pl.col("received"),
]
bad = pl.any_horizontal([r.fill_null(False) for r in rules])

# Re-saved ids (1.23512E+11 saved again as 123512000000) are rejected only
# in a column whose other ids mostly are not round.
keep = ~bad
for column in ["cid", "hid"]:
    is_round = pl.col(column).str.contains(R.RESAVED_ID)
    n_round, n_other = typed.filter(~pl.col("structural")).select(
        is_round.sum().alias("round"), (~is_round).sum().alias("other")).row(0)
    if n_round and n_other > n_round:
        keep = keep & ~is_round.fill_null(False)

# Merge by case id: a closed copy beats a pending one, otherwise the later
# copy wins (stable sort: pending first, file order kept; then the last).
# As in the tool, only ids that repeat are merged.
kept = typed.filter(keep).with_columns((pl.col("outcome") != "pending").alias("is_closed"))
repeated = kept.get_column("cid").is_duplicated()
if repeated.any():
    kept = pl.concat([kept.filter(~repeated), kept.filter(repeated)
                      .sort("is_closed", maintain_order=True).unique("cid", keep="last")])

start, end = date(year, 1, 1), date(year, 12, 31)
closed_in = pl.col("closed").is_between(start, end) & pl.col("is_closed")
success = closed_in & (pl.col("outcome") == "success")


def fen(a):  # sums of amounts in whole fen, as rates.rs has them
    return (a.fill_null(0) * 100).round(0, mode="half_away_from_zero").cast(pl.Int64)


sums = kept.group_by("prefecture").agg(
    pl.col("received").is_between(start, end).sum().alias("received"),
    success.sum().alias("successes"),
    (closed_in & (pl.col("outcome") == "failure")).sum().alias("failures"),
    (closed_in & (pl.col("outcome") == "withdrawn")).sum().alias("withdrawn"),
    ((pl.col("received") <= end) & ((pl.col("outcome") == "pending") | (pl.col("closed") > end)))
    .sum().alias("pending_at_end"),
    fen(pl.col("amount")).filter(closed_in).sum().alias("amount_fen"),
    (closed_in & pl.col("amount").is_not_null()).sum().alias("amount_cases"),
    fen(pl.col("settled")).filter(success).sum().alias("settled_fen"),
    pl.col("workers").fill_null(0).filter(closed_in).sum().alias("workers"),
)
R.write_rates(prefectures, {r["prefecture"]: r for r in sums.iter_rows(named=True)})
