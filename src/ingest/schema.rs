//! The two log kinds: their columns, Chinese aliases, types and enums, and
//! how a file's header is matched to them.

use super::reader::{CellRole, HeaderFound};
use crate::messages::{self, Message};
use crate::regions::{Level, fold_full_width};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogKind {
    Hotline,
    Mediation,
}

impl LogKind {
    pub fn name(self) -> &'static str {
        match self {
            LogKind::Hotline => "hotline",
            LogKind::Mediation => "mediation",
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            LogKind::Hotline => HOTLINE_COLUMNS,
            LogKind::Mediation => MEDIATION_COLUMNS,
        }
    }

    /// The Chinese name of a column written with its English name
    /// (`category` → 诉求类型), for Chinese readers.
    pub fn chinese_name(self, header: &str) -> Option<&'static str> {
        self.columns()
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(header.trim()))
            .and_then(|c| c.aliases.first().copied())
    }

    pub fn id_column(self) -> &'static str {
        match self {
            LogKind::Hotline => "ticket_id",
            LogKind::Mediation => "case_id",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Unique id; rejected when Excel has turned it into scientific notation.
    Id,
    Text,
    Region(Level),
    Enum(&'static EnumSpec),
    Date,
    DateTime,
    /// Whole number, at least 1.
    Count,
    /// Decimal, at least 0.
    Amount,
    /// Personal data: kept as its digits, printed masked.
    Phone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub ty: ColumnType,
    pub required: bool,
}

/// An enum column: canonical values, each with the spellings accepted for it
/// (compared after [`normalize_token`]).
#[derive(Debug, PartialEq, Eq)]
pub struct EnumSpec {
    pub column: &'static str,
    pub values: &'static [EnumValue],
}

#[derive(Debug, PartialEq, Eq)]
pub struct EnumValue {
    /// Stored and exported value (English, stable for scripts).
    pub code: &'static str,
    /// The official Chinese label, shown in tables by default.
    pub label_zh: &'static str,
    pub spellings: &'static [&'static str],
}

