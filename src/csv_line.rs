//! The quoting rules of a CSV cell, in one place: RFC 4180 quoting read
//! leniently, as Excel and WPS write it and as staff edit it by hand.
//!
//! - A cell whose first non-blank character is `"` is quoted: its text runs
//!   to the closing quote, `""` inside stands for one `"`, and delimiters
//!   and line breaks inside belong to the cell. Blanks before the opening
//!   quote are dropped; text after the closing quote is kept as written.
//! - Any other `"` is an ordinary character (`12"` stays `12"`).
//!
//! [`crate::ingest::csv_reader`] finds records and cells in whole files
//! with these rules; [`split`] applies them to one line (region tables,
//! header lines, tests).

use std::borrow::Cow;

/// Spaces, tabs and carriage returns: what may stand before an opening
/// quote.
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// Whether a cell's text is empty once trimmed as every cell is (spaces of
/// any width, full-width `　` too): a record of such cells is not a record.
pub fn is_empty_cell(bytes: &[u8]) -> bool {
    match bytes.first() {
        None => true,
        // The usual case, told by its first byte: a character that is not a space.
        Some(&b) if b.is_ascii() && !(b as char).is_whitespace() => false,
        _ => std::str::from_utf8(bytes).is_ok_and(|s| s.trim().is_empty()),
    }
}

/// The text of a cell as written between two delimiters. `quoted` says
/// whether its first non-blank character opened a quoted cell (the
/// scanner knows; [`split`] finds out).
pub fn cell_text(raw: &str, quoted: bool) -> Cow<'_, str> {
    if !quoted {
        return Cow::Borrowed(raw);
    }
    let Some(open) = raw.find('"') else {
        return Cow::Borrowed(raw);
    };
    let body = &raw[open + 1..];
    let mut out = String::new();
    let mut from = 0;
    loop {
        match body[from..].find('"') {
            Some(k) => {
                let q = from + k;
                if body.as_bytes().get(q + 1) == Some(&b'"') {
                    out.push_str(&body[from..=q]);
                    from = q + 2;
                    continue;
                }
                let rest = &body[q + 1..];
                if open == 0 && out.is_empty() && from == 0 && rest.is_empty() {
                    return Cow::Borrowed(&body[..q]);
                }
                out.push_str(&body[from..q]);
                out.push_str(rest);
                return Cow::Owned(out);
            }
            // Never closed (only in records already set aside): all of it.
            None => {
                out.push_str(&body[from..]);
                return Cow::Owned(out);
            }
        }
    }
}

/// Splits one record (no line break outside quotes) into its cells.
pub fn split(line: &str, delimiter: u8) -> Vec<String> {
    let bytes = line.as_bytes();
    let mut cells = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut quoted = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' && !quoted && is_blank(&bytes[start..i]) {
            quoted = true;
            // Skip to the closing quote.
            i += 1;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
        } else if b == delimiter {
            cells.push(cell_text(&line[start..i], quoted).into_owned());
            start = i + 1;
            quoted = false;
        }
        i += 1;
    }
    let end = if line.ends_with('\r') && delimiter != b'\r' {
        line.len() - 1
    } else {
        line.len()
    };
    cells.push(cell_text(&line[start..end.max(start)], quoted).into_owned());
    cells
}

/// A cell as CSV writes it: quoted when it holds a comma, quote or line
/// break.
pub fn quote(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_cells_unescape_doubled_quotes_and_keep_delimiters() {
        assert_eq!(split("\"x, \"\"y\"\"\",2", b','), ["x, \"y\"", "2"]);
        assert_eq!(split("a,\"\",c", b','), ["a", "", "c"]);
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_is_a_character() {
        assert_eq!(split("12\"x,b", b','), ["12\"x", "b"]);
    }

    #[test]
    fn blanks_before_a_quote_are_dropped_and_text_after_it_kept() {
        assert_eq!(split("a, \"b,c\"", b','), ["a", "b,c"]);
        assert_eq!(split("\"ab\"cd,e", b','), ["abcd", "e"]);
    }

    #[test]
    fn other_delimiters_split_alike() {
        assert_eq!(split("a\t\"b\tc\"\td", b'\t'), ["a", "b\tc", "d"]);
        assert_eq!(split("a;b", b';'), ["a", "b"]);
    }

    #[test]
    fn a_plain_quoted_cell_is_borrowed() {
        assert!(matches!(cell_text("\"abc\"", true), Cow::Borrowed("abc")));
    }
}
