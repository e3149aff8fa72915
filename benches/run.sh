#!/usr/bin/env bash
# Benchmark, in one run: `disputes rates --year 2023` cold and warm beside
# DuckDB's bare aggregation on mediation files of 1M, 5M and 20M rows made
# by `disputes sample` (long Chinese cells) and on the 5M file with short
# cells (benches/short_cells.py); on the two 5M files also DuckDB and
# Python Polars doing disputes' job (benches/*_same_job.py); on the 5M long
# file `report` and `query` cold. Peak RSS of one more run of each. Writes
# the figures to benches/results/ (see docs/BENCHMARKS.md).
#
#   bash benches/run.sh                 # every file (20M rows: 3.7 GB, ~25 minutes)
#   FILES="scale-200" bash benches/run.sh   # one quick 500,000-row file
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/disputes-target}"
RUNS="${RUNS:-3}"
WORK="${WORK:-$HOME/.cache/disputes-bench}"
# scale-N: `disputes sample --scale N` (N × 2,494 rows); short-N: that file
# with short cells.
FILES="${FILES:-scale-400 scale-2000 scale-8000 short-2000}"
SAME_JOB="${SAME_JOB:-scale-2000 short-2000}"
COMMANDS="${COMMANDS:-scale-2000}"
OUT="${OUT:-benches/results}"
mkdir -p "$WORK" "$OUT"

# Tools: hyperfine (Debian), DuckDB and Polars for Python (PyPI).
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb
python3 -c 'import polars' 2>/dev/null || pip install -q polars

cargo build --release --locked
BIN="$CARGO_TARGET_DIR/release/disputes"


# The benchmark file NAME, made when missing.
file_of() {
  local name=$1 dir="$WORK/$1"
  if [ ! -f "$dir/mediation.csv" ]; then
    case $name in
      scale-*) "$BIN" sample --quiet --out "$dir" --scale "${name#scale-}" --kind mediation \
                 --from 2023-01 --to 2023-12 >&2 ;;
      short-*) mkdir -p "$dir"
               python3 benches/short_cells.py "$(file_of "scale-${name#short-}")" "$dir/mediation.csv" ;;
    esac
  fi
  echo "$dir/mediation.csv"
}
peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }

# The checked cache in a folder of the benchmark's own; each file's warm-up
# run fills it, so the cached runs are warm and the --no-cache ones cold.
export DISPUTES_CACHE_DIR="$WORK/cache"
GROUP="SELECT prefecture, count(*) AS cases, avg(CASE WHEN is_success THEN 1.0 ELSE 0.0 END) AS rate FROM mediation WHERE is_decided GROUP BY prefecture ORDER BY cases DESC"
{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)'), $(date -u +%FT%TZ)"
} > "$OUT/memory.txt"
for name in $FILES; do
  FILE=$(file_of "$name")
  ROWS=$(($(wc -l < "$FILE") - 1))
  SIZE=$(stat -c %s "$FILE")
  echo "== $name: $FILE, $ROWS rows, $SIZE bytes"
  RATES="$BIN rates --quiet --mediation $FILE --year 2023 --format csv --output $WORK/rates-$name.csv"
  args=(-n "disputes rates, cold (--no-cache)" "${RATES/rates --quiet/rates --quiet --no-cache}"
        -n "disputes rates, warm (checked cache)" "$RATES"
        -n "duckdb, bare aggregation" "python3 benches/duckdb_rates.py $FILE 2023")
  if [[ " $SAME_JOB " == *" $name "* ]]; then
    args+=(-n "duckdb, disputes' job" "python3 benches/duckdb_same_job.py $FILE 2023"
           -n "python polars, disputes' job" "python3 benches/polars_same_job.py $FILE 2023")
  fi
  if [[ " $COMMANDS " == *" $name "* ]]; then
    args+=(-n "disputes report, cold" "$BIN report --quiet --no-cache --force --mediation $FILE --out $WORK/report-$name"
           -n "disputes query group-by, cold" "$BIN query --quiet --no-cache --mediation $FILE --format csv \"$GROUP\"")
  fi
  hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$OUT/rates-$name.md" \
    --export-json "$OUT/rates-$name.json" "${args[@]}"
  {
    echo "[$name] rows: $ROWS, file bytes: $SIZE"
    for ((i = 0; i < ${#args[@]}; i += 3)); do
      # shellcheck disable=SC2086
      echo "[$name] ${args[i+1]} peak RSS KiB: $(peak bash -c "${args[i+2]}")"
    done
  } | tee -a "$OUT/memory.txt"
done
cat "$OUT"/rates-*.md
