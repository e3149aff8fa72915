r"""The spec's tables for the `same_job` benchmark peers, in plain Python.

Shared by `duckdb_same_job.py` and `polars_same_job.py` so that both check
rows by the same rules: the mediation columns and their Chinese header
aliases (docs: ../shared/spec/log-formats.md), the enum spellings
(src/ingest/schema.rs), the region look-ups built from the region table
(src/regions/, as `RegionTable::lookup_prefecture` / `lookup_county` read
it), and the regular expressions for dates and amounts (src/ingest/parse.rs).
Building these takes a few milliseconds; the row work is in the peers.
The regular expressions are written for both engines' dialects (RE2 in
DuckDB, Rust's regex crate in Polars): no `\s` where Unicode spaces matter
(RE2's is ASCII only), `\x{...}` escapes, `(?s:...)` groups.

`write_rates` prints the finished table as `disputes rates --format csv`
does, from the per-prefecture sums either peer computed.

The rules both peers check (as src/ingest/validate.rs, parse.rs, merge.rs
and analysis/rates.rs do):
- case_id required, width-folded and trimmed; an id in scientific notation
  (case_id or hotline_ticket_id) rejects the row, and so does a re-saved
  round id (12+ digits ending 00000) where most ids of the column are not;
- channel, outcome, source: every accepted spelling, case/width/space
  insensitive; prefecture and county: names, short names, historic names,
  former codes, 6-digit codes, 湖北省 in front, 武汉市江岸区, 市本级, a
  county repeating its prefecture-level unit; a county outside its
  prefecture rejects the row;
- dates in every form of parse.rs: 2023-06-01, 2023/6/1, 2023.6.1,
  2023年6月1日, 20230601, 23-12-20, 23年12月20日, Excel serials (1900 leap bug
  included), a time after the date, full-width digits, 1900..2100 only;
- amounts as parse_decimal reads them (1,234.50, ¥800, 800元, thousands
  groups only), 0..1e9; workers a whole number 1..100000;
- closed_on required unless pending and empty when pending; closed_on not
  before received_on; settled_yuan only on successful cases; dispute_type
  required;
- merge by case id: a closed copy beats a pending one, otherwise the copy
  read later wins (same values: either copy, the same figures);
- the table: received (by received_on), closed/successes/failures/
  withdrawn (by closed_on), decided, success_rate, Wilson 95% interval,
  pending_at_end, amount_yuan/amount_cases/settled_yuan (sums in fen),
  workers; every prefecture shown, the province total last.
"""
import csv
import math
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (name, aliases, required), in spec order.
MEDIATION_COLUMNS = [
    ("case_id", ["案件编号", "案号"], True),
    ("channel", ["对接渠道", "渠道"], True),
    ("prefecture", ["市州", "所属市州", "地市"], True),
    ("county", ["县市区", "区县", "所属区县"], False),
    ("source", ["案件来源"], False),
    ("hotline_ticket_id", ["热线工单编号"], False),
    ("dispute_type", ["纠纷类型"], True),
    ("mediator_org", ["调解组织"], False),
    ("received_on", ["受理日期", "委派日期"], True),
    ("closed_on", ["结案日期"], False),
    ("outcome", ["调解结果"], True),
    ("workers_involved", ["涉及职工人数"], False),
    ("amount_yuan", ["涉案金额", "涉案金额(元)"], False),
    ("settled_yuan", ["调解金额", "调解金额(元)"], False),
]

# Enum column -> {canonical code: [label and other spellings]}.
ENUMS = {
    "channel": {"court": ["法院+工会", "法院＋工会", "诉调对接", "法院"],
                "arbitration": ["人社+工会", "人社＋工会", "裁调对接", "人社", "仲裁"]},
    "source": {"court": ["法院委派", "court_referral"],
               "arbitration": ["仲裁委派", "arbitration_referral"],
               "hotline": ["12351转入", "12351", "热线转入", "hotline_referral"],
               "application": ["当事人申请", "party_application", "self"]},
    "outcome": {"success": ["调解成功", "成功", "successful", "succeeded"],
                "failure": ["调解不成功", "调解失败", "不成功", "失败", "failed", "fail",
                            "unsuccessful"],
                "withdrawn": ["撤回", "已撤回", "撤诉", "withdrew", "withdraw"],
                "pending": ["进行中", "调解中", "办理中", "open", "in_progress", "ongoing"]},
}

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, as ASCII.
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
ASCII = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + " "
SPACES = " \t\r\n\u3000"
# What Rust's `trim` and `char::is_whitespace` take as white space (Unicode
# White_Space), as characters and as a regex class for either engine.
WS = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"
WS_CLASS = (r"[\t\n\x{0B}\x{0C}\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}"
            r"\x{202F}\x{205F}\x{3000}]")
