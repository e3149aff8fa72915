//! Text encodings of the exports: UTF-8 (with or without BOM) and GBK/GB18030,
//! what Excel on a Chinese Windows writes as "CSV".

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
pub enum Encoding {
    #[value(name = "utf-8", alias = "utf8")]
    #[serde(rename = "utf-8")]
    Utf8,
    /// GB18030, the superset of GBK and GB2312; decoding GBK text as GB18030 is exact.
    #[value(name = "gbk", alias = "gb18030", alias = "gb2312")]
    #[serde(rename = "gbk")]
    Gbk,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK/GB18030",
        })
    }
}

/// Decoded text. Bytes that are not valid in the chosen encoding become
/// U+FFFD; the rows holding them are rejected later, never silently altered.
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    pub had_errors: bool,
}

/// Detects the encoding (BOM, then valid UTF-8, else GB18030) unless one is
/// forced, and decodes. When neither decodes cleanly, the one with fewer
/// undecodable bytes is used.
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF")
        && forced != Some(Encoding::Gbk)
    {
        return decode_as(rest, Encoding::Utf8);
    }
    match forced {
        Some(encoding) => decode_as(bytes, encoding),
        None => {
            let utf8 = decode_as(bytes, Encoding::Utf8);
            if !utf8.had_errors {
                return utf8;
            }
            let gbk = decode_as(bytes, Encoding::Gbk);
            if !gbk.had_errors || count_replacements(&gbk.text) < count_replacements(&utf8.text) {
                gbk
            } else {
                utf8
            }
        }
    }
}

/// [`decode`] for a block the reader owns: text that is already valid
/// UTF-8 becomes the `String` without a copy.
pub fn decode_owned(bytes: Vec<u8>, forced: Option<Encoding>) -> (String, Encoding, bool) {
    let may_be_utf8 = forced != Some(Encoding::Gbk) && !bytes.starts_with(b"\xEF\xBB\xBF");
    if may_be_utf8 && simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: validated as UTF-8 on the line above.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        return (text, Encoding::Utf8, false);
    }
    let decoded = decode(&bytes, forced);
    (
        decoded.text.into_owned(),
        decoded.encoding,
        decoded.had_errors,
    )
}

fn decode_as(bytes: &[u8], encoding: Encoding) -> Decoded<'_> {
    let (text, had_errors) = match encoding {
        // simdutf8 checks several times faster than std on Chinese text.
        Encoding::Utf8 => match simdutf8::basic::from_utf8(bytes) {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(bytes), true),
        },
        Encoding::Gbk => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            (text, had_errors)
        }
    };
    Decoded {
        text,
        encoding,
        had_errors,
    }
}

fn count_replacements(text: &str) -> usize {
    text.matches('\u{FFFD}').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_is_utf8_without_the_bom() {
        let d = decode("\u{feff}案件编号,x".as_bytes(), None);
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.text, "案件编号,x");
    }

    #[test]
    fn gbk_bytes_are_detected_and_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("案件编号,武汉市\n");
        let d = decode(&bytes, None);
        assert_eq!(d.encoding, Encoding::Gbk);
        assert!(!d.had_errors);
        assert_eq!(d.text, "案件编号,武汉市\n");
    }

    #[test]
    fn plain_ascii_is_utf8() {
        assert_eq!(decode(b"case_id\n1\n", None).encoding, Encoding::Utf8);
    }

    #[test]
    fn undecodable_bytes_become_replacement_characters() {
        let d = decode(b"case_id\n\xFF\xFF\n", None);
        assert!(d.had_errors);
        assert!(d.text.contains('\u{FFFD}'));
    }

    #[test]
    fn owned_decoding_matches_borrowed_decoding() {
        let (gbk, _, _) = encoding_rs::GBK.encode("案件编号,武汉市\n");
        let inputs: [&[u8]; 4] = [
            "案件编号,武汉市\n".as_bytes(),
            "\u{feff}案件编号\n".as_bytes(),
            &gbk,
            b"case_id\n\xFF\n",
        ];
        for bytes in inputs {
            for forced in [None, Some(Encoding::Utf8), Some(Encoding::Gbk)] {
                let borrowed = decode(bytes, forced);
                let (text, encoding, had_errors) = decode_owned(bytes.to_vec(), forced);
                assert_eq!(text, borrowed.text, "{bytes:?} {forced:?}");
                assert_eq!(encoding, borrowed.encoding);
                assert_eq!(had_errors, borrowed.had_errors);
            }
        }
    }

    #[test]
    fn forced_encoding_wins() {
        let d = decode("武汉".as_bytes(), Some(Encoding::Gbk));
        assert_eq!(d.encoding, Encoding::Gbk);
        assert_ne!(d.text, "武汉");
    }
}