impl EnumSpec {
    pub fn parse(&self, raw: &str) -> Option<&'static str> {
        let token = normalize_token(raw);
        self.values
            .iter()
            .find(|v| {
                normalize_token(v.code) == token
                    || normalize_token(v.label_zh) == token
                    || v.spellings.iter().any(|s| normalize_token(s) == token)
            })
            .map(|v| v.code)
    }

    pub fn label(&self, code: &str, lang: crate::Lang) -> String {
        match (self.values.iter().find(|v| v.code == code), lang) {
            (Some(v), crate::Lang::Zh) => v.label_zh.to_string(),
            _ => code.to_string(),
        }
    }

    /// The accepted values, for messages: "调解成功、调解不成功、…" in
    /// Chinese, "调解成功 (success), …" in English.
    pub fn describe(&self) -> String {
        match messages::language() {
            crate::Lang::Zh => self
                .values
                .iter()
                .map(|v| v.label_zh)
                .collect::<Vec<_>>()
                .join("、"),
            crate::Lang::En => self
                .values
                .iter()
                .map(|v| format!("{} ({})", v.label_zh, v.code))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Case-, width- and space-insensitive form of an enum value or header.
/// Full-width punctuation (（）＋) is folded to ASCII, white space dropped.
pub fn normalize_token(raw: &str) -> String {
    raw.chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

pub static CHANNEL: EnumSpec = EnumSpec {
    column: "channel",
    values: &[
        EnumValue {
            code: "court",
            label_zh: "法院+工会",
            spellings: &["法院＋工会", "诉调对接", "法院"],
        },
        EnumValue {
            code: "arbitration",
            label_zh: "人社+工会",
            spellings: &["人社＋工会", "裁调对接", "人社", "仲裁"],
        },
    ],
};

pub static SOURCE: EnumSpec = EnumSpec {
    column: "source",
    values: &[
        EnumValue {
            code: "court",
            label_zh: "法院委派",
            spellings: &["court_referral"],
        },
        EnumValue {
            code: "arbitration",
            label_zh: "仲裁委派",
            spellings: &["arbitration_referral"],
        },
        EnumValue {
            code: "hotline",
            label_zh: "12351转入",
            spellings: &["12351", "热线转入", "hotline_referral"],
        },
        EnumValue {
            code: "application",
            label_zh: "当事人申请",
            spellings: &["party_application", "self"],
        },
    ],
};

pub static OUTCOME: EnumSpec = EnumSpec {
    column: "outcome",
    values: &[
        EnumValue {
            code: "success",
            label_zh: "调解成功",
            spellings: &["成功", "successful", "succeeded"],
        },
        EnumValue {
            code: "failure",
            label_zh: "调解不成功",
            spellings: &[
                "调解失败",
                "不成功",
                "失败",
                "failed",
                "fail",
                "unsuccessful",
            ],
        },
        EnumValue {
            code: "withdrawn",
            label_zh: "撤回",
            spellings: &["已撤回", "撤诉", "withdrew", "withdraw"],
        },
        EnumValue {
            code: "pending",
            label_zh: "进行中",
            spellings: &["调解中", "办理中", "open", "in_progress", "ongoing"],
        },
    ],
};

pub static HANDLING: EnumSpec = EnumSpec {
    column: "handling",
    values: &[
        EnumValue {
            code: "answered",
            label_zh: "当场解答",
            spellings: &[],
        },
        EnumValue {
            code: "transferred",
            label_zh: "转办",
            spellings: &[],
        },
        EnumValue {
            code: "referred",
            label_zh: "转调解",
            spellings: &["referred_to_mediation", "mediation"],
        },
        EnumValue {
            code: "legal_aid",
            label_zh: "转法律援助",
            spellings: &["legal aid"],
        },
        EnumValue {
            code: "other",
            label_zh: "其他",
            spellings: &["其它"],
        },
    ],
};

pub static STATUS: EnumSpec = EnumSpec {
    column: "status",
    values: &[
        EnumValue {
            code: "closed",
            label_zh: "已办结",
            spellings: &["办结"],
        },
        EnumValue {
            code: "open",
            label_zh: "办理中",
            spellings: &["未办结", "在办"],
        },
    ],
};

pub static SATISFACTION: EnumSpec = EnumSpec {
    column: "satisfaction",
    values: &[
        EnumValue {
            code: "satisfied",
            label_zh: "满意",
            spellings: &[],
        },
        EnumValue {
            code: "basically_satisfied",
            label_zh: "基本满意",
            spellings: &["basically satisfied"],
        },
        EnumValue {
            code: "dissatisfied",
            label_zh: "不满意",
            spellings: &["unsatisfied"],
        },
        EnumValue {
            code: "not_evaluated",
            label_zh: "未评价",
            spellings: &["not evaluated"],
        },
    ],
};

const PREFECTURE_ALIASES: &[&str] = &["市州", "所属市州", "地市"];
const COUNTY_ALIASES: &[&str] = &["县市区", "区县", "所属区县"];

static HOTLINE_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "ticket_id",
        aliases: &["工单编号", "工单号"],
        ty: ColumnType::Id,
        required: true,
    },
    ColumnSpec {
        name: "received_at",
        aliases: &["来电时间", "受理时间"],
        ty: ColumnType::DateTime,
        required: true,
    },
    ColumnSpec {
        name: "prefecture",
        aliases: PREFECTURE_ALIASES,
        ty: ColumnType::Region(Level::Prefecture),
        required: true,
    },
    ColumnSpec {
        name: "county",
        aliases: COUNTY_ALIASES,
        ty: ColumnType::Region(Level::County),
        required: false,
    },
    ColumnSpec {
        name: "category",
        aliases: &["诉求类型", "问题类型"],
        ty: ColumnType::Text,
        required: true,
    },
    ColumnSpec {
        name: "handling",
        aliases: &["处理方式"],
        ty: ColumnType::Enum(&HANDLING),
        required: true,
    },
    ColumnSpec {
        name: "status",
        aliases: &["办理状态"],
        ty: ColumnType::Enum(&STATUS),
        required: true,
    },
    ColumnSpec {
        name: "closed_at",
        aliases: &["办结时间"],
        ty: ColumnType::DateTime,
        required: false,
    },
    ColumnSpec {
        name: "satisfaction",
        aliases: &["满意度", "回访满意度"],
        ty: ColumnType::Enum(&SATISFACTION),
        required: false,
    },
    ColumnSpec {
        name: "caller_phone",
        aliases: &["来电号码"],
        ty: ColumnType::Phone,
        required: false,
    },
    ColumnSpec {
        name: "workers_involved",
        aliases: &["涉及人数"],
        ty: ColumnType::Count,
        required: false,
    },
];

static MEDIATION_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "case_id",
        aliases: &["案件编号", "案号"],
        ty: ColumnType::Id,
        required: true,
    },
    ColumnSpec {
        name: "channel",
        aliases: &["对接渠道", "渠道"],
        ty: ColumnType::Enum(&CHANNEL),
        required: true,
    },
    ColumnSpec {
        name: "prefecture",
        aliases: PREFECTURE_ALIASES,
        ty: ColumnType::Region(Level::Prefecture),
        required: true,
    },
    ColumnSpec {
        name: "county",
        aliases: COUNTY_ALIASES,
        ty: ColumnType::Region(Level::County),
        required: false,
    },
    ColumnSpec {
        name: "source",
        aliases: &["案件来源"],
        ty: ColumnType::Enum(&SOURCE),
        required: false,
    },
    ColumnSpec {
        name: "hotline_ticket_id",
        aliases: &["热线工单编号"],
        ty: ColumnType::Id,
        required: false,
    },
    ColumnSpec {
        name: "dispute_type",
        aliases: &["纠纷类型"],
        ty: ColumnType::Text,
        required: true,
    },
    ColumnSpec {
        name: "mediator_org",
        aliases: &["调解组织"],
        ty: ColumnType::Text,
        required: false,
    },
    ColumnSpec {
        name: "received_on",
        aliases: &["受理日期", "委派日期"],
        ty: ColumnType::Date,
        required: true,
    },
    ColumnSpec {
        name: "closed_on",
        aliases: &["结案日期"],
        ty: ColumnType::Date,
        required: false,
    },
    ColumnSpec {
        name: "outcome",
        aliases: &["调解结果"],
        ty: ColumnType::Enum(&OUTCOME),
        required: true,
    },
    ColumnSpec {
        name: "workers_involved",
        aliases: &["涉及职工人数"],
        ty: ColumnType::Count,
        required: false,
    },
    ColumnSpec {
        name: "amount_yuan",
        aliases: &["涉案金额", "涉案金额(元)"],
        ty: ColumnType::Amount,
        required: false,
    },
    ColumnSpec {
        name: "settled_yuan",
        aliases: &["调解金额", "调解金额(元)"],
        ty: ColumnType::Amount,
        required: false,
    },
];

