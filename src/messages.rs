//! Every message a person reads that is not a table: errors, reject
//! reasons, warnings and notes, each in Chinese and English side by side.
//!
//! The language is chosen once per run (`--lang`, Chinese by default) with
//! [`set_language`]; a message's `Display` uses it, so an error raised deep
//! in the loader reads in the user's language wherever it is printed.
//! Tables take their language explicitly (`crate::tables`).

use std::cell::Cell;
use std::fmt;

use crate::Lang;

thread_local! {
    static LANGUAGE: Cell<Lang> = const { Cell::new(Lang::Zh) };
}

/// Sets the language of messages for this run (this thread).
pub fn set_language(lang: Lang) {
    LANGUAGE.with(|l| l.set(lang));
}

/// The language messages are written in.
pub fn language() -> Lang {
    LANGUAGE.with(Cell::get)
}

/// Chinese or English, as the run's language says.
pub fn pick<'a>(zh: &'a str, en: &'a str) -> &'a str {
    match language() {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// An operating-system error in the run's language for the kinds users
/// meet (a mistyped name, a file held open, a folder); others as the
/// system words them.
pub fn io_detail(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => pick(
            "文件不存在（请检查文件名和路径）",
            "no such file (check the name and the path)",
        ),
        ErrorKind::PermissionDenied => pick(
            "没有权限读取（文件可能正被其他程序独占打开）",
            "permission denied (another program may hold the file open)",
        ),
        ErrorKind::IsADirectory => pick("这是一个文件夹，不是文件", "this is a folder, not a file"),
        _ => return e.to_string(),
    }
    .to_string()
}

/// A column as a message names it: as written in the file, with its
/// canonical name when that differs (`受理日期（received_on）`).
pub fn column_label(as_written: &str, canonical: &str) -> String {
    if as_written.is_empty() || as_written == canonical {
        canonical.to_string()
    } else {
        match language() {
            Lang::Zh => format!("{as_written}（{canonical}）"),
            Lang::En => format!("{as_written} ({canonical})"),
        }
    }
}

/// At most this many characters of a cell are quoted in a message.
pub const QUOTED_CHARS: usize = 40;

/// A cell's value as a message quotes it: in quotes, control characters
/// escaped, and cut after [`QUOTED_CHARS`] characters.
pub fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in value.chars().enumerate() {
        if i == QUOTED_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The messages of the tool, with what each one needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    // --- reject reasons: rules ---
    RequiredEmpty {
        column: String,
    },
    MangledId {
        column: String,
        value: String,
    },
    NotADate {
        column: String,
        value: String,
    },
    NoSuchDay {
        column: String,
        value: String,
        year: u32,
        month: u32,
        days: Option<u32>,
    },
    NotADateTime {
        column: String,
        value: String,
    },
    NotAnEnumValue {
        column: String,
        value: String,
        accepted: String,
    },
    NotAPrefecture {
        column: String,
        value: String,
    },
    NotACounty {
        column: String,
        value: String,
    },
    NotAWholeNumber {
        column: String,
        value: String,
    },
    NotANumber {
        column: String,
        value: String,
    },
    CannotRead {
        column: String,
        value: String,
    },
    CountTooSmall {
        column: String,
        value: String,
    },
    CountTooLarge {
        column: String,
        value: String,
        max: i64,
    },
    Negative {
        column: String,
        value: String,
    },
    AmountTooLarge {
        column: String,
        value: String,
        max: String,
    },
    ResavedId {
        column: String,
        value: String,
    },
    CountyNotInPrefecture {
        column: String,
        value: String,
        prefecture_column: String,
        prefecture: String,
    },
    ClosingDateMissing {
        column: String,
        state_column: String,
        state: String,
        ticket: bool,
    },
    ClosingDateNotAllowed {
        column: String,
        value: String,
        state_column: String,
        state: String,
        ticket: bool,
    },
    ClosedBeforeReceived {
        column: String,
        value: String,
        received_column: String,
        received: String,
    },
    SettledWithoutSuccess {
        column: String,
        value: String,
        outcome_column: String,
        outcome: String,
    },
    // --- reject reasons: records that cannot be rows ---
    Ragged {
        cells: usize,
        header_cells: usize,
    },
    UnclosedQuote,
    StrayQuote,
    Undecodable {
        column: usize,
        encoding: String,
    },
    TotalRow,
    ErrorCell {
        column: String,
        value: String,
    },
    LongNumberCell {
        column: String,
        value: String,
    },
    PhantomDate {
        column: String,
    },
    // --- files that cannot be used ---
    CannotReadFile {
        detail: String,
    },
    EmptyFile,
    /// An input file was cut short by another program while it was read
    /// through a memory map (the run stops at once).
    FileCutShortWhileRead {
        file: String,
    },
    RecordTooLong {
        line: u32,
        limit_mib: usize,
    },
    NoHeader {
        kind: String,
        required: String,
        /// The encoding a text file was read in (text read in the wrong
        /// one names no column).
        read_as: Option<String>,
    },
    MissingColumns {
        columns: String,
    },
    AmbiguousHeader {
        column: String,
        first: String,
        second: String,
    },
    WrongKind {
        found: String,
        given: String,
    },
    WorkbookUnreadable {
        detail: String,
    },
    WorkbookEncrypted,
    NoSheetWithHeader {
        kind: String,
        sheets: String,
    },
    SheetNotFound {
        sheet: String,
        sheets: String,
    },
    CheckFailed {
        detail: String,
    },
    MergeFailed {
        kind: String,
        detail: String,
    },
    // --- the data folder ---
    DataFolderUnreadable {
        folder: String,
    },
    DataFolderEmpty {
        folder: String,
    },
    SkippedFile {
        file: String,
        why: String,
    },
    SkippedSheet {
        sheet: String,
        why: String,
    },
    NoHeaderOfEitherKind,
    HeaderOfOtherKind {
        found: String,
        given: String,
    },
    // --- options ---
    BadMonth {
        value: String,
    },
    BadQuarter {
        value: String,
    },
    BadHalf {
        value: String,
    },
    BadYear {
        value: String,
    },
    BadYearToDate {
        value: String,
    },
    BadDate {
        flag: String,
        value: String,
    },
    Reversed {
        from: String,
        to: String,
    },
    UnknownPrefecture {
        value: String,
    },
    UnknownCounty {
        value: String,
    },
    UnknownFilterValue {
        flag: String,
        value: String,
        accepted: String,
    },
    FilterWrongKind {
        flag: String,
        kind: String,
        other: String,
    },
    FilterMatchesNothing {
        value: String,
    },
    GroupingNotAllowed {
        by: String,
        what: String,
        allowed: String,
    },
    SlaDays,
    LinkDays,
    CompareNeedsPeriod,
    OutsideTheData {
        period: String,
        first: String,
        last: String,
    },
    ReportOutsideTheData {
        period: String,
        first: String,
        last: String,
    },
    XlsxNeedsOutput,
    ReportExists {
        folder: String,
    },
    NoClosedCase,
    ReportNeedsWholeMonths,
    // --- writing ---
    CannotWrite {
        path: String,
    },
    CannotWriteStdout,
    WorkbookOnStdin,
    NoRowsAtAll,
    KindNotUsed {
        kind: String,
    },
    RejectsNeedAFile,
    StdinTwice,
    OutputIsInput {
        output: String,
        input: String,
    },
    CannotBuildWorkbook {
        path: String,
    },
    CannotCreateFolder {
        path: String,
    },
    QueryFailed {
        detail: String,
        /// The tables and their columns, when the statement named something
        /// unknown.
        tables: Option<String>,
    },
    QueryEmpty,
    /// A result cut to its first rows; `at_prompt` says how to see all there.
    QueryRowsHidden {
        kept: usize,
        hidden: usize,
        all: usize,
        at_prompt: bool,
    },
    /// The prompt's greeting, with where its history is kept.
    QueryPromptBanner {
        history: Option<String>,
    },
    QueryTooLarge {
        terms: usize,
        depth: usize,
        subqueries: usize,
    },
    QueryReadsFiles,
    // --- how a run ends ---
    ErrorPrefix,
    WarningPrefix,
}

impl Message {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let t = |z: String, e: String| if zh { z } else { e };
        use Message::*;
        match self {
            RequiredEmpty { column } => t(
                format!("{column} 为空；这一列必须填写"),
                format!("{column} is empty; it is required"),
            ),
            MangledId { column, value } => t(
                format!(
                    "{column} {value} 是科学计数法：Excel 已丢掉编号的数字；请把这一列设为文本格式后重新导出"
                ),
                format!(
                    "{column} {value} is a number in scientific notation: Excel has dropped digits of the id; re-export the column formatted as text"
                ),
            ),
            NotADate { column, value } => t(
                format!(
                    "{column} {value} 不是日期；请写成 2023-06-01、2023/6/1、2023年6月1日 或 20230601"
                ),
                format!(
                    "{column} {value} is not a date; write it like 2023-06-01, 2023/6/1, 2023年6月1日 or 20230601"
                ),
            ),
            NoSuchDay {
                column,
                value,
                year,
                month,
                days,
            } => match days {
                Some(days) => t(
                    format!("{column} {value} 这一天不存在：{year}年{month}月只有 {days} 天"),
                    format!("{column} {value} is no such day: {year}-{month:02} has {days} days"),
                ),
                None => t(
                    format!("{column} {value} 这一天不存在：没有 {month} 月"),
                    format!("{column} {value} is no such day: there is no month {month}"),
                ),
            },
            NotADateTime { column, value } => t(
                format!("{column} {value} 不是日期时间；请写成 2023-06-01 09:15 或 2023/6/1 9:15"),
                format!(
                    "{column} {value} is not a date and time; write it like 2023-06-01 09:15 or 2023/6/1 9:15"
                ),
            ),
            NotAnEnumValue {
                column,
                value,
                accepted,
            } => t(
                format!("{column} {value} 不是可接受的值：{accepted}"),
                format!("{column} {value} is not one of the accepted values: {accepted}"),
            ),
            NotAPrefecture { column, value } => t(
                format!("{column} {value} 不是区划表中的市州（可写名称、简称或6位代码）"),
                format!(
                    "{column} {value} is not a prefecture-level division of the region table (a name, short name or 6-digit code)"
                ),
            ),
            NotACounty { column, value } => t(
                format!("{column} {value} 不是区划表中的县市区（可写名称、简称或6位代码）"),
                format!(
                    "{column} {value} is not a county-level division of the region table (a name, short name or 6-digit code)"
                ),
            ),
            NotAWholeNumber { column, value } => t(
                format!("{column} {value} 不是整数"),
                format!("{column} {value} is not a whole number"),
            ),
            NotANumber { column, value } => t(
                format!("{column} {value} 不是数字"),
                format!("{column} {value} is not a number"),
            ),
            CannotRead { column, value } => t(
                format!("{column} {value} 无法识别"),
                format!("{column} {value} cannot be read"),
            ),
            CountTooSmall { column, value } => t(
                format!("{column} {value} 必须是不小于 1 的整数"),
                format!("{column} {value} must be a whole number of at least 1"),
            ),
            CountTooLarge { column, value, max } => t(
                format!("{column} {value} 大于 {max}，不像是人数（可能填了电话号码或编号）"),
                format!(
                    "{column} {value} is above {max}, too many to be a number of people (a phone number or an id?)"
                ),
            ),
            ResavedId { column, value } => t(
                format!(
                    "{column} {value} 末尾是一串 0，而这一列的其他编号不是：像是 Excel 把编号显示成科学计数法后又被另存，末尾的数字已丢失；请从系统重新导出，并把这一列设为文本格式"
                ),
                format!(
                    "{column} {value} ends in a run of zeros where the column's other ids do not: it looks re-saved from Excel's scientific notation, its last digits lost; re-export it with the column formatted as text"
                ),
            ),
            AmountTooLarge { column, value, max } => t(
                format!("{column} {value} 超过 {max} 元（10亿），不像是一件案件的金额（可能填了电话号码或编号）"),
                format!(
                    "{column} {value} is above {max} yuan, too much for one case (a phone number or an id?)"
                ),
            ),
            Negative { column, value } => t(
                format!("{column} {value} 不能为负数"),
                format!("{column} {value} must not be negative"),
            ),
            CountyNotInPrefecture {
                column,
                value,
                prefecture_column,
                prefecture,
            } => t(
                format!("{column} {value} 不属于 {prefecture_column} {prefecture}"),
                format!("{column} {value} does not lie in {prefecture_column} {prefecture}"),
            ),
            ClosingDateMissing {
                column,
                state_column,
                state,
                ticket,
            } => t(
                format!(
                    "{column} 为空，但 {state_column} 为 {state}：已{}的{}必须填写{}",
                    if *ticket { "办结" } else { "结案" },
                    if *ticket { "工单" } else { "案件" },
                    if *ticket { "办结时间" } else { "结案日期" }
                ),
                format!(
                    "{column} is empty, but {state_column} is {state}: a closed {} needs its closing date",
                    if *ticket { "ticket" } else { "case" }
                ),
            ),
            ClosingDateNotAllowed {
                column,
                value,
                state_column,
                state,
                ticket,
            } => t(
                format!(
                    "{column} 为 {value}，但 {state_column} 为 {state}：未{}的{}不应有{}",
                    if *ticket { "办结" } else { "结案" },
                    if *ticket { "工单" } else { "案件" },
                    if *ticket { "办结时间" } else { "结案日期" }
                ),
                format!(
                    "{column} is {value}, but {state_column} is {state}: an open {} has no closing date",
                    if *ticket { "ticket" } else { "case" }
                ),
            ),
            ClosedBeforeReceived {
                column,
                value,
                received_column,
                received,
            } => t(
                format!("{column} {value} 早于 {received_column} {received}"),
                format!("{column} {value} is before {received_column} {received}"),
            ),
            SettledWithoutSuccess {
                column,
                value,
                outcome_column,
                outcome,
            } => t(
                format!(
                    "{column} 填了 {value}，但 {outcome_column} 为 {outcome}：只有调解成功的案件才有调解金额"
                ),
                format!(
                    "{column} {value} is given, but {outcome_column} is {outcome}: only a successful mediation has a settled amount"
                ),
            ),
            Ragged {
                cells,
                header_cells,
            } => t(
                format!(
                    "这一行有 {cells} 个单元格，表头有 {header_cells} 个；可能有单元格里含未加引号的逗号，或缺了单元格"
                ),
                format!(
                    "the row has {cells} cells but the header has {header_cells}; a cell may hold an unquoted comma, or cells are missing"
                ),
            ),
            UnclosedQuote => t(
                "这一行有一个以引号开头的单元格，到文件末尾也没有闭合".into(),
                "a quoted cell starts in this row and is never closed".into(),
            ),
            StrayQuote => t(
                "这一行的引号不成对（多了一个引号），按一行拒收，下一行照常读取".into(),
                "a stray quote in this row: its quoted cell does not close on the row; the row is rejected and the next line read as usual".into(),
            ),
            Undecodable { column, encoding } => t(
                format!(
                    "第 {column} 列含有不是 {encoding} 编码的字节；请把文件另存为 UTF-8 或 GBK，或用 --encoding 指定编码"
                ),
                format!(
                    "column {column} holds bytes that are not valid {encoding}; save the file as UTF-8 or GBK, or give --encoding"
                ),
            ),
            TotalRow => t("合计行，不是案件".into(), "a total row, not a case".into()),
            ErrorCell { column, value } => t(
                format!("{column} 是 Excel 错误值 {value}（公式出错），不是数据"),
                format!("{column} is the Excel error value {value} (a formula failed), not data"),
            ),
            LongNumberCell { column, value } => t(
                format!(
                    "{column} 是数字单元格 {value}，超过 15 位有效数字，Excel 已丢掉末尾的数字；请把这一列设为文本格式后重新导出"
                ),
                format!(
                    "{column} is a number cell {value} with more than 15 significant digits: Excel has dropped its last digits; re-export the column formatted as text"
                ),
            ),
            PhantomDate { column } => t(
                format!(
                    "{column} 是 Excel 的日期序号 60，即不存在的 1900年2月29日（Excel 沿用的错误）"
                ),
                format!(
                    "{column} is Excel's day number 60, the 29 February 1900 that never was (a bug Excel keeps)"
                ),
            ),
            CannotReadFile { detail } => t(
                format!("无法读取文件：{detail}"),
                format!("cannot read the file: {detail}"),
            ),
            EmptyFile => t(
                "文件是空的：没有表头".into(),
                "the file is empty: no header line".into(),
            ),
            FileCutShortWhileRead { file } => t(
                format!(
                    "读取 {file} 时，另一个程序把它截短了（例如正在重新导出或覆盖它），本次运行无法继续；请等文件写完后重新运行"
                ),
                format!(
                    "another program cut {file} short while it was being read (re-exporting or overwriting it, say); the run cannot go on: run again once the file is written"
                ),
            ),
            RecordTooLong { line, limit_mib } => t(
                format!(
                    "第 {line} 行起的一条记录超过 {limit_mib} MiB 仍未结束（可能缺少换行或引号未闭合），无法读取；请检查该处"
                ),
                format!(
                    "the record starting at line {line} runs past {limit_mib} MiB without ending (a missing line break or an unclosed quote?); look at that place in the file"
                ),
            ),
            NoHeader {
                kind,
                required,
                read_as,
            } => t(
                format!(
                    "找不到表头：前 10 行中没有一行写出{kind}的必填列的一半以上（必填列：{required}）{}",
                    read_as.as_ref().map_or(String::new(), |e| format!(
                        "；文件是按 {e} 读的，如果它是另一种编码，请用 --encoding utf-8 或 --encoding gbk 指定"
                    ))
                ),
                format!(
                    "no recognisable header: none of the first 10 rows names at least half of the required {kind} columns ({required}){}",
                    read_as.as_ref().map_or(String::new(), |e| format!(
                        "; the file was read as {e}: if it is in another encoding, say which with --encoding utf-8 or --encoding gbk"
                    ))
                ),
            ),
            MissingColumns { columns } => t(
                format!("缺少必填列：{columns}"),
                format!("missing required column(s): {columns}"),
            ),
            AmbiguousHeader {
                column,
                first,
                second,
            } => t(
                format!("表头 {first} 和 {second} 都表示 {column} 列"),
                format!("header cells {first} and {second} both mean column {column}"),
            ),
            WrongKind { found, given } => t(
                format!("这是{found}记录，却作为{given}给出；请换用相应的选项（或用 --data 自动识别）"),
                format!(
                    "this is a {found} log, given as a {given} log; use the matching option (or --data, which tells them apart)"
                ),
            ),
            WorkbookUnreadable { detail } => t(
                format!("无法打开工作簿（文件已损坏，或不是 Excel/WPS/ODS 工作簿）：{detail}"),
                format!(
                    "cannot open the workbook (the file is damaged, or not an Excel/WPS/ODS workbook): {detail}"
                ),
            ),
            WorkbookEncrypted => t(
                "工作簿设有打开密码（已加密）；请在 Excel 或 WPS 中取消密码后另存一份".into(),
                "the workbook is password-protected (encrypted); remove the password in Excel or WPS and save a copy".into(),
            ),
            NoSheetWithHeader { kind, sheets } => t(
                format!("没有一张工作表的表头写出{kind}的列；工作表：{sheets}"),
                format!("no sheet has a {kind} header; the sheets are: {sheets}"),
            ),
            SheetNotFound { sheet, sheets } => t(
                format!("没有名为 {sheet} 的工作表；工作表：{sheets}"),
                format!("there is no sheet named {sheet}; the sheets are: {sheets}"),
            ),
            CheckFailed { detail } => t(
                format!("检查行时出错：{detail}"),
                format!("cannot check rows: {detail}"),
            ),
            MergeFailed { kind, detail } => t(
                format!("合并{kind}文件时出错：{detail}"),
                format!("merging the {kind} files failed: {detail}"),
            ),
            DataFolderUnreadable { folder } => t(
                format!("{folder}：无法读取数据文件夹"),
                format!("{folder}: cannot read the data folder"),
            ),
            DataFolderEmpty { folder } => t(
                format!(
                    "{folder}：数据文件夹中没有可读的记录（.csv、.tsv、.txt 或工作簿，表头为热线或调解记录）"
                ),
                format!(
                    "{folder}: no log in the data folder (a .csv, .tsv, .txt or workbook with a hotline or mediation header)"
                ),
            ),
            SkippedFile { file, why } => t(
                format!("跳过 {file}：{why}"),
                format!("skipped {file}: {why}"),
            ),
            SkippedSheet { sheet, why } => t(
                format!("跳过工作表 {sheet}：{why}"),
                format!("skipped sheet {sheet}: {why}"),
            ),
            NoHeaderOfEitherKind => t(
                "前 10 行中没有热线或调解记录的表头".into(),
                "no hotline or mediation header in its first 10 rows".into(),
            ),
            HeaderOfOtherKind { found, given } => t(
                format!("表头是{found}记录，而这里读的是{given}记录"),
                format!("its header is a {found} log's, and {given} logs are read here"),
            ),
            BadMonth { value } => t(
                format!("--month {value}：请写成 YYYY-MM，例如 2023-06"),
                format!("--month {value}: write it as YYYY-MM, e.g. 2023-06"),
            ),
            BadQuarter { value } => t(
                format!("--quarter {value}：请写成 YYYYQn，例如 2023Q2"),
                format!("--quarter {value}: write it as YYYYQn, e.g. 2023Q2"),
            ),
            BadHalf { value } => t(
                format!("--half {value}：请写成 YYYYHn，例如 2023H1"),
                format!("--half {value}: write it as YYYYHn, e.g. 2023H1"),
            ),
            BadYear { value } => t(
                format!("--year {value}：请写成 YYYY，例如 2023"),
                format!("--year {value}: write it as YYYY, e.g. 2023"),
            ),
            BadYearToDate { value } => t(
                format!("--ytd {value}：请写成 YYYY-MM，例如 2023-06（即 1–6 月累计）"),
                format!("--ytd {value}: write it as YYYY-MM, e.g. 2023-06 (January to June)"),
            ),
            BadDate { flag, value } => t(
                format!("--{flag} {value} 不是日期；请写成 2023-06-01"),
                format!("--{flag} {value} is not a date; write it like 2023-06-01"),
            ),
            Reversed { from, to } => t(
                format!("--from {from} 晚于 --to {to}"),
                format!("--from {from} is after --to {to}"),
            ),
            UnknownPrefecture { value } => t(
                format!("--prefecture {value} 不是区划表中的市州"),
                format!("--prefecture {value} is not a prefecture-level division of the region table"),
            ),
            UnknownCounty { value } => t(
                format!("--county {value} 不是区划表中的县市区"),
                format!("--county {value} is not a county-level division of the region table"),
            ),
            UnknownFilterValue {
                flag,
                value,
                accepted,
            } => t(
                format!("--{flag} {value} 不是以下之一：{accepted}"),
                format!("--{flag} {value} is not one of: {accepted}"),
            ),
            FilterWrongKind { flag, kind, other } => t(
                format!(
                    "--{flag} 只适用于{}记录；这个命令读的是{}记录",
                    kind_zh(kind),
                    kind_zh(other)
                ),
                format!("--{flag} applies to {kind} logs only; this command reads {other} logs"),
            ),
            FilterMatchesNothing { value } => t(
                format!("{value} 在数据中没有匹配的行"),
                format!("{value} matches no row in the data"),
            ),
            GroupingNotAllowed { by, what, allowed } => t(
                format!("--by {by}：{what}只能按 {allowed} 分组"),
                format!("--by {by}: {what} can be grouped by {allowed}"),
            ),
            CompareNeedsPeriod => t(
                "--compare previous/last-year 需要一个有起止日期的期间（--month、--quarter、--half、--year、--ytd 或 --from/--to）".into(),
                "--compare previous/last-year needs a period with both ends (--month, --quarter, --half, --year, --ytd or --from/--to)".into(),
            ),
            OutsideTheData {
                period,
                first,
                last,
            } => t(
                format!("期间 {period} 完全不在数据范围内（数据从 {first} 到 {last}）：表中都是 0"),
                format!("the period {period} lies outside the data ({first} to {last}): the table is all zeros"),
            ),
            ReportOutsideTheData {
                period,
                first,
                last,
            } => t(
                format!("期间 {period} 完全不在数据范围内（数据从 {first} 到 {last}），不生成报告"),
                format!("the period {period} lies outside the data ({first} to {last}): no report is written"),
            ),
            SlaDays => t(
                "--sla-days 必须是 0 到 3650 之间的天数".into(),
                "--sla-days must be a number of days above 0 and at most 3650".into(),
            ),
            LinkDays => t(
                "--link-days 必须在 0 到 36500 天之间".into(),
                "--link-days must lie between 0 and 36500 days".into(),
            ),
            XlsxNeedsOutput => t(
                "--format xlsx 生成工作簿：请用 --output 文件.xlsx 指定文件".into(),
                "--format xlsx writes a workbook: give --output FILE.xlsx".into(),
            ),
            ReportExists { folder } => t(
                format!("{folder}：报告文件夹已存在；要替换请加 --force"),
                format!("{folder}: the report folder exists; give --force to replace it"),
            ),
            NoClosedCase => t(
                "数据中没有已结案的调解案件，无法确定月份；请用 --month YYYY-MM 指定".into(),
                "no closed mediation case in the data to choose a month; give --month YYYY-MM".into(),
            ),
            ReportNeedsWholeMonths => t(
                "报告需要有起止日期的期间：--month、--quarter、--half、--year、--ytd 或 --from 加 --to".into(),
                "a report needs a period with both ends: --month, --quarter, --half, --year, --ytd or --from with --to".into(),
            ),
            CannotWrite { path } => t(
                format!("{path}：无法写入"),
                format!("{path}: cannot write"),
            ),
            OutputIsInput { output, input } => t(
                format!(
                    "{output}：这会写到输入 {input} 上（同一个文件、包含它的文件夹，或数据文件夹里）；输入文件只读不写，请换一个输出位置"
                ),
                format!(
                    "{output}: this would write over the input {input} (the same file, a folder holding it, or inside the data folder); inputs are only ever read: choose another place for the output"
                ),
            ),
            CannotWriteStdout => t(
                "无法写到标准输出".into(),
                "cannot write to standard output".into(),
            ),
            NoRowsAtAll => t(
                "没有可用的记录（没有读入文件，或每一行都被拒收）：表中都是 0".into(),
                "no usable rows (no file read, or every row rejected): the table is all zeros".into(),
            ),
            KindNotUsed { kind } => t(
                format!("这个命令不用{kind}记录，没有读取"),
                format!("this command does not use {kind} logs; not read"),
            ),
            RejectsNeedAFile => t(
                "--rejects 需要一个文件名：拒收行保留原始记录（含电话号码），只写到仅本人可读的文件，不输出到屏幕".into(),
                "--rejects needs a file name: rejected rows keep the raw record (phone numbers included) and go to a file only its owner can read, never to standard output".into(),
            ),
            WorkbookOnStdin => t(
                "这是一个工作簿：工作簿请用文件名指定（如 --mediation 台账.xlsx），标准输入只能读 CSV 或文本".into(),
                "this is a workbook: name a workbook as a file (e.g. --mediation register.xlsx); standard input takes CSV or text only".into(),
            ),
            StdinTwice => t(
                "标准输入（-）只能作为一个文件使用一次".into(),
                "standard input (-) can be given as one file only".into(),
            ),
            CannotBuildWorkbook { path } => t(
                format!("{path}：无法生成工作簿"),
                format!("{path}: cannot build the workbook"),
            ),
            CannotCreateFolder { path } => t(
                format!("{path}：无法创建文件夹"),
                format!("{path}: cannot create the folder"),
            ),
            QueryFailed {
                detail,
                tables: Some(tables),
            } => t(
                format!(
                    "查询失败：{detail}\n可用的表和列（类型见 disputes query --schema）：\n{tables}"
                ),
                format!(
                    "the query failed: {detail}\nTables and their columns (disputes query --schema for types):\n{tables}"
                ),
            ),
            QueryFailed {
                detail,
                tables: None,
            } => t(
                format!("查询失败：{detail}"),
                format!("the query failed: {detail}"),
            ),
            QueryRowsHidden {
                kept,
                hidden,
                all,
                at_prompt: false,
            } => t(
                format!("只显示前 {kept} 行，另有 {hidden} 行未显示（共 {all} 行）；--max-rows 0 显示全部，或用 --format csv / --output 文件 导出全部"),
                format!("the first {kept} rows shown, {hidden} more not shown ({all} in all); --max-rows 0 shows all, or --format csv / --output FILE exports all"),
            ),
            QueryRowsHidden {
                kept,
                hidden,
                all,
                at_prompt: true,
            } => t(
                format!("只显示前 {kept} 行，另有 {hidden} 行未显示（共 {all} 行）；.rows 0 显示全部，或加 LIMIT 只取需要的行"),
                format!("the first {kept} rows shown, {hidden} more not shown ({all} in all); .rows 0 shows all, or add a LIMIT"),
            ),
            QueryPromptBanner { history } => {
                let zh = history.clone().unwrap_or_else(|| "不保存".to_string());
                let en = history.clone().unwrap_or_else(|| "not kept".to_string());
                t(
                    format!("disputes query：对 mediation、hotline、regions、rejects、files 五张表的 SQL 查询。语句以 ; 结束，可以分几行输入；.schema 列出各列，.rows N 设置显示行数，.quit 退出。\n历史记录：{zh}（其中的电话号码已遮蔽）"),
                    format!("disputes query: SQL over mediation, hotline, regions, rejects, files. End statements with ; (they may span lines); .schema lists columns, .rows N sets rows shown, .quit leaves.\nhistory: {en} (phone numbers masked)"),
                )
            }
            QueryEmpty => t(
                "没有要执行的 SQL 语句".into(),
                "there is no SQL statement to run".into(),
            ),
            QueryTooLarge {
                terms,
                depth,
                subqueries,
            } => t(
                format!(
                    "查询太大：最多 {terms} 个由 AND、OR、UNION 或 + - * / || 连接的项、{depth} 层括号、{subqueries} 层嵌套子查询；请拆成几个查询，或改用 IN (…) 列出取值"
                ),
                format!(
                    "the query is too large: at most {terms} terms joined by AND, OR, UNION or + - * / ||, {depth} levels of brackets and {subqueries} subqueries inside one another; split it, or list values with IN (…)"
                ),
            ),
            QueryReadsFiles => t(
                "SQL 只能查询工具提供的表（mediation、hotline、regions、rejects、files），不能读写文件、连接其他数据库或安装扩展".into(),
                "SQL reads only the tables the tool gives it (mediation, hotline, regions, rejects, files): it cannot read or write files, attach databases or install extensions".into(),
            ),
            ErrorPrefix => t("disputes：错误：".into(), "disputes: error: ".into()),
            WarningPrefix => t("disputes：警告：".into(), "disputes: warning: ".into()),
        }
    }
}

