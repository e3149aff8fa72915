"""Writes the short-cell form of a benchmark file: the same cases, each cell
in the shortest spelling disputes accepts for it, so that the benchmark
also runs on a file like the 541 MB one of ../shared/perf-notes.md.

    python3 benches/short_cells.py IN.csv OUT.csv

- channel, source and outcome: their codes (court, hotline_referral,
  success ...), which the enum columns accept beside the Chinese labels;
- prefecture and county: their 6-digit division codes (src/regions/);
- mediator_org: `M` and a number per organisation;
- received_on and closed_on: yyyymmdd;
- case ids, hotline ticket ids, dispute types, counts and amounts as they
  are.

Every row stays valid and the per-prefecture figures of `disputes rates`
are those of the long file (benches/run.sh compares them).
"""
import sys
from pathlib import Path

import duckdb

REGIONS = Path(__file__).resolve().parent.parent / "src" / "regions" / "hubei_regions.csv"


def main(src, out):
    con = duckdb.connect()
    con.execute(f"CREATE TABLE regions AS SELECT * FROM read_csv('{REGIONS}', all_varchar=true)")
    con.execute(f"""
        COPY (
          WITH m AS (SELECT * FROM read_csv('{src}', all_varchar=true, header=true)),
          orgs AS (SELECT mediator_org, row_number() OVER (ORDER BY mediator_org) AS n
                   FROM (SELECT DISTINCT mediator_org FROM m WHERE mediator_org IS NOT NULL))
          SELECT m.case_id,
                 CASE m.channel WHEN '法院+工会' THEN 'court' WHEN '人社+工会' THEN 'arbitration'
                      ELSE m.channel END AS channel,
                 coalesce(p.code, m.prefecture) AS prefecture,
                 coalesce(c.code, m.county) AS county,
                 CASE m.source WHEN '法院委派' THEN 'court_referral'
                      WHEN '仲裁委派' THEN 'arbitration_referral'
                      WHEN '12351转入' THEN 'hotline_referral'
                      WHEN '当事人申请' THEN 'self' ELSE m.source END AS source,
                 m.hotline_ticket_id, m.dispute_type,
                 CASE WHEN o.n IS NULL THEN NULL ELSE 'M' || o.n END AS mediator_org,
                 replace(m.received_on, '-', '') AS received_on,
                 replace(m.closed_on, '-', '') AS closed_on,
                 CASE m.outcome WHEN '调解成功' THEN 'success' WHEN '调解不成功' THEN 'failure'
                      WHEN '撤回' THEN 'withdrawn' WHEN '进行中' THEN 'pending'
                      ELSE m.outcome END AS outcome,
                 m.workers_involved, m.amount_yuan, m.settled_yuan
          FROM m
          LEFT JOIN regions p ON p.level = 'prefecture' AND p.name = m.prefecture
          LEFT JOIN regions c ON c.level = 'county' AND c.name = m.county
                              AND c.parent_code = p.code
          LEFT JOIN orgs o USING (mediator_org)
          ORDER BY m.received_on, m.case_id
        ) TO '{out}' (HEADER, DELIMITER ',')
    """)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
