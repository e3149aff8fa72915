r"""DuckDB doing the same job as `disputes rates --no-cache --year YEAR --format csv`.

    python3 benches/duckdb_same_job.py FILE YEAR > rates.csv

`benches/run.sh` times it as "duckdb, disputes' job" beside `disputes rates
--no-cache --mediation FILE --year YEAR --format csv` on the files named in
SAME_JOB (the 5M-row file, long and short cells). Unlike `duckdb_rates.py`
(three columns, no checks) it reads every column as text and applies the
row rules of docs/data-format.md before it counts, so both sides do the
same work. It prints the rates table as the tool's CSV does
(`same_job_rules.write_rates`): every prefecture, then the province total.

How: one pass over the file (DuckDB's reader, 2 threads) into a table whose
rowid keeps the file's order: per row its case id, typed values and
whether a rule on its region/enum/id cells rejects it. Region and enum
cells are looked up as written, and normalised (width, spaces, case) only
when not found, in ENUM types built from the tool's tables
(benches/same_job_rules.py); dates written 2023-06-01 or 20230601 and
plain numbers are cast. As the tool does, every other date or number text
is parsed once per distinct text, by SQL macros that follow
src/ingest/parse.rs. The date and number rules, the merge by case id and
the per-prefecture sums then run on the typed rows.

Checked (as src/ingest/validate.rs, parse.rs, merge.rs and analysis/rates.rs):
- header names and Chinese aliases (spaces and full-width forms ignored),
  any column order, optional columns absent, extra columns ignored;
- a row with the wrong number of cells, or bytes that are not UTF-8, is
  set aside (DuckDB's ignore_errors); a total row (合计/总计/小计 in its first
  non-blank cell) is set aside;
- every row rule and the table listed under "The rules both peers check"
  in benches/same_job_rules.py.

Left out (rare, or costly to copy exactly):
- p_value, p_adjusted, verdict, shrunken_rate/low/high and rank: tests on
  the 18 finished rows, not row work (see same_job_rules.RATES_COLUMNS);
- GBK/GB18030 and UTF-16 files, tab or semicolon separators, title rows
  above the header (the header must be line 1), workbooks;
- the tool's lenient quoting: from a quote that does not close on its line
  DuckDB reads on to the next quote in the file (to its end if there is
  none) and sets that whole span aside, where the tool sets aside the one
  line; text after a closing quote is an error row here, kept there;
- the re-saved id rule is judged over the whole file, not per 32 MiB block;
- a quoted 合计 cell is a total row here but not in the tool (which looks at
  the raw cell, quote included): such rows break other rules there anyway.
"""
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
import same_job_rules as R  # noqa: E402


def q(text):
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_list(values):
    return "[" + ", ".join(q(v) if isinstance(v, str) else str(v) for v in values) + "]"


path, year = sys.argv[1], int(sys.argv[2])
names = R.column_names(path)  # the file's columns as spec names, in file order
con = duckdb.connect()
con.execute("SET threads TO 2")

