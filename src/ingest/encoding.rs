//! Text encodings of the exports: UTF-8 (with or without BOM) and GBK/GB18030,
//! what Excel on a Chinese Windows writes as "CSV".

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use super::reader::TextEncoding;

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
/// forced, and decodes. Text that is not valid UTF-8 is still UTF-8 when it
/// is mostly UTF-8 ([`Utf8Census::mostly_utf8`]); otherwise the one with
/// fewer undecodable bytes is used.
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
            let census = Utf8Census::of(bytes);
            if census.mostly_utf8() {
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

/// What bytes hold as UTF-8: their valid multi-byte characters and their
/// invalid sequences.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Utf8Census {
    multibyte: usize,
    invalid: usize,
}

impl Utf8Census {
    fn of(bytes: &[u8]) -> Utf8Census {
        let mut census = Utf8Census::default();
        census.add_valid_and_invalid(bytes, true);
        census
    }

    /// Counts `bytes`; returns the incomplete sequence at their end, if any
    /// and not `at_end`, for the next piece.
    fn add_valid_and_invalid<'a>(&mut self, mut bytes: &'a [u8], at_end: bool) -> &'a [u8] {
        loop {
            match std::str::from_utf8(bytes) {
                Ok(_) => {
                    self.add_valid(bytes);
                    return &[];
                }
                Err(e) => {
                    self.add_valid(&bytes[..e.valid_up_to()]);
                    match e.error_len() {
                        Some(len) => {
                            self.invalid += 1;
                            bytes = &bytes[e.valid_up_to() + len..];
                        }
                        None if at_end => {
                            self.invalid += 1;
                            return &[];
                        }
                        None => return &bytes[e.valid_up_to()..],
                    }
                }
            }
        }
    }

    fn add_valid(&mut self, valid: &[u8]) {
        // A multi-byte character starts with a byte of 0xC0 or above.
        self.multibyte += valid.iter().filter(|&&b| b >= 0xC0).count();
    }

    /// Whether bytes that are not valid UTF-8 are still UTF-8 with a few bad
    /// sequences (a GBK row pasted in): their valid multi-byte characters
    /// outnumber the invalid sequences more than twice. GB18030 decodes
    /// nearly any bytes, so "fewer undecodable sequences" alone turned a
    /// whole UTF-8 file with one GBK row into GBK and rejected every good
    /// row; GBK Chinese forms valid UTF-8 characters only by chance, about
    /// one for every five invalid sequences.
    fn mostly_utf8(&self) -> bool {
        self.multibyte > 2 * self.invalid
    }
}

fn count_replacements(text: &str) -> usize {
    text.matches('\u{FFFD}').count()
}

/// The encoding of a block of text (no BOM): UTF-8 when it is valid UTF-8,
/// else the one of UTF-8 and GB18030 with fewer undecodable bytes.
pub fn detect(bytes: &[u8]) -> Encoding {
    decode(bytes, None).encoding
}

/// The encoding of a whole file, decided over all of its bytes: UTF-8 when
/// they are valid UTF-8 or mostly UTF-8 ([`Utf8Census::mostly_utf8`]), else
/// the one with fewer undecodable sequences (GB18030 on a tie). Read in
/// pieces, so any size of file will do.
pub fn detect_file(path: &Path) -> std::io::Result<Encoding> {
    let mut file = std::fs::File::open(path)?;
    let mut piece = vec![0u8; 8 << 20];
    let mut carry: Vec<u8> = Vec::new();
    let mut census = Utf8Census::default();
    loop {
        let got = file.read(&mut piece)?;
        carry.extend_from_slice(&piece[..got]);
        let at_end = got == 0;
        // An incomplete sequence at the end waits for the next piece.
        carry = census.add_valid_and_invalid(&carry, at_end).to_vec();
        if at_end {
            break;
        }
    }
    let utf8_errors = census.invalid;
    if utf8_errors == 0 || census.mostly_utf8() {
        return Ok(Encoding::Utf8);
    }
    let mut file = std::fs::File::open(path)?;
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(piece.len() * 3 + 16);
    let mut gbk_errors = 0usize;
    loop {
        let got = file.read(&mut piece)?;
        let last = got == 0;
        let mut input = &piece[..got];
        loop {
            out.clear();
            let (result, read) =
                decoder.decode_to_string_without_replacement(input, &mut out, last);
            input = &input[read..];
            match result {
                encoding_rs::DecoderResult::Malformed(_, _) => gbk_errors += 1,
                encoding_rs::DecoderResult::OutputFull => {
                    out.reserve(out.capacity());
                }
                encoding_rs::DecoderResult::InputEmpty => break,
            }
        }
        if last {
            break;
        }
    }
    Ok(if utf8_errors < gbk_errors {
        Encoding::Utf8
    } else {
        Encoding::Gbk
    })
}

