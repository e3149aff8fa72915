//! How a value reads in a table for people (terminal, Markdown): rates as
//! percentages, p-values rounded, verdicts with a marker. Exports never use
//! this: they carry full precision.

use super::{Column, ColumnKind, Value, cell_text};
use crate::Lang;

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

pub fn format_value(value: &Value, kind: ColumnKind, lang: Lang) -> String {
    match (value, kind) {
        (Value::Null, _) => "—".to_string(),
        (Value::Text { value, display }, ColumnKind::Verdict) => display
            .clone()
            .unwrap_or_else(|| verdict_label(value, lang)),
        (Value::Text { value, display }, _) => display.clone().unwrap_or_else(|| value.clone()),
        (Value::Int(i), _) => i.to_string(),
        (Value::Float(f), ColumnKind::Rate) => format!("{:.1}%", f * 100.0),
        (Value::Float(f), ColumnKind::PValue) => {
            if *f < 0.001 {
                "<0.001".to_string()
            } else {
                format!("{f:.3}")
            }
        }
        (Value::Float(f), ColumnKind::Hours) => format!("{f:.1}"),
        (Value::Float(f), ColumnKind::Money) => format!("{:.2}", f / 10_000.0),
        (Value::Float(f), ColumnKind::Points) => format!("{:+.1}", f * 100.0),
        (Value::Float(f), ColumnKind::Number) => {
            let rounded = format!("{f:.4}");
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
