//! What can be wrong with a record: the row rules in the order they are
//! tried, then the problems found before any value is looked at. Each
//! problem's code (for counting) and its words for people stand here,
//! side by side.

use crate::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problem {
    // Row rules, in the order they are tried (see ingest::validate).
    MissingRequired = 1,
    Unparseable = 2,
    OutOfRange = 3,
    MangledId = 4,
    CountyNotInPrefecture = 5,
    ClosingDateMissing = 6,
    ClosingDateNotAllowed = 7,
    ClosedBeforeReceived = 8,
    SettledWithoutSuccess = 9,
    ResavedId = 10,
    // Records that cannot become rows at all.
    TotalRow = 19,
    Ragged = 20,
    UnclosedQuote = 21,
    Undecodable = 22,
    StrayQuote = 23,
    ErrorCell = 24,
}

impl Problem {
    /// The row rules, in the order they are tried.
    pub const RULES: [Problem; 10] = [
        Problem::MissingRequired,
        Problem::Unparseable,
        Problem::OutOfRange,
        Problem::MangledId,
        Problem::CountyNotInPrefecture,
        Problem::ClosingDateMissing,
        Problem::ClosingDateNotAllowed,
        Problem::ClosedBeforeReceived,
        Problem::SettledWithoutSuccess,
        Problem::ResavedId,
    ];

    /// The records that cannot become rows at all.
    pub const STRUCTURAL: [Problem; 6] = [
        Problem::TotalRow,
        Problem::Ragged,
        Problem::UnclosedQuote,
        Problem::Undecodable,
        Problem::StrayQuote,
        Problem::ErrorCell,
    ];

    /// The problem of a number (`problem as u8`), as the cache stores it.
    pub fn from_repr(n: u8) -> Option<Problem> {
        Problem::RULES
            .into_iter()
            .chain(Problem::STRUCTURAL)
            .find(|p| *p as u8 == n)
    }

    /// Stable machine name (CSV/JSON, counting rejects by problem).
    pub fn code(self) -> &'static str {
        self.words().0
    }

    /// The problem in a few words, for tables of rejected rows.
    pub fn label(self, lang: Lang) -> &'static str {
        let (_, zh, en) = self.words();
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Problem::MissingRequired => {
                ("missing_required", "必填项为空", "required value missing")
            }
            Problem::Unparseable => ("unparseable", "无法识别的值", "value cannot be read"),
            Problem::OutOfRange => ("out_of_range", "数值超出范围", "number out of range"),
            Problem::MangledId => (
                "mangled_id",
                "编号被Excel改成科学计数法",
                "id mangled by Excel",
            ),
            Problem::CountyNotInPrefecture => (
                "county_not_in_prefecture",
                "县市区不属于该市州",
                "county not in its prefecture",
            ),
            Problem::ClosingDateMissing => (
                "closing_date_missing",
                "已结案但缺结案日期",
                "closing date missing",
            ),
            Problem::ClosingDateNotAllowed => (
                "closing_date_not_allowed",
                "未结案却有结案日期",
                "closing date on an open row",
            ),
            Problem::ClosedBeforeReceived => (
                "closed_before_received",
                "结案早于受理",
                "closed before received",
            ),
            Problem::SettledWithoutSuccess => (
                "settled_without_success",
                "未调解成功却有调解金额",
                "settled amount without success",
            ),
            Problem::Ragged => ("ragged", "列数与表头不符", "wrong number of cells"),
            Problem::UnclosedQuote => ("unclosed_quote", "引号未闭合", "unclosed quote"),
            Problem::Undecodable => ("undecodable", "无法解码的字节", "undecodable bytes"),
            Problem::TotalRow => ("total_row", "合计行", "total row"),
            Problem::ResavedId => (
                "resaved_id",
                "编号像是科学计数法另存后丢了末位",
                "id looks re-saved from Excel's scientific notation",
            ),
            Problem::StrayQuote => ("stray_quote", "引号不成对", "stray quote"),
            Problem::ErrorCell => ("error_cell", "Excel错误值", "Excel error value"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_a_distinct_code_and_words_in_both_languages() {
        let all = [
            Problem::RULES.to_vec(),
            vec![
                Problem::Ragged,
                Problem::UnclosedQuote,
                Problem::Undecodable,
            ],
        ]
        .concat();
        let mut codes: Vec<&str> = all.iter().map(|p| p.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for p in all {
            assert_ne!(p.label(Lang::Zh), p.label(Lang::En), "{p:?}");
        }
    }
}