/// The UTF-16 encoding a byte-order mark names, if the bytes start with one.
pub fn utf16_bom(bytes: &[u8]) -> Option<TextEncoding> {
    if bytes.starts_with(b"\xFF\xFE") {
        Some(TextEncoding::Utf16Le)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Reads a UTF-16 stream (starting with its BOM) as UTF-8 bytes;
/// unpaired surrogates become U+FFFD, and their rows are rejected.
pub struct Utf16Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    out_pos: usize,
    finished: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(encoding: TextEncoding, inner: R) -> Utf16Reader<R> {
        let e = match encoding {
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            _ => encoding_rs::UTF_16LE,
        };
        Utf16Reader {
            inner,
            // The BOM is the encoding's own: decoding with BOM sniffing drops it.
            decoder: e.new_decoder_with_bom_removal(),
            input: vec![0; 1 << 20],
            output: Vec::new(),
            out_pos: 0,
            finished: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos == self.output.len() {
            if self.finished {
                return Ok(0);
            }
            let got = self.inner.read(&mut self.input)?;
            let last = got == 0;
            self.output.clear();
            self.out_pos = 0;
            let mut input = &self.input[..got];
            loop {
                let needed = self
                    .decoder
                    .max_utf8_buffer_length(input.len())
                    .unwrap_or(input.len() * 3 + 16);
                let start = self.output.len();
                self.output.resize(start + needed, 0);
                let (result, read, written, _) =
                    self.decoder
                        .decode_to_utf8(input, &mut self.output[start..], last);
                self.output.truncate(start + written);
                input = &input[read..];
                if result == encoding_rs::CoderResult::InputEmpty {
                    break;
                }
            }
            self.finished = last;
        }
        let n = buf.len().min(self.output.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
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
    fn utf8_with_a_gbk_row_pasted_in_stays_utf8_and_gbk_stays_gbk() {
        let row = "M1,法院+工会,武汉市,江岸区,法院委派,,欠薪,江岸区工会,2023-06-01\n";
        let mut mixed = row.repeat(50).into_bytes();
        let (gbk_row, _, _) = encoding_rs::GBK.encode(row);
        mixed.extend_from_slice(&gbk_row);
        mixed.extend_from_slice(row.repeat(50).as_bytes());
        assert_eq!(detect(&mixed), Encoding::Utf8);
        let decoded = decode(&mixed, None);
        assert!(decoded.had_errors);
        assert_eq!(decoded.text.matches(row).count(), 100);
        // A GBK file is GBK, however many of its byte pairs happen to be
        // valid UTF-8.
        let hundred = row.repeat(100);
        let (gbk, _, _) = encoding_rs::GBK.encode(&hundred);
        assert_eq!(detect(&gbk), Encoding::Gbk);
        let census = Utf8Census::of(&gbk);
        assert!(census.multibyte < census.invalid, "{census:?}");
        // Three UTF-8 characters and one bad byte: UTF-8; two and one: not.
        let three = Utf8Census::of(b"\xe6\xac\xa0\xe8\x96\xaa\xe6\xac\xa0\xff");
        assert_eq!((three.multibyte, three.invalid), (3, 1));
        assert!(three.mostly_utf8());
        assert!(!Utf8Census::of(b"\xe6\xac\xa0\xe8\x96\xaa\xff").mostly_utf8());
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
