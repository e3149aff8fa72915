#!/usr/bin/env bash
# Benchmark: `disputes rates --year 2023` on 5,000,000 mediation rows made by
# `disputes sample`, side by side with the same aggregation in DuckDB, in one
# run. Writes the figures to benches/results/ (see docs/BENCHMARKS.md).
#
#   bash benches/run.sh            # 5,000,000 rows (scale 2000)
#   SCALE=200 bash benches/run.sh  # a quicker 500,000-row run
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/disputes-target}"
SCALE="${SCALE:-2000}"
RUNS="${RUNS:-5}"
WORK="${WORK:-$HOME/.cache/disputes-bench}"
OUT=benches/results
mkdir -p "$WORK" "$OUT"

# Tools: hyperfine (Debian), DuckDB and Polars for Python (PyPI).
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb
python3 -c 'import polars' 2>/dev/null || pip install -q polars

cargo build --release --locked
BIN="$CARGO_TARGET_DIR/release/disputes"

DATA="$WORK/scale-$SCALE"
if [ ! -f "$DATA/mediation.csv" ]; then
  "$BIN" sample --out "$DATA" --scale "$SCALE" --from 2023-01 --to 2023-12 --kind mediation
fi
FILE="$DATA/mediation.csv"
ROWS=$(($(wc -l < "$FILE") - 1))
SIZE=$(stat -c %s "$FILE")
echo "file: $FILE, $ROWS rows, $SIZE bytes"

# The checked cache in a folder of the benchmark's own; the warm-up run
# fills it, so the cached runs below are warm and the --no-cache ones cold.
export DISPUTES_CACHE_DIR="$WORK/cache"
hyperfine --warmup 1 --runs "$RUNS" \
  --export-markdown "$OUT/hyperfine.md" --export-json "$OUT/hyperfine.json" \
  -n "disputes rates, cold (--no-cache)" "$BIN rates --no-cache --mediation $FILE --year 2023 --format csv --output $WORK/rates.csv" \
  -n "disputes rates, warm (checked cache)" "$BIN rates --mediation $FILE --year 2023 --format csv --output $WORK/rates.csv" \
  -n "duckdb, bare aggregation" "python3 benches/duckdb_rates.py $FILE 2023" \
  -n "duckdb, every column read" "python3 benches/duckdb_all_columns.py $FILE" \
  -n "python polars, every column read" "python3 benches/polars_read.py $FILE"

peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }
{
  echo "rows: $ROWS"
  echo "file bytes: $SIZE"
  echo "disputes rates cold peak RSS KiB: $(peak "$BIN" rates --no-cache --mediation "$FILE" --year 2023 --format csv --output "$WORK/rates.csv")"
  echo "disputes rates warm peak RSS KiB: $(peak "$BIN" rates --mediation "$FILE" --year 2023 --format csv --output "$WORK/rates.csv")"
  echo "duckdb bare aggregation peak RSS KiB: $(peak python3 benches/duckdb_rates.py "$FILE" 2023)"
  echo "duckdb every column peak RSS KiB: $(peak python3 benches/duckdb_all_columns.py "$FILE")"
  echo "python polars every column peak RSS KiB: $(peak python3 benches/polars_read.py "$FILE")"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
} | tee "$OUT/memory.txt"
cat "$OUT/hyperfine.md"