/// How a file's header cells map onto a log kind's columns.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    /// For each spec column (in spec order), the index of the file's cell.
    pub spec_cells: Vec<Option<usize>>,
    /// Cells that match no spec column: (index, header as written).
    pub extra_cells: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    Unrecognised {
        kind: &'static str,
        /// The encoding a text file was read in ([`HeaderError::read_as`]).
        read_as: Option<String>,
    },
    MissingColumns {
        missing: Vec<&'static ColumnSpec>,
    },
    Ambiguous {
        column: &'static str,
        first: String,
        second: String,
    },
}

impl HeaderError {
    /// The error of a text file read in `encoding`: a header that names no
    /// column says which encoding it was read in.
    pub fn read_as(self, encoding: String) -> HeaderError {
        match self {
            HeaderError::Unrecognised { kind, .. } => HeaderError::Unrecognised {
                kind,
                read_as: Some(encoding),
            },
            other => other,
        }
    }
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = match self {
            HeaderError::Unrecognised { kind, read_as } => Message::NoHeader {
                kind: messages::kind_name(kind),
                required: describe_columns(&required_columns(kind)),
                read_as: read_as.clone(),
            },
            HeaderError::MissingColumns { missing } => Message::MissingColumns {
                columns: describe_columns(missing),
            },
            HeaderError::Ambiguous {
                column,
                first,
                second,
            } => Message::AmbiguousHeader {
                column: column.to_string(),
                first: messages::quote(first),
                second: messages::quote(second),
            },
        };
        write!(f, "{message}")
    }
}

impl std::error::Error for HeaderError {}

fn required_columns(kind: &str) -> Vec<&'static ColumnSpec> {
    let kind = if kind == LogKind::Hotline.name() {
        LogKind::Hotline
    } else {
        LogKind::Mediation
    };
    kind.columns().iter().filter(|c| c.required).collect()
}