NEEDS_FOLD = r"[\x{3000}\x{FF01}-\x{FF5E}]"          # a cell `fold` would change

MANGLED_ID = r"^[0-9]*\.?[0-9]+[eE][+-]?[0-9]+$"   # 4.20106E+17
RESAVED_ID = r"^[0-9]{7,}0{5}$"                     # what is left of it once re-saved
TOTAL_ROW = rf"^{WS_CLASS}*[合总小]{WS_CLASS}*计"   # on the first non-blank cell
# Year-first dates (2023-6-1, 2023/6/1, 2023.6.1, 2023年6月1日, 23-12-20) or
# yyyymmdd, then whatever follows (checked against TIME_TAIL). The regex
# alone is looser than parse.rs: a peer must also check that both
# separators agree (年…月, or the same one of -/.), that 日 follows only 年…月,
# that a two-digit year is not followed by `.`, and 1900 <= year <= 2100.
YMD = (r"^(?:([0-9]{4}|[0-9]{2})([-/.年])([0-9]{1,2})([-/.月])([0-9]{1,2})(日?)"
       r"|([0-9]{4})([0-9]{2})([0-9]{2}))((?s:.*))$")
YMD_GROUPS = ["y", "s1", "m", "s2", "d", "ri", "y8", "m8", "d8", "rest"]
# After the date: nothing, or a `T` and/or spaces, then a time that a date
# column drops (parse.rs strips one `T`, then leading spaces).
TIME_TAIL = (rf"^T?{WS_CLASS}*(([01]?[0-9]|2[0-3]):[0-5]?[0-9]"
             r"(:[0-5]?[0-9](\.[^:]*)?)?)?$")
SERIAL = r"^[0-9]{1,5}(\.[0-9]+)?$"                 # an Excel serial day number
# What parse_decimal accepts once ¥/元 and spaces are off: commas only in
# thousands groups of the whole part (the fraction may hold any, as there).
DECIMAL = r"^[+-]?([0-9]{1,3}(,[0-9]{3})*(\.[0-9,]*)?|[0-9]+(\.[0-9]*)?|\.[0-9]+)$"
MAX_WORKERS, MAX_AMOUNT = 100_000, 1e9


def fold(s):
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in s)


def spelling(s):
    """A region name or code as the tables key it: no spaces, full width folded."""
    return "".join(c for c in fold(s) if not c.isspace())


def token(s):
    """An enum value as compared: `spelling`, lower case."""
    return spelling(s).lower()


def header_key(s):
    return "".join(c for c in token(s) if c.isalnum())


def enum_keys(column):
    """[(normalised spelling, code)] for an enum column."""
    return [(token(s), code) for code, spellings in ENUMS[column].items()
            for s in [code, *spellings]]


