#!/usr/bin/env bash
# Every command x format on sample_data/, outputs kept in the folder $1, so
# that a refactor can be checked byte for byte:
#   BIN=old/disputes scripts/snapshot.sh /tmp/before; scripts/snapshot.sh /tmp/after; diff -r /tmp/before /tmp/after
set -u
BIN=${BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/disputes-target}/release/disputes}
FINAL=$1; OUT=/tmp/snap_work; rm -rf "$OUT" "$FINAL"; mkdir -p "$OUT"
cd "$(dirname "$0")/.."
n=0
run() { # name, args...
  local name=$1; shift
  NO_COLOR=1 "$BIN" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; echo "exit $?" >>"$OUT/$name.err"
}
for fmt in table json csv markdown; do
  run validate_$fmt validate --format $fmt
  for lang in zh en; do
    for by in prefecture county channel source dispute_type month prefecture,channel; do
      run rates_${by}_${fmt}_$lang rates --by $by --format $fmt --lang $lang --half 2023H2
    done
    run rates_all_${fmt}_$lang rates --format $fmt --lang $lang
    run rates_sort_${fmt}_$lang rates --by county --sort rate --format $fmt --lang $lang
    run rates_waf_${fmt}_$lang rates --withdrawn-as-failure --baseline 55% --alpha 0.1 --min-cases 20 --format $fmt --lang $lang --month 2023-06
    run rates_filt_${fmt}_$lang rates --prefecture 襄阳,武汉 --channel court --by county --format $fmt --lang $lang
    for by in prefecture county category handling month; do
      run hotline_${by}_${fmt}_$lang hotline --by $by --format $fmt --lang $lang --quarter 2023Q3
    done
    run hotline_sla_${fmt}_$lang hotline --sla-days 3 --from 2023-02-01 --to 2023-05-31 --format $fmt --lang $lang
    run funnel_${fmt}_$lang funnel --format $fmt --lang $lang
    run funnel_county_${fmt}_$lang funnel --by county --link-days 10 --year 2023 --format $fmt --lang $lang
    run funnel_filt_${fmt}_$lang funnel --prefecture 宜昌 --format $fmt --lang $lang
    run query_${fmt}_$lang query "SELECT prefecture, count(*) AS n FROM mediation GROUP BY prefecture ORDER BY n DESC" --format $fmt --lang $lang
  done
done
run query_schema query --schema
for f in xlsx; do
  run rates_xlsx rates --output $OUT/rates.xlsx
  run hotline_xlsx hotline --output $OUT/hotline.xlsx --by county
  run funnel_xlsx funnel --output $OUT/funnel.xlsx
  run validate_xlsx validate --format xlsx --output $OUT/validate.xlsx
  run query_xlsx query "SELECT * FROM mediation LIMIT 20" --output $OUT/query.xlsx
done
run rates_csvfile rates --output $OUT/rates.csv
run validate_rejects validate --rejects $OUT/rejects.csv
run report_default report --out $OUT/rep_default
run report_half report --half 2023H2 --out $OUT/rep_half --counties all
run report_en report --quarter 2023Q2 --lang en --out $OUT/rep_en --generated-at X
run report_filt report --month 2023-06 --prefecture 荆州 --out $OUT/rep_filt
run report_year report --year 2023 --withdrawn-as-failure --out $OUT/rep_year
run err_month rates --month 2023-13
run err_by hotline --by channel
run err_report report --out $OUT/rep_default
mv "$OUT" "$FINAL"; echo done
