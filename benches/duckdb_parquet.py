"""DuckDB (Python package, all cores) answering SQL over the Parquet export
of `disputes export`: the same question `disputes query` answers, for
benches/query.sh.  Usage: duckdb_parquet.py DIR SQL"""
import sys

import duckdb

folder, sql = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute(f"CREATE VIEW mediation AS SELECT * FROM read_parquet('{folder}/mediation.parquet')")
rows = con.execute(sql).fetchall()
print(len(rows))
