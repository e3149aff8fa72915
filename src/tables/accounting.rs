//! What happened to every row read: the accounting per file (read =
//! accepted + duplicates + superseded + rejected) as a line and as a table,
//! and the rejected rows, one by one or counted by problem.

use std::collections::BTreeMap;

use super::{Column, ColumnKind, Table, Value};
use crate::Lang;
use crate::ingest::problem::Problem;
use crate::ingest::schema::LogKind;
use crate::ingest::{FileAccount, Logs, Reject};

/// The accounting's columns: machine name, Chinese and English label.
const ACCOUNT_COLUMNS: [(&str, &str, &str); 8] = [
    ("path", "文件", "file"),
    ("kind", "类型", "kind"),
    ("encoding", "编码", "encoding"),
    ("read", "读入", "read"),
    ("accepted", "采用", "accepted"),
    ("duplicates", "重复", "duplicates"),
    ("superseded", "被更新", "superseded"),
    ("rejected", "拒收", "rejected"),
];

fn account_label(key: &str, lang: Lang) -> &'static str {
    let (_, zh, en) = ACCOUNT_COLUMNS
        .iter()
        .find(|(k, _, _)| *k == key)
        .copied()
        .unwrap_or(("", "", ""));
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A log kind as tables name it: 热线 / 调解, or hotline / mediation.
pub fn kind_label(kind: LogKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (LogKind::Hotline, Lang::Zh) => "热线",
        (LogKind::Mediation, Lang::Zh) => "调解",
        (k, Lang::En) => k.name(),
    }
}

/// "读入 = 采用 + 重复 + 被更新 + 拒收": the identity every file satisfies.
pub fn accounting_rule(lang: Lang) -> String {
    let l = |k| account_label(k, lang);
    format!(
        "{} = {} + {} + {} + {}",
        l("read"),
        l("accepted"),
        l("duplicates"),
        l("superseded"),
        l("rejected")
    )
}

/// `file (kind, UTF-8): read N = accepted + duplicates + superseded + rejected`.
pub fn accounting_line(f: &FileAccount, lang: Lang) -> String {
    let l = |k| account_label(k, lang);
    format!(
        "{} ({}, {}): {} {} = {} {} + {} {} + {} {} + {} {}",
        f.path,
        kind_label(f.kind, lang),
        f.encoding,
        l("read"),
        f.read,
        l("accepted"),
        f.accepted,
        l("duplicates"),
        f.duplicates,
        l("superseded"),
        f.superseded,
        l("rejected"),
        f.rejected
    )
}

/// The accounting lines of the files of one kind.
pub fn accounting_lines(logs: &Logs, kind: LogKind, lang: Lang) -> Vec<String> {
    logs.files
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| accounting_line(f, lang))
        .collect()
}

/// The row accounting per file, as a table (`validate`, the report).
pub fn files_table(files: &[FileAccount], lang: Lang) -> Table {
    let rows = files
        .iter()
        .map(|f| {
            vec![
                Value::text(f.path.clone()),
                Value::labelled(f.kind.name(), kind_label(f.kind, lang)),
                Value::text(f.encoding.to_string()),
                Value::Int(f.read as i64),
                Value::Int(f.accepted as i64),
                Value::Int(f.duplicates as i64),
                Value::Int(f.superseded as i64),
                Value::Int(f.rejected as i64),
            ]
        })
        .collect();
    let title = match lang {
        Lang::Zh => "数据来源与行数核对",
        Lang::En => "Files and row accounting",
    };
    let columns = ACCOUNT_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (key, zh, en))| {
            let kind = if i < 3 {
                ColumnKind::Text
            } else {
                ColumnKind::Count
            };
            Column::new(key, zh, en, kind)
        })
        .collect();
    Table {
        title: title.to_string(),
        notes: vec![accounting_rule(lang)],
        columns,
        rows,
        total: None,
    }
}

/// Every rejected row: file, line, column and reason (the record itself
/// only in the --rejects file, which may hold personal data).
pub fn rejects_table(rejects: &[Reject], lang: Lang) -> Table {
    let rows = rejects
        .iter()
        .map(|r| {
            vec![
                Value::text(r.path.clone()),
                Value::Int(i64::from(r.line)),
                r.column.map_or(Value::Null, |c| Value::Int(c as i64)),
                r.column_name.clone().map_or(Value::Null, Value::text),
                Value::text(r.reason.clone()),
            ]
        })
        .collect();
    Table {
        title: match lang {
            Lang::Zh => "拒收行".to_string(),
            Lang::En => "Rejected rows".to_string(),
        },
        notes: Vec::new(),
        columns: vec![
            Column::new("path", "文件", "file", ColumnKind::Text),
            Column::new("line", "行号", "line", ColumnKind::Count),
            Column::new("column", "列号", "column", ColumnKind::Count),
            Column::new("column_name", "列名", "column name", ColumnKind::Text),
            Column::new("reason", "原因", "reason", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}

/// Rejected rows counted by file, problem and column, with the first ten
/// line numbers of each.
pub fn rejects_by_reason_table(rejects: &[Reject], lang: Lang) -> Table {
    // Files in reading order (a workbook's 7月 before its 10月), then
    // problem and column.
    type Key = (usize, &'static str, String);
    let mut files: Vec<&str> = Vec::new();
    let mut counts: BTreeMap<Key, (Problem, LogKind, i64, Vec<u32>)> = BTreeMap::new();
    for r in rejects {
        let file = match files.iter().position(|f| *f == r.path) {
            Some(i) => i,
            None => {
                files.push(&r.path);
                files.len() - 1
            }
        };
        let key = (
            file,
            r.problem.code(),
            r.column_name.clone().unwrap_or_default(),
        );
        let entry = counts
            .entry(key)
            .or_insert((r.problem, r.kind, 0, Vec::new()));
        entry.2 += 1;
        entry.3.push(r.line);
    }
    let rows = counts
        .into_iter()
        .map(|((file, _, column), (problem, kind, n, lines))| {
            let path = files[file].to_string();
            // An English header reads in Chinese too: category（诉求类型）.
            let column = match (lang, kind.chinese_name(&column)) {
                (Lang::Zh, Some(zh)) => {
                    Value::labelled(column.clone(), format!("{column}（{zh}）"))
                }
                _ => Value::text(column),
            };
            let mut lines: Vec<String> = lines.iter().take(10).map(|l| l.to_string()).collect();
            if n > 10 {
                lines.push("…".to_string());
            }
            vec![
                Value::text(path),
                Value::labelled(problem.code(), problem.label(lang)),
                column,
                Value::Int(n),
                Value::text(lines.join(" ")),
            ]
        })
        .collect();
    let (title, note) = match lang {
        Lang::Zh => (
            "拒收行（按原因）",
            "每行只按第一条不符合的规则计一次；每一行的原因和原始内容可用 validate 命令导出（见《使用说明》“处理拒收行”）",
        ),
        Lang::En => (
            "Rejected rows by reason",
            "each row counts once, under the first rule it breaks; every row with its reason: `disputes validate --rejects FILE`",
        ),
    };
    Table {
        title: title.to_string(),
        notes: vec![note.to_string()],
        columns: vec![
            Column::new("path", "文件", "file", ColumnKind::Text),
            Column::new("problem", "原因", "problem", ColumnKind::Text),
            Column::new("column", "列", "column", ColumnKind::Text),
            Column::new("rows", "行数", "rows", ColumnKind::Count),
            Column::new("lines", "行号", "lines", ColumnKind::Text),
        ],
        rows,
        total: None,
    }
}