# Cell parsers, as SQL macros. CASE, AND, OR and coalesce evaluate an
# argument only for the rows that reach it, so the slow forms cost nothing
# on a file without them. (trim with a set of characters is slow in DuckDB,
# hence the cheap tests in front of it.)
WS = "(" + " || ".join(f"chr({ord(c)})" for c in R.WS) + ")"  # control characters as chr()
NON_BLANK = "[^" + R.WS_CLASS[1:]
CHANGED_BY_SPELLING = R.WS_CLASS[:-1] + r"\x{FF01}-\x{FF5E}]"
PLAIN_NUMBER = r"'[0-9]+(\.[0-9]*)?'"
for macro in [
    # non-blank (else NULL): a first character that is surely not a space, or a regex
    "nb(s) AS CASE WHEN unicode(s) BETWEEN 33 AND 126 OR unicode(s) > 12288 THEN s "
    f"WHEN regexp_matches(s, {q(NON_BLANK)}) THEN s END",
    # parse.rs `fold`: trimmed, full-width ASCII as ASCII
    f"fold(s) AS trim(CASE WHEN regexp_matches(s, {q(R.NEEDS_FOLD)}) "
    f"THEN translate(s, {q(R.FULL_WIDTH)}, {q(R.ASCII)}) ELSE s END, {WS})",
    "ident(s) AS CASE WHEN regexp_full_match(s, '[!-~]+') THEN s ELSE nullif(fold(s), '') END",
    # region keys: no white space, full width folded; enum keys also lower case
    f"spelling(s) AS CASE WHEN regexp_matches(s, {q(CHANGED_BY_SPELLING)}) "
    f"THEN translate(s, {q(R.FULL_WIDTH[:-1])} || {WS}, {q(R.ASCII[:-1])}) ELSE s END",
    "token(s) AS lower(spelling(s))",
    # f: the first non-empty cell; `exact`: the first non-blank one, needed only
    # when f may start with a space
    "total(f, exact) AS CASE WHEN unicode(f) BETWEEN 33 AND 126 OR unicode(f) > 12288 "
    f"THEN contains(f, '计') AND regexp_matches(f, {q(R.TOTAL_ROW)}) "
    f"ELSE coalesce(regexp_matches(exact, {q(R.TOTAL_ROW)}), false) END",
    "mkdate(y, m, d) AS CASE WHEN y BETWEEN 1900 AND 2100 "
    "THEN try_cast(printf('%04d-%02d-%02d', y, m, d) AS DATE) END",
    # Excel serial day numbers: 1 = 1900-01-01, 60 = the 1900-02-29 that never was
    "serial(n) AS CASE WHEN n >= 1 AND n = floor(n) AND n <> 60 THEN CAST(CASE WHEN n < 60 "
    "THEN DATE '1899-12-31' ELSE DATE '1899-12-30' END + CAST(n AS INTEGER) AS DATE) END",
    # g: the groups of R.YMD; the separators must agree as split_ymd has them
    f"ymd(g) AS CASE WHEN NOT regexp_matches(g.rest, {q(R.TIME_TAIL)}) THEN NULL "
    "WHEN g.y8 <> '' THEN mkdate(g.y8::INT, g.m8::INT, g.d8::INT) "
    "WHEN g.y <> '' AND ((g.s1 = '年' AND g.s2 = '月') OR (g.s1 = g.s2 AND g.s1 <> '年' "
    "AND g.ri = '')) AND (length(g.y) = 4 OR g.s1 <> '.') "
    "THEN mkdate(g.y::INT + CASE WHEN length(g.y) = 2 THEN 2000 ELSE 0 END, "
    "g.m::INT, g.d::INT) END",
    f"pdate(s) AS CASE WHEN regexp_matches(fold(s), {q(R.SERIAL)}) "
    "THEN serial(CAST(fold(s) AS DOUBLE)) "
    f"WHEN s IS NOT NULL THEN ymd(regexp_extract(fold(s), {q(R.YMD)}, {R.YMD_GROUPS})) END",
    # parse_decimal: ¥ in front, 元 behind, commas in thousands groups only
    f"pdec(t) AS CASE WHEN regexp_matches(t, {q(R.DECIMAL)}) "
    "THEN try_cast(replace(t, ',', '') AS DOUBLE) END",
    "pnum(s) AS pdec(trim(regexp_replace(regexp_replace(fold(s), '^[¥￥]+', ''), '元+$', ''), "
    f"{WS}))",
    "given(value, s) AS value IS NOT NULL OR nb(s) IS NOT NULL",
]:
    con.execute(f"CREATE TEMP MACRO {macro}")


def lookup(name, mapping, key):
    """`name_of(cell)`: the value of a cell found in `mapping` as written, else
    (only then) by its normalised key `key(cell)`; NULL if neither. The keys
    are an ENUM type, so a look-up is a cast: no join, and the pass stays
    parallel and in file order."""
    con.execute(f"CREATE TYPE {name}_key AS ENUM ({', '.join(q(k) for k in mapping)})")
    con.execute(f"CREATE TEMP MACRO {name}_of(s) AS {sql_list(mapping.values())}"
                f"[enum_code(coalesce(try_cast(s AS {name}_key), "
                f"try_cast({key}(s) AS {name}_key)))::INT + 1]")