/// "received_on (accepted headers: received_on, 受理日期, 委派日期); …"
fn describe_columns(columns: &[&'static ColumnSpec]) -> String {
    let parts: Vec<String> = columns
        .iter()
        .map(|c| {
            let names = std::iter::once(c.name)
                .chain(c.aliases.iter().copied())
                .collect::<Vec<_>>();
            match messages::language() {
                crate::Lang::Zh => format!("{}（可用表头：{}）", c.name, names.join("、")),
                crate::Lang::En => {
                    format!("{} (accepted headers: {})", c.name, names.join(", "))
                }
            }
        })
        .collect();
    parts.join(messages::pick("；", "; "))
}

/// Header text in the form it is matched by: letters and digits only (CJK
/// included), full-width forms folded, ASCII lower-case. So `涉案金额（元）`,
/// `涉案金额(元)`, `*案件编号：` and `Case ID` all find their column.
pub fn normalize_header(raw: &str) -> String {
    normalize_token(raw)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

pub fn match_header(kind: LogKind, header: &[String]) -> Result<HeaderMap, HeaderError> {
    let columns = kind.columns();
    let mut spec_cells: Vec<Option<usize>> = vec![None; columns.len()];
    let mut extra_cells = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let key = normalize_header(cell);
        let found = (!key.is_empty())
            .then(|| {
                columns.iter().position(|c| {
                    normalize_header(c.name) == key
                        || c.aliases.iter().any(|a| normalize_header(a) == key)
                })
            })
            .flatten();
        match found {
            Some(j) => {
                if let Some(prev) = spec_cells[j] {
                    return Err(HeaderError::Ambiguous {
                        column: columns[j].name,
                        first: header[prev].clone(),
                        second: cell.clone(),
                    });
                }
                spec_cells[j] = Some(i);
            }
            None => extra_cells.push((i, cell.trim().to_string())),
        }
    }
    if spec_cells.iter().all(Option::is_none) {
        return Err(HeaderError::Unrecognised {
            kind: kind.name(),
            read_as: None,
        });
    }
    let missing: Vec<&'static ColumnSpec> = columns
        .iter()
        .zip(&spec_cells)
        .filter(|(c, cell)| c.required && cell.is_none())
        .map(|(c, _)| c)
        .collect();
    if !missing.is_empty() {
        return Err(HeaderError::MissingColumns { missing });
    }
    Ok(HeaderMap {
        spec_cells,
        extra_cells,
    })
}

impl ColumnType {
    /// How a reader stores and converts this column's cells.
    pub fn role(self) -> CellRole {
        match self {
            ColumnType::Id => CellRole::Id,
            ColumnType::Phone => CellRole::Phone,
            ColumnType::Text | ColumnType::Region(_) | ColumnType::Enum(_) => CellRole::Text,
            ColumnType::Date => CellRole::Date,
            ColumnType::DateTime => CellRole::DateTime,
            ColumnType::Count => CellRole::Count,
            ColumnType::Amount => CellRole::Amount,
        }
    }
}

/// The role of each cell of a kind's header; cells outside the spec (and
/// every cell of a header that does not match) are extra columns.
pub fn cell_roles(kind: LogKind, header: &[String]) -> Vec<CellRole> {
    let mut roles = vec![CellRole::Extra; header.len()];
    if let Ok(map) = match_header(kind, header) {
        for (spec, cell) in kind.columns().iter().zip(&map.spec_cells) {
            if let Some(i) = *cell {
                roles[i] = spec.ty.role();
            }
        }
    }
    roles
}

/// The spec column a header cell names, if any.
fn column_named(kind: LogKind, cell: &str) -> Option<&'static ColumnSpec> {
    let key = normalize_header(cell);
    if key.is_empty() {
        return None;
    }
    kind.columns().iter().find(|c| {
        normalize_header(c.name) == key || c.aliases.iter().any(|a| normalize_header(a) == key)
    })
}

/// How many of a kind's columns a row names, how many of them required,
/// and whether it names the kind's id column.
fn names_of(kind: LogKind, row: &[String]) -> (usize, usize, bool) {
    let mut named: Vec<&str> = row
        .iter()
        .filter_map(|c| column_named(kind, c))
        .map(|c| c.name)
        .collect();
    named.sort_unstable();
    named.dedup();
    let required = kind
        .columns()
        .iter()
        .filter(|c| c.required && named.contains(&c.name))
        .count();
    let has_id = named.contains(&kind.id_column());
    (named.len(), required, has_id)
}

