"""The peer of `disputes rates --year YEAR`: the same aggregation in DuckDB.

Successes and decided cases (success + failure) per prefecture for cases
closed in YEAR, reading every column as text as a validating loader must.
It does no validation, so it is the floor a careful tool is compared with.
The outcome is matched in both spellings the benchmark files use (the
Chinese label, or its code in benches/short_cells.py's file), and the year
by the closing date's first four characters (2023-06-01 or 20230601).
"""
import sys

import duckdb

path, year = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET threads TO 2")
rows = con.execute(
    f"""
    SELECT prefecture,
           count(*) FILTER (WHERE outcome IN ('调解成功', 'success')) AS successes,
           count(*) FILTER (WHERE outcome IN ('调解成功', '调解不成功', 'success', 'failure')) AS decided
    FROM read_csv('{path}', all_varchar = true, header = true)
    WHERE closed_on LIKE '{year}%'
    GROUP BY prefecture ORDER BY prefecture
    """
).fetchall()
for r in rows:
    print(*r, sep=",")