prefectures, prefecture_keys, county_rows = R.regions()
lookup("prefecture", dict(prefecture_keys), "spelling")
# A county cell maps to the prefecture it implies (its parent, or itself for
# a prefecture-level unit), 0 for "no county".
lookup("county", {k: parent if kind < 2 else 0 for k, kind, _, parent in county_rows}, "spelling")
for column in ["channel", "source", "outcome"]:
    keys = {}
    for k, code in R.enum_keys(column):
        keys.setdefault(k, code)  # the first value that spells it, as EnumSpec::parse
    lookup(column, keys, "token")
# Dates as 2023-06-01 or 20230601, years 1900..2100: read by a cast. (Not an
# ENUM: a cast that misses one of 146,000 members is slow.)
YEAR = "(19[0-9]{2}|20[0-9]{2}|2100)"
con.execute(f"CREATE TEMP MACRO date_of(s) AS CASE "
            f"WHEN regexp_full_match(s, '{YEAR}-[0-9]{{2}}-[0-9]{{2}}') THEN try_cast(s AS DATE) "
            f"WHEN regexp_full_match(s, '{YEAR}[0-9]{{4}}') "
            "THEN try_cast(s[1:4] || '-' || s[5:6] || '-' || s[7:8] AS DATE) END")

# One pass, parallel and in file order (a table made from one scan keeps its
# rows' order in rowid): per row its id, what the look-ups found, whether a
# rule on those cells rejects it, and the text of the date and number cells
# not read by their fast paths (NULL elsewhere).
absent = "".join(f", NULL::VARCHAR AS {n}" for n, _, _ in R.MEDIATION_COLUMNS if n not in names)
columns = "{" + ", ".join(f"{q(n)}: 'VARCHAR'" for n in names) + "}"
source = (f"read_csv({q(path)}, header = true, auto_detect = false, columns = {columns}, "
          "delim = ',', quote = '\"', escape = '\"', ignore_errors = true)")
first_cell = f"coalesce({', '.join(names)}), coalesce({', '.join(f'nb({n})' for n in names)})"


def date_cell(cell, name):
    return (f"date_of({cell}) AS {name}, CASE WHEN {name} IS NULL THEN {cell} END AS {name}_text")


def number_cell(cell, name):
    return (f"CASE WHEN regexp_full_match({cell}, {PLAIN_NUMBER}) THEN CAST({cell} AS DOUBLE) END "
            f"AS {name}, CASE WHEN {name} IS NULL THEN {cell} END AS {name}_text")


con.execute(f"""
CREATE TEMP TABLE typed AS
SELECT total({first_cell}) AS structural,
       ident(case_id) AS cid, regexp_matches(cid, {q(R.RESAVED_ID)}) AS cid_round,
       regexp_matches(ident(hotline_ticket_id), {q(R.RESAVED_ID)}) AS hid_round,
       prefecture_of(prefecture) AS prefecture_code, outcome_of(outcome) AS outcome_code,
       coalesce(structural OR cid IS NULL OR regexp_matches(cid, {q(R.MANGLED_ID)})
         OR regexp_matches(ident(hotline_ticket_id), {q(R.MANGLED_ID)})
         OR channel_of(channel) IS NULL OR prefecture_code IS NULL OR outcome_code IS NULL
         OR nb(dispute_type) IS NULL
         -- county_of: the prefecture the county implies, 0 for none, NULL if unknown
         OR (county_of(county) NOT IN (0, prefecture_code))
         OR (county_of(county) IS NULL AND spelling(county) <> '')
         OR (source_of(source) IS NULL AND token(source) <> ''), false) AS early_bad,
       {date_cell('received_on', 'received')}, {date_cell('closed_on', 'closed')},
       {number_cell('workers_involved', 'workers')}, {number_cell('amount_yuan', 'amount')},
       {number_cell('settled_yuan', 'settled')}
FROM (SELECT *{absent} FROM {source})
""")
# The other date and number texts: each distinct one parsed once.
con.execute("""CREATE TEMP TABLE text_dates AS SELECT v, pdate(v) AS d FROM (
  SELECT received_text AS v FROM typed UNION SELECT closed_text FROM typed) WHERE v IS NOT NULL""")
con.execute("""CREATE TEMP TABLE text_numbers AS SELECT v, pnum(v) AS n FROM (
  SELECT workers_text AS v FROM typed UNION SELECT amount_text FROM typed
  UNION SELECT settled_text FROM typed) WHERE v IS NOT NULL""")