/// Finds the header among a source's first rows (those with content): the
/// first row that names at least half of a kind's required columns. A row
/// that qualifies for both kinds is the kind whose id column it names
/// (then the one it names more columns of). `expected` is the kind the
/// user gave the file as (none for `--data`, where the header decides);
/// when no row qualifies, the first row is taken as that kind's header,
/// so that matching it says which columns it lacks.
pub fn find_header(rows: &[Vec<String>], expected: Option<LogKind>) -> Option<HeaderFound> {
    let kinds = [LogKind::Hotline, LogKind::Mediation];
    for (index, row) in rows.iter().enumerate() {
        let mut best: Option<(LogKind, (usize, usize, bool))> = None;
        for kind in kinds {
            let names = names_of(kind, row);
            let required = kind.columns().iter().filter(|c| c.required).count();
            if names.1 * 2 < required {
                continue;
            }
            let better = match &best {
                None => true,
                Some((_, b)) => (names.2, names.0) > (b.2, b.0),
            };
            if better {
                best = Some((kind, names));
            }
        }
        if let Some((kind, (named, _, _))) = best {
            return Some(HeaderFound {
                row: index,
                qualified: true,
                kind: Some(kind),
                score: named,
                roles: cell_roles(kind, row),
            });
        }
    }
    let first = rows.first()?;
    let score = kinds
        .iter()
        .map(|&k| names_of(k, first).0)
        .max()
        .unwrap_or(0);
    Some(HeaderFound {
        row: 0,
        qualified: false,
        kind: expected,
        score,
        roles: match expected {
            Some(kind) => cell_roles(kind, first),
            None => vec![CellRole::Extra; first.len()],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_headers_in_any_order_match() {
        let h = header(&[
            "调解结果",
            "案号",
            "渠道",
            "地市",
            "纠纷类型",
            "委派日期",
            "备注",
        ]);
        let m = match_header(LogKind::Mediation, &h).unwrap();
        assert_eq!(m.spec_cells[0], Some(1)); // case_id
        assert_eq!(m.spec_cells[10], Some(0)); // outcome
        assert_eq!(m.extra_cells, vec![(6, "备注".to_string())]);
    }

    #[test]
    fn full_width_punctuation_and_spaces_are_ignored_in_headers() {
        let h = header(&[
            " case_id ",
            "Channel",
            "【市州】",
            "dispute type",
            "*受理日期：",
            "outcome",
            "涉案金额（元）",
            "\u{3000}调解金额 (元)",
        ]);
        let m = match_header(LogKind::Mediation, &h).unwrap();
        assert_eq!(m.spec_cells[12], Some(6));
        assert_eq!(m.spec_cells[13], Some(7));
    }

    #[test]
    fn missing_required_column_names_it_and_its_aliases() {
        let h = header(&[
            "case_id",
            "channel",
            "prefecture",
            "dispute_type",
            "outcome",
        ]);
        let err = match_header(LogKind::Mediation, &h).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("received_on"), "{text}");
        assert!(
            text.contains("受理日期") && text.contains("委派日期"),
            "{text}"
        );
    }

    #[test]
    fn unrelated_header_is_unrecognised() {
        let err = match_header(LogKind::Hotline, &header(&["foo", "bar"])).unwrap_err();
        assert!(matches!(err, HeaderError::Unrecognised { .. }));
    }

    #[test]
    fn two_cells_for_one_column_are_ambiguous() {
        let h = header(&["ticket_id", "工单号", "received_at"]);
        assert!(matches!(
            match_header(LogKind::Hotline, &h),
            Err(HeaderError::Ambiguous { .. })
        ));
    }

    #[test]
    fn enum_spellings_fold_to_one_code() {
        for s in ["调解不成功", "调解失败", "failure", " Failure ", "FAILED"] {
            assert_eq!(OUTCOME.parse(s), Some("failure"), "{s}");
        }
        assert_eq!(CHANNEL.parse("法院＋工会"), Some("court"));
        assert_eq!(CHANNEL.parse("court"), Some("court"));
        assert_eq!(CHANNEL.parse("人社+工会"), Some("arbitration"));
        assert_eq!(SOURCE.parse("12351转入"), Some("hotline"));
        assert_eq!(HANDLING.parse("转调解"), Some("referred"));
        assert_eq!(STATUS.parse("已办结"), Some("closed"));
        assert_eq!(OUTCOME.parse("maybe"), None);
    }
}
