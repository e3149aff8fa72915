//! How a value reads in a table for people (terminal, Markdown): rates as
//! percentages, p-values rounded, verdicts with a marker. Exports never use
//! this: they carry full precision.

use super::{Column, ColumnKind, Value, cell_text};
use crate::Lang;

/// `x` rounded to `decimals` places as Excel shows it: half away from zero,
/// on the number's 15 significant digits (so 9/16 = 56.25% reads 56.3%
/// everywhere, and 1.005 reads 1.01, not the 1.00 its binary value gives).
/// The one rounding rule of every figure the tool prints.
pub fn fixed(x: f64, decimals: usize) -> String {
    let factor = 10f64.powi(decimals as i32);
    let scaled = x * factor;
    let scaled: f64 = format!("{scaled:.14e}").parse().unwrap_or(scaled);
    // f64::round is half away from zero; + 0.0 turns -0 into 0.
    let rounded = scaled.round() / factor + 0.0;
    format!("{rounded:.decimals$}")
}

/// As [`fixed`], with a sign: "+2.3", "-0.4", "+0.0".
pub fn fixed_signed(x: f64, decimals: usize) -> String {
    let text = fixed(x, decimals);
    match text.starts_with('-') {
        true => text,
        false => format!("+{text}"),
    }
}

/// A rate as a percentage with one decimal: "56.3%".
pub fn percent(x: f64) -> String {
    format!("{}%", fixed(x * 100.0, 1))
}

/// A verdict's marker and words.
pub fn verdict_label(code: &str, lang: Lang) -> String {
    let (marker, zh, en) = match code {
        "above" => ("▲", "高于基线", "above"),
        "below" => ("▼", "低于基线", "below"),
        "not_distinguishable" => ("＝", "无显著差异", "not distinguishable"),
        "too_few" => ("·", "样本过少", "too few"),
        "up" => ("▲", "上升", "up"),
        "down" => ("▼", "下降", "down"),
        "no_clear_change" => ("＝", "无明显变化", "no clear change"),
        "court_higher" => ("▲", "法院+工会较高", "court higher"),
        "arbitration_higher" => ("▼", "人社+工会较高", "arbitration higher"),
        "no_clear_difference" => ("＝", "无明显差异", "no clear difference"),
        other => ("", other, other),
    };
    match lang {
        Lang::Zh => format!("{marker} {zh}"),
        Lang::En => format!("{marker} {en}"),
    }
}

/// A cell as a table for people shows it: rounded, labelled, and with any
/// phone number masked (unless its column shows phones).
pub fn shown(value: &Value, column: &Column, lang: Lang) -> String {
    let text = format_value(value, column.kind, lang);
    match value {
        Value::Text { .. } => cell_text(&text, column).into_owned(),
        _ => text,
    }
}

/// A date as ISO text: 2023-03-14.
pub fn iso_date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A date and time as ISO text, seconds kept and fractions only when
/// there are any: 2023-03-14 13:21:00.
pub fn iso_datetime(t: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    if t.nanosecond() == 0 {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S%.f").to_string()
    }
}

/// A yes/no cell for people: 是/否, or TRUE/FALSE in English as Excel
/// writes them.
pub fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "TRUE",
        (false, Lang::En) => "FALSE",
    }
}

pub fn format_value(value: &Value, kind: ColumnKind, lang: Lang) -> String {
    match (value, kind) {
        (Value::Null, _) => "—".to_string(),
        (Value::Text { value, display }, ColumnKind::Verdict) => display
            .clone()
            .unwrap_or_else(|| verdict_label(value, lang)),
        (Value::Text { value, display }, _) => display.clone().unwrap_or_else(|| value.clone()),
        (Value::Int(i), _) => i.to_string(),
        (Value::Date(d), _) => iso_date(*d),
        (Value::DateTime(t), _) => iso_datetime(*t),
        (Value::Bool(b), _) => yes_no(*b, lang).to_string(),
        (Value::Float(f), ColumnKind::Rate) => percent(*f),
        (Value::Float(f), ColumnKind::PValue) => {
            if *f < 0.001 {
                "<0.001".to_string()
            } else {
                fixed(*f, 3)
            }
        }
        (Value::Float(f), ColumnKind::Hours) => fixed(*f, 1),
        (Value::Float(f), ColumnKind::Money) => fixed(f / 10_000.0, 2),
        (Value::Float(f), ColumnKind::Points) => fixed_signed(f * 100.0, 1),
        (Value::Float(f), ColumnKind::Number) => {
            let rounded = fixed(*f, 4);
            rounded
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        }
        (Value::Float(f), _) => format!("{f}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rounding_rule_half_away_from_zero_as_excel_shows() {
        // Excel: =TEXT(9/16,"0.0%") → 56.3%; =ROUND(1.005,2) → 1.01.
        assert_eq!(percent(9.0 / 16.0), "56.3%");
        assert_eq!(percent(1.0 / 16.0), "6.3%");
        assert_eq!(fixed(1.005, 2), "1.01");
        assert_eq!(fixed(2.5, 0), "3");
        assert_eq!(fixed(-2.5, 0), "-3");
        assert_eq!(fixed_signed(-0.125 * 100.0, 1), "-12.5");
        assert_eq!(fixed_signed(-0.01, 1), "+0.0", "no -0.0");
        assert_eq!(fixed(0.1 + 0.2, 4), "0.3000");
    }

    #[test]
    fn rates_read_as_percentages() {
        assert_eq!(
            format_value(&Value::Float(0.58064), ColumnKind::Rate, Lang::Zh),
            "58.1%"
        );
    }

    #[test]
    fn tiny_p_values_read_as_below_a_thousandth() {
        assert_eq!(
            format_value(&Value::Float(0.00004), ColumnKind::PValue, Lang::En),
            "<0.001"
        );
        assert_eq!(
            format_value(&Value::Float(0.14618), ColumnKind::PValue, Lang::En),
            "0.146"
        );
    }

    #[test]
    fn verdicts_carry_markers() {
        assert_eq!(verdict_label("below", Lang::Zh), "▼ 低于基线");
        assert_eq!(verdict_label("above", Lang::En), "▲ above");
    }

    #[test]
    fn missing_values_show_a_dash() {
        assert_eq!(format_value(&Value::Null, ColumnKind::Rate, Lang::En), "—");
    }
}