# Re-saved ids (1.23512E+11 saved again as 123512000000) are rejected only
# in a column whose other ids mostly are not round.
round_c, other_c, round_h, other_h = con.execute("""
  SELECT count(*) FILTER (cid_round), count(*) FILTER (NOT cid_round),
         count(*) FILTER (hid_round), count(*) FILTER (NOT hid_round)
  FROM typed WHERE NOT structural""").fetchone()
keep = "NOT bad"
if round_c and other_c > round_c:
    keep += " AND NOT coalesce(cid_round, false)"
if round_h and other_h > round_h:
    keep += " AND NOT coalesce(hid_round, false)"

# The rules on dates and numbers; the merge by case id (a closed copy beats
# a pending one, else the later copy wins); the per-prefecture sums.
start, end = f"DATE '{year}-01-01'", f"DATE '{year}-12-31'"
rows = con.execute(f"""
WITH parsed AS (
  SELECT t.rowid, t.* REPLACE (
           coalesce(t.received, rd.d) AS received, coalesce(t.closed, cd.d) AS closed,
           coalesce(t.workers, wn.n) AS workers, coalesce(t.amount, an.n) AS amount,
           coalesce(t.settled, sn.n) AS settled)
  FROM typed t
  LEFT JOIN text_dates rd ON rd.v = t.received_text
  LEFT JOIN text_dates cd ON cd.v = t.closed_text
  LEFT JOIN text_numbers wn ON wn.v = t.workers_text
  LEFT JOIN text_numbers an ON an.v = t.amount_text
  LEFT JOIN text_numbers sn ON sn.v = t.settled_text),
checked AS (
  SELECT *, coalesce(early_bad OR received IS NULL
    OR (closed IS NULL AND nb(closed_text) IS NOT NULL)
    OR (given(workers, workers_text) AND (workers IS NULL OR workers <> floor(workers)
                                          OR workers < 1 OR workers > {R.MAX_WORKERS}))
    OR (given(amount, amount_text) AND (amount IS NULL OR amount < 0 OR amount > {R.MAX_AMOUNT}))
    OR (given(settled, settled_text) AND (settled IS NULL OR settled < 0
                                          OR settled > {R.MAX_AMOUNT} OR outcome_code <> 'success'))
    OR (outcome_code <> 'pending' AND NOT given(closed, closed_text))
    OR (outcome_code = 'pending' AND given(closed, closed_text))
    OR closed < received, false) AS bad
  FROM parsed),
kept AS (
  SELECT arg_max({{'prefecture': prefecture_code, 'outcome': outcome_code, 'received': received,
                   'closed': closed, 'amount': amount, 'settled': settled,
                   'workers': CAST(workers AS BIGINT)}},
                 CASE WHEN outcome_code <> 'pending' THEN rowid + 1099511627776 ELSE rowid END) AS r
  FROM checked WHERE {keep} GROUP BY cid),
rows AS (SELECT r.*, r.closed BETWEEN {start} AND {end} AND r.outcome <> 'pending' AS closed_in
         FROM kept)
SELECT prefecture,
       count(*) FILTER (received BETWEEN {start} AND {end}) AS received,
       count(*) FILTER (closed_in AND outcome = 'success') AS successes,
       count(*) FILTER (closed_in AND outcome = 'failure') AS failures,
       count(*) FILTER (closed_in AND outcome = 'withdrawn') AS withdrawn,
       count(*) FILTER (received <= {end} AND (outcome = 'pending' OR closed > {end}))
         AS pending_at_end,
       sum(CAST(round(coalesce(amount, 0) * 100) AS BIGINT)) FILTER (closed_in) AS amount_fen,
       count(amount) FILTER (closed_in) AS amount_cases,
       sum(CAST(round(coalesce(settled, 0) * 100) AS BIGINT))
         FILTER (closed_in AND outcome = 'success') AS settled_fen,
       sum(coalesce(workers, 0)) FILTER (closed_in) AS workers
FROM rows GROUP BY prefecture
""")
columns = [d[0] for d in rows.description]
sums = {r[0]: dict(zip(columns, r)) for r in rows.fetchall()}
R.write_rates(prefectures, sums)