def column_names(path):
    """The file's header (line 1) as spec names; unknown columns as `extra_N`."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    by_key = {header_key(a): name for name, aliases, _ in MEDIATION_COLUMNS
              for a in [name, *aliases]}
    names = [by_key.get(header_key(h), f"extra_{i}") for i, h in enumerate(header)]
    missing = [n for n, _, req in MEDIATION_COLUMNS if req and n not in names]
    if missing or len(set(names)) < len(names):
        sys.exit(f"{path}: header lacks {missing} or names a column twice")
    return names


def regions():
    """Prefecture list and the two look-ups a row's region cells go through.

    Returns (prefectures [(code, name)], prefecture keys [(key, code)],
    county keys [(key, kind, code, parent)]) where kind is 0 a county,
    1 a prefecture-level unit written in the county column, 2 "no county".
    """
    src = REPO / "src" / "regions"
    with open(src / "hubei_regions.csv", encoding="utf-8-sig") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["level"] == "county", int(r["code"])))
    pref, county, parent, names = {}, {}, {}, []
    for r in rows:
        code = int(r["code"])
        keys = [spelling(r["name"]), spelling(r["short_name"] or r["name"]), f"{code:06}"]
        if r["level"] == "prefecture":
            names.append((code, r["name"]))
            pref.update((k, code) for k in keys)
        else:
            parent[code] = int(r["parent_code"])
            county.update((k, (0, code)) for k in keys)
    stems = defaultdict(list)
    for code in parent:
        name = spelling(next(r["name"] for r in rows if int(r["code"]) == code))
        if name[-1] in "市县区" and len(name) > 2:
            stems[name[:-1]].append(code)
    for stem, codes in stems.items():
        if len(codes) == 1 and stem not in county:
            county[stem] = (0, codes[0])
    for word in ["市本级", "本级", "市直", "州本级"]:
        county.setdefault(word, (2, None))
    with open(src / "hubei_region_aliases.csv", encoding="utf-8-sig") as f:
        for a in csv.DictReader(f):
            code = int(a["code"])
            if code in parent:
                county[spelling(a["alias"])] = (0, code)
            else:
                pref[spelling(a["alias"])] = code

    def lookup_county(k):
        if k in county:
            return county[k]
        if k in pref:
            return (1, pref[k])
        for ps, p in pref.items():  # 武汉市江岸区: a prefecture, then one of its counties
            m = county.get(k[len(ps):]) if k.startswith(ps) else None
            if m and m[0] == 0 and parent[m[1]] == p:
                return m
        return None

    provinces = ["湖北省", "湖北"]  # stripped from the front: 湖北省武汉市
    compound = [ps + cs for ps, p in pref.items() for cs, (kind, c) in county.items()
                if kind == 0 and parent[c] == p]
    base = set(county) | set(pref) | set(compound)
    pref_keys = dict(pref)
    county_keys = {k: lookup_county(k) for k in base}
    for p in provinces:
        pref_keys.update((p + k, c) for k, c in pref.items() if p + k not in pref_keys)
        county_keys.update((p + k, county_keys[k]) for k in base if p + k not in county_keys)
    county_rows = [(k, kind, code, parent.get(code) if kind == 0 else code)
                   for k, (kind, code) in county_keys.items()]
    return names, sorted(pref_keys.items()), county_rows


# The table `disputes rates --format csv` prints (src/analysis/rates.rs,
# src/tables/rates.rs), minus the columns left out: p_value, p_adjusted,
# verdict, shrunken_rate/low/high and rank are tests on the 18 finished rows
# (they need scipy's binomial test, 1-2 s of import, and an empirical-Bayes
# fit) and cost the same whoever does the row work.
RATES_COLUMNS = ["prefecture_code", "prefecture", "received", "closed", "successes", "failures",
                 "withdrawn", "decided", "success_rate", "ci_low", "ci_high", "pending_at_end",
                 "amount_yuan", "amount_cases", "settled_yuan", "workers", "row"]
SUMS = ["received", "successes", "failures", "withdrawn", "pending_at_end", "amount_fen",
        "amount_cases", "settled_fen", "workers"]
Z95 = 1.9599639845400536  # the 0.975 normal quantile as src/stats/wilson.rs computes it (AS241)


def number(f):
    """A float as the CSV renderer writes it (render::shortest_number): the
    shortest digits that read back, in exponent form below 1e-5 or from 1e16."""
    d = Decimal(repr(f))  # repr: the shortest digits
    if f != 0 and (abs(f) < 1e-5 or abs(f) >= 1e16):
        sign, digits, exp = d.normalize().as_tuple()
        head, tail = str(digits[0]), "".join(map(str, digits[1:]))
        return f"{'-' if sign else ''}{head}{'.' + tail if tail else ''}e{exp + len(digits) - 1}"
    text = format(d, "f")
    return text[:-2] if text.endswith(".0") else text


def wilson(s, n):
    if n == 0:
        return None, None
    p = s / n
    q = 1.0 - p
    z2 = Z95 * Z95
    denom = 2.0 * (n + z2)
    center = (2.0 * n * p + z2) / denom
    delta = Z95 / denom * math.sqrt(4.0 * n * p * q + z2)
    low = 0.0 if s == 0 else center - delta
    high = 1.0 if s == n else center + delta
    return min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)


def write_rates(prefectures, sums, out=sys.stdout):
    """The per-prefecture table and the province total, every prefecture shown.

    `sums`: {prefecture code: {name in SUMS: value}} over the merged rows;
    amounts in whole fen (分), as rates.rs sums them.
    """
    w = csv.writer(out, lineterminator="\n")
    w.writerow(RATES_COLUMNS)
    total = dict.fromkeys(SUMS, 0)
    total["amount_yuan"] = total["settled_yuan"] = 0.0
    rows = []
    for code, name in prefectures:
        r = {k: int(sums.get(code, {}).get(k) or 0) for k in SUMS}
        r["amount_yuan"], r["settled_yuan"] = r["amount_fen"] / 100.0, r["settled_fen"] / 100.0
        for k in total:
            total[k] += r[k]
        rows.append((str(code), name, r, "group"))
    rows.append(("", "全省合计", total, "total"))
    for code, name, r, kind in rows:
        decided = r["successes"] + r["failures"]
        closed = decided + r["withdrawn"]
        low, high = wilson(r["successes"], decided)
        rate = r["successes"] / decided if decided else None
        cells = [code, name, r["received"], closed, r["successes"], r["failures"], r["withdrawn"],
                 decided, rate, low, high, r["pending_at_end"], r["amount_yuan"],
                 r["amount_cases"], r["settled_yuan"], r["workers"], kind]
        w.writerow(["" if c is None else number(c) if isinstance(c, float) else c for c in cells])
