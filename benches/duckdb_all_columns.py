"""DuckDB touching every column of the file, as a validating loader must.

`duckdb_rates.py` is the issue's peer: it reads only the three columns its
aggregation needs. This one makes DuckDB materialise all fourteen (the
summed lengths of every cell), which is the least a tool that checks every
cell of every row has to do.
"""
import sys

import duckdb

path = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO 2")
columns = [
    "case_id", "channel", "prefecture", "county", "source", "hotline_ticket_id",
    "dispute_type", "mediator_org", "received_on", "closed_on", "outcome",
    "workers_involved", "amount_yuan", "settled_yuan",
]
total = " + ".join(f"coalesce(length({c}), 0)" for c in columns)
row = con.execute(
    f"SELECT count(*), sum({total}) FROM read_csv('{path}', all_varchar = true, header = true)"
).fetchone()
print(*row, sep=",")
