#!/usr/bin/env bash
# Benchmark: `disputes query` (a group-by and a window query) on the
# 5,000,000-row benchmark file, beside DuckDB reading the Parquet export of
# the same checked table, in one run (see docs/BENCHMARKS.md).
#
#   bash benches/query.sh            # 5,000,000 rows (scale 2000)
#   SCALE=200 bash benches/query.sh  # 500,000 rows
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/disputes-target}"
SCALE="${SCALE:-2000}"
RUNS="${RUNS:-3}"
WORK="${WORK:-$HOME/.cache/disputes-bench}"
OUT=benches/results
mkdir -p "$WORK" "$OUT"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb

cargo build --release --locked
BIN="$CARGO_TARGET_DIR/release/disputes"

DATA="$WORK/scale-$SCALE"
if [ ! -f "$DATA/mediation.csv" ]; then
  "$BIN" sample --out "$DATA" --scale "$SCALE" --from 2023-01 --to 2023-12 --kind mediation
fi
FILE="$DATA/mediation.csv"
export DISPUTES_CACHE_DIR="$WORK/cache"
# The Parquet export DuckDB reads (checked once, here, outside the timing).
"$BIN" export --quiet --mediation "$FILE" --parquet "$WORK/parquet-$SCALE"

GROUP="SELECT prefecture, count(*) AS cases, avg(CASE WHEN is_success THEN 1.0 ELSE 0.0 END) AS rate FROM mediation WHERE is_decided GROUP BY prefecture ORDER BY cases DESC"
WINDOW="SELECT month, prefecture, n, n - lag(n) OVER (PARTITION BY prefecture ORDER BY month) AS change, rank() OVER (PARTITION BY month ORDER BY n DESC) AS place FROM (SELECT month, prefecture, count(*) AS n FROM mediation WHERE month IS NOT NULL GROUP BY month, prefecture) t ORDER BY month, place"

hyperfine --warmup 1 --runs "$RUNS" \
  --export-markdown "$OUT/query.md" --export-json "$OUT/query.json" \
  -n "disputes query group-by, cold (--no-cache)" "$BIN query --no-cache --quiet --mediation $FILE --format csv \"$GROUP\"" \
  -n "disputes query group-by, warm (checked cache)" "$BIN query --quiet --mediation $FILE --format csv \"$GROUP\"" \
  -n "disputes query window, warm" "$BIN query --quiet --mediation $FILE --format csv \"$WINDOW\"" \
  -n "disputes rates --year 2023, warm" "$BIN rates --quiet --mediation $FILE --year 2023 --format csv" \
  -n "duckdb on the Parquet export, group-by" "python3 benches/duckdb_parquet.py $WORK/parquet-$SCALE \"$GROUP\"" \
  -n "duckdb on the Parquet export, window" "python3 benches/duckdb_parquet.py $WORK/parquet-$SCALE \"$WINDOW\""

peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }
{
  echo "disputes query group-by cold peak RSS KiB: $(peak "$BIN" query --no-cache --quiet --mediation "$FILE" --format csv "$GROUP")"
  echo "disputes query window warm peak RSS KiB: $(peak "$BIN" query --quiet --mediation "$FILE" --format csv "$WINDOW")"
  echo "duckdb parquet window peak RSS KiB: $(peak python3 benches/duckdb_parquet.py "$WORK/parquet-$SCALE" "$WINDOW")"
  echo "parquet export bytes: $(du -sb "$WORK/parquet-$SCALE" | cut -f1)"
} | tee "$OUT/query-memory.txt"
cat "$OUT/query.md"