fn kind_zh(kind: &str) -> &str {
    match kind {
        "hotline" => "热线",
        "mediation" => "调解",
        other => other,
    }
}

/// A log kind's name as messages say it.
pub fn kind_name(kind: &str) -> String {
    match language() {
        Lang::Zh => kind_zh(kind).to_string(),
        Lang::En => kind.to_string(),
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(language()))
    }
}

/// A message as an error, for `?` and `anyhow`.
impl std::error::Error for Message {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_control_characters_and_cuts_long_cells() {
        assert_eq!(quote("a\u{1b}[31m"), "\"a\\u{1b}[31m\"");
        let long = "x".repeat(1000);
        let quoted = quote(&long);
        assert_eq!(quoted.chars().count(), QUOTED_CHARS + 3);
        assert!(quoted.ends_with("…\""));
    }

    #[test]
    fn the_language_is_per_thread_and_chinese_by_default() {
        std::thread::spawn(|| {
            assert_eq!(language(), Lang::Zh);
            set_language(Lang::En);
            assert_eq!(Message::TotalRow.to_string(), "a total row, not a case");
        })
        .join()
        .unwrap();
        std::thread::spawn(|| assert_eq!(Message::TotalRow.to_string(), "合计行，不是案件"))
            .join()
            .unwrap();
    }

    #[test]
    fn columns_are_named_as_written_and_canonically() {
        std::thread::spawn(|| {
            set_language(Lang::Zh);
            assert_eq!(
                column_label("受理日期", "received_on"),
                "受理日期（received_on）"
            );
            assert_eq!(column_label("received_on", "received_on"), "received_on");
        })
        .join()
        .unwrap();
    }
}
