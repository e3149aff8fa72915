//! Parsers for single cell values: dates in every form the exports use,
//! numbers, phone numbers, ids. Pure functions; the loader applies them to
//! each distinct value of a column once and joins the result back.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::regions::fold_full_width;

/// Excel's day 0. Serial 1 is 1900-01-01, so below 60 the count runs from
/// 1899-12-31; Excel also counts a phantom 1900-02-29 as serial 60, so from
/// serial 61 (1900-03-01) on it runs from 1899-12-30.
fn excel_epoch(serial: f64) -> NaiveDate {
    let (y, m, d) = if serial < 60.0 {
        (1899, 12, 31)
    } else {
        (1899, 12, 30)
    };
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn fold(raw: &str) -> String {
    raw.trim().chars().map(fold_full_width).collect::<String>()
}

/// A date: `2023-06-01`, `2023/6/1`, `2023.6.1`, `2023年6月1日`, `20230601`,
/// or an Excel serial day number (`45078`, 1 to 5 digits). A time after the
/// date (as Excel shows a date cell, `2023/6/1 0:00`) is allowed and dropped.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = fold(raw);
    if let Some(days) = excel_serial(&s) {
        return (days.fract() == 0.0)
            .then(|| serial_to_datetime(days))
            .flatten()
            .map(|d| d.date());
    }
    let (date, rest) = split_date(&s)?;
    if rest.is_empty() || parse_time(rest).is_some() {
        Some(date)
    } else {
        None
    }
}

/// A datetime: a date as in [`parse_date`] plus ` 09:15`, ` 9:15`,
/// ` 09:15:00` or `T09:15:00`; a date alone is 00:00; an Excel serial with a
/// fraction (`45078.375` = 09:00, rounded to the nearest second).
pub fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let s = fold(raw);
    if let Some(days) = excel_serial(&s) {
        return serial_to_datetime(days);
    }
    let (date, rest) = split_date(&s)?;
    if rest.is_empty() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    Some(date.and_time(parse_time(rest)?))
}

/// Whether a cell is an Excel serial day number (what a date cell becomes
/// in a CSV saved from a sheet that lost its date format).
pub fn is_excel_serial(raw: &str) -> bool {
    excel_serial(&fold(raw)).is_some()
}

/// 1 to 5 digits, optionally with a fraction: an Excel serial day number.
/// (Eight digits are `yyyymmdd`, handled by [`split_date`].)
fn excel_serial(s: &str) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || int.len() > 5 || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let value: f64 = s.parse().ok()?;
    (value >= 1.0).then_some(value)
}

/// An Excel serial as Excel reads it: 1 = 1900-01-01, 61 = 1900-03-01;
/// none for serial 60, the 1900-02-29 that Excel counts but never was.
fn serial_to_datetime(days: f64) -> Option<NaiveDateTime> {
    if (60.0..61.0).contains(&days) {
        return None;
    }
    let seconds = (days * 86_400.0).round() as i64;
    Some(excel_epoch(days).and_time(NaiveTime::MIN) + Duration::seconds(seconds))
}

/// Reads the date at the front of `s`; returns it and what follows, with
/// the separator before a time (space(s) or `T`) removed.
fn split_date(s: &str) -> Option<(NaiveDate, &str)> {
    let (year, month, day, end) = split_ymd(s)?;
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let rest = &s[end..];
    let rest = rest.strip_prefix('T').unwrap_or(rest).trim_start();
    Some((date, rest))
}

/// A text written as a date whose day does not exist (2023-02-30,
/// 2023-13-01): its year, month and day, so the reason can say so.
pub fn no_such_day(raw: &str) -> Option<(u32, u32, u32)> {
    let s = fold(raw);
    let (year, month, day, _) = split_ymd(&s)?;
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .is_none()
        .then_some((year, month, day))
}

/// The days of a month (none for a month that does not exist).
pub fn days_in_month(year: u32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year as i32, month, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((next - first).num_days() as u32)
}

/// Year, month, day and where they end, as numbers, before checking that
/// the day exists.
fn split_ymd(s: &str) -> Option<(u32, u32, u32, usize)> {
    let bytes = s.as_bytes();
    let take_digits = |from: usize, max: usize| -> (usize, usize) {
        let mut end = from;
        while end < bytes.len() && end - from < max && bytes[end].is_ascii_digit() {
            end += 1;
        }
        (from, end)
    };
    let (ys, ye) = take_digits(0, 8);
    let num = |a: usize, b: usize| s[a..b].parse::<u32>().ok();
    let year_digits = ye - ys;
    // LibreOffice and WPS in a Chinese locale write two-digit years before
    // 年, - or / (23年12月20日, 23-12-20, 23/6/1): 2000 + yy.
    let two_digit_year =
        year_digits == 2 && (s[2..].starts_with('年') || s[2..].starts_with(['-', '/']));
    let (year, month, day, end) = if year_digits == 8 {
        // yyyymmdd
        (num(0, 4)?, num(4, 6)?, num(6, 8)?, 8)
    } else if year_digits == 4 || two_digit_year {
        let rest = &s[year_digits..];
        let (sep1, sep2, sep3): (&str, &str, &str) = if rest.starts_with('年') {
            ("年", "月", "日")
        } else {
            let c = rest.chars().next()?;
            if !matches!(c, '-' | '/' | '.') {
                return None;
            }
            let sep = &rest[..1];
            (sep, sep, "")
        };
        let m_from = year_digits + sep1.len();
        let (ms, me) = take_digits(m_from, 2);
        if me == ms || !s[me..].starts_with(sep2) {
            return None;
        }
        let d_from = me + sep2.len();
        let (ds, de) = take_digits(d_from, 2);
        if de == ds {
            return None;
        }
        let mut end = de;
        if !sep3.is_empty() && s[end..].starts_with(sep3) {
            end += sep3.len();
        }
        let year = num(0, year_digits)? + if two_digit_year { 2000 } else { 0 };
        (year, num(ms, me)?, num(ds, de)?, end)
    } else {
        return None;
    };
    if !(1900..=2100).contains(&year) {
        return None;
    }
    Some((year, month, day, end))
}

/// `9:15`, `09:15`, `09:15:00` (an optional fraction of a second is dropped).
fn parse_time(s: &str) -> Option<NaiveTime> {
    let mut parts = s.split(':');
    let h: u32 = small_number(parts.next()?, 2)?;
    let m: u32 = small_number(parts.next()?, 2)?;
    let sec: u32 = match parts.next() {
        Some(p) => small_number(p.split('.').next()?, 2)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    NaiveTime::from_hms_opt(h, m, sec)
}

fn small_number(s: &str, max_digits: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A decimal amount: `1234.5`, `1,234.50` (thousands separators), with an
/// optional `¥`/`￥` in front or `元` behind.
pub fn parse_decimal(raw: &str) -> Option<f64> {
    // Most amounts are plain (`13872.78`): read where they stand, without
    // the copies below. For such text the full reading is the same steps.
    let bytes = raw.as_bytes();
    let plain = match (bytes.first(), bytes.last()) {
        // Nothing to trim when both ends are digits.
        (Some(a), Some(z)) if a.is_ascii_digit() && z.is_ascii_digit() => raw,
        _ => raw.trim(),
    };
    if let Some(v) = short_decimal(plain.as_bytes()) {
        return Some(v);
    }
    if !plain.is_empty()
        && plain
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'))
    {
        return plain.parse::<f64>().ok().filter(|v| v.is_finite());
    }
    parse_decimal_in_full(raw)
}

/// Digits with at most one point and at most 15 digits in all (`104855`,
/// `13872.78`), read without the general parser: the digits as a whole
/// number `m` and `k` digits after the point give `m / 10^k`, one division
/// of two numbers a double holds exactly (`m < 2^53`, `10^k` for `k ≤ 22`),
/// so correctly rounded: the double the general parser gives (Clinger's
/// fast path). `None` for anything else.
fn short_decimal(bytes: &[u8]) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    // Fifteen digits and a point at most: the loop below needs no count
    // (sixteen digits still fit in a u64; they are refused after it).
    if bytes.is_empty() || bytes.len() > 16 {
        return None;
    }
    let mut whole: u64 = 0;
    let mut point = None;
    for (i, &b) in bytes.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            whole = whole * 10 + u64::from(digit);
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let digits = bytes.len() - usize::from(point.is_some());
    if digits == 0 || digits > 15 {
        return None;
    }
    let after_point = point.map_or(0, |p| bytes.len() - p - 1);
    Some(whole as f64 / POWERS[after_point])
}

/// [`parse_decimal`] for any text: width folded, currency signs and
/// thousands separators taken off.
fn parse_decimal_in_full(raw: &str) -> Option<f64> {
    let s = fold(raw);
    let s = s
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .trim();
    if s.contains(',') && !grouped_by_thousands(s) {
        return None;
    }
    let plain: String = s.chars().filter(|&c| c != ',').collect();
    if plain.is_empty()
        || !plain
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Commas only as thousands separators: `1,234`, `-12,345.50`, `1,234,567`
/// (one to three digits, then groups of exactly three), never `1,2,3`, and
/// never after the point (`1.234,5` is a European `1234.5` or a typing
/// slip: either way not the number it would read as).
fn grouped_by_thousands(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if fraction.contains(',') {
        return false;
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    (1..=3).contains(&first.len()) && digits(first) && groups.all(|g| g.len() == 3 && digits(g))
}

/// A whole number (`3`, also `3.0` as Excel may write it).
pub fn parse_integer(raw: &str) -> Option<i64> {
    let v = parse_decimal(raw)?;
    (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

/// A phone number as its digits: spaces, dashes, brackets and a leading
/// `+86` dropped (`+86 158…`, `(+86)158…`, `（+86）158…`).
pub fn phone_digits(raw: &str) -> String {
    let s = fold(raw);
    let s = s.trim_start_matches([' ', '(']);
    let s = s.strip_prefix("+86").unwrap_or(s);
    s.chars().filter(char::is_ascii_digit).collect()
}

/// 138****1234: the first three and last four digits only.
pub fn mask_phone(digits: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() >= 8 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    } else {
        "****".to_string()
    }
}

/// A character of a text scanned for phones: a `char`, or a byte of an
/// ASCII text, which is scanned where it stands instead of copied into
/// `char`s first (ids leave for SQL by the million).
trait Glyph: Copy {
    fn ch(self) -> char;
}

impl Glyph for char {
    fn ch(self) -> char {
        self
    }
}

impl Glyph for u8 {
    fn ch(self) -> char {
        char::from(self)
    }
}

/// The digit a character stands for (ASCII or full-width).
fn digit_of(c: char) -> Option<char> {
    let f = fold_full_width(c);
    f.is_ascii_digit().then_some(f)
}

/// A mobile number's 11 digits (1[3-9]…), after a country code 86.
fn mobile(digits: &str, plus: bool) -> Option<&str> {
    let d = match digits.strip_prefix("86") {
        Some(rest) if plus || digits.len() == 13 => rest,
        _ if plus => return None,
        _ => digits,
    };
    let b = d.as_bytes();
    (b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])).then_some(d)
}

/// A mobile number typed at `chars[i..]`: `13987654321`, `139-8765-4321`,
/// `139 8765 4321`, `+86 139 8765 4321`, `+8613987654321`, full-width
/// digits. Returns where it ends and its 11 digits.
fn phone_at<G: Glyph>(chars: &[G], i: usize) -> Option<(usize, String)> {
    let mut j = i;
    let plus = fold_full_width(chars[j].ch()) == '+';
    if plus {
        j += 1;
    }
    // Up to four groups of digits, each separated by one space or dash; the
    // digits so far are tried as a number after each group. No number has
    // more than 13 digits (86 and 11), so only the first 14 are kept: ids
    // pass through here by the million and must not allocate.
    let mut digits = [0u8; 14];
    let mut len = 0;
    for group in 1..=4 {
        let start = j;
        while let Some(d) = chars.get(j).and_then(|c| digit_of(c.ch())) {
            if len < digits.len() {
                digits[len] = d as u8;
            }
            len += 1;
            j += 1;
        }
        if j == start || len > 13 {
            return None;
        }
        let so_far = std::str::from_utf8(&digits[..len]).ok()?;
        if let Some(d) = mobile(so_far, plus) {
            return Some((j, d.to_string()));
        }
        let separated = chars
            .get(j)
            .is_some_and(|&c| matches!(fold_full_width(c.ch()), ' ' | '-'))
            && chars.get(j + 1).and_then(|c| digit_of(c.ch())).is_some();
        if !separated || group == 4 {
            return None;
        }
        j += 1;
    }
    None
}

/// Whether a text could hold a mobile number at all: it has 11 digits or
/// more, and somewhere a 1 is followed by a digit 3–9, directly or after
/// one space or dash (every mobile number [`phone_at`] finds is so). Most
/// text fails it; ids such as TJ-420600-2023-000103 do, and skip the full
/// scan.
fn could_hold_mobile(text: &str) -> bool {
    if text.is_ascii() {
        text.bytes().filter(u8::is_ascii_digit).count() >= 11
            && holds_one_then_three_to_nine(text.bytes().map(char::from))
    } else {
        text.chars().filter(|&c| digit_of(c).is_some()).count() >= 11
            && holds_one_then_three_to_nine(text.chars().map(fold_full_width))
    }
}

fn holds_one_then_three_to_nine(mut chars: impl Iterator<Item = char> + Clone) -> bool {
    while let Some(c) = chars.next() {
        if c != '1' {
            continue;
        }
        let mut next = chars.clone();
        let second = match next.next() {
            Some(' ' | '-') => next.next(),
            other => other,
        };
        if second.is_some_and(|d| ('3'..='9').contains(&d)) {
            return true;
        }
    }
    false
}

/// Masks every mobile number inside free text, in any of the forms people
/// type (see [`phone_at`]), e.g. a phone typed into the wrong column and
/// quoted in a reject reason. Other runs of digits (ids, dates) stay.
pub fn mask_phones_in(text: &str) -> String {
    mask_phones_of(text).into_owned()
}

/// [`mask_phones_in`], borrowing the text when it holds no number (most
/// texts: this runs on every text cell leaving for SQL or a file).
pub fn mask_phones_of(text: &str) -> std::borrow::Cow<'_, str> {
    if !could_hold_mobile(text) {
        std::borrow::Cow::Borrowed(text)
    } else if text.is_ascii() {
        mask_phones_of_glyphs(text, text.as_bytes())
    } else {
        let chars: Vec<char> = text.chars().collect();
        mask_phones_of_glyphs(text, &chars)
    }
}

/// [`mask_phones_of`] over the text's characters.
fn mask_phones_of_glyphs<'t, G: Glyph>(text: &'t str, chars: &[G]) -> std::borrow::Cow<'t, str> {
    let Some(mut phone) = next_phone(chars, 0) else {
        return std::borrow::Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    loop {
        let (start, end, digits) = phone;
        out.extend(chars[copied..start].iter().map(|c| c.ch()));
        out.push_str(&mask_phone(&digits));
        copied = end;
        match next_phone(chars, end) {
            Some(next) => phone = next,
            None => break,
        }
    }
    out.extend(chars[copied..].iter().map(|c| c.ch()));
    std::borrow::Cow::Owned(out)
}

/// Whether a number may start at `chars[i]`: a digit (or a `+` before
/// one) that does not continue a run of digits.
fn number_starts_at<G: Glyph>(chars: &[G], i: usize) -> bool {
    let starts = digit_of(chars[i].ch()).is_some()
        || (fold_full_width(chars[i].ch()) == '+'
            && chars.get(i + 1).and_then(|c| digit_of(c.ch())).is_some());
    starts && !(i > 0 && digit_of(chars[i - 1].ch()).is_some())
}

/// The first mobile number at or after `from`: where it starts, where it
/// ends and its 11 digits. A number starts a run of digits (or is a `+`
/// before one); a run that is no number is passed over whole, so other
/// runs of digits (ids, dates) stay as they are.
fn next_phone<G: Glyph>(chars: &[G], from: usize) -> Option<(usize, usize, String)> {
    let mut i = from;
    while i < chars.len() {
        if number_starts_at(chars, i) {
            if let Some((end, digits)) = phone_at(chars, i) {
                return Some((i, end, digits));
            }
            // Not a phone: pass over the run of digits whole.
            i += 1;
            while chars.get(i).and_then(|c| digit_of(c.ch())).is_some() {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`phone_at`] as first written (groups kept as strings, then tried),
    /// kept as the reference for the allocation-free one.
    fn reference_phone_at(chars: &[char], i: usize) -> Option<(usize, String)> {
        let mut j = i;
        let plus = fold_full_width(chars[j]) == '+';
        if plus {
            j += 1;
        }
        let mut groups: Vec<(String, usize)> = Vec::new();
        loop {
            let mut group = String::new();
            while let Some(d) = chars.get(j).copied().and_then(digit_of) {
                group.push(d);
                j += 1;
            }
            if group.is_empty() {
                break;
            }
            groups.push((group, j));
            let separated = chars
                .get(j)
                .is_some_and(|&c| matches!(fold_full_width(c), ' ' | '-'))
                && chars.get(j + 1).copied().and_then(digit_of).is_some();
            if !separated || groups.len() == 4 {
                break;
            }
            j += 1;
        }
        let mut digits = String::new();
        for (group, end) in &groups {
            digits.push_str(group);
            if let Some(d) = mobile(&digits, plus) {
                return Some((*end, d.to_string()));
            }
            if digits.len() > 13 {
                break;
            }
        }
        None
    }

    /// [`mask_phones_in`] as first written: one walk copying as it goes.
    fn reference_mask_phones_in(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if number_starts_at(&chars, i) {
                if let Some((end, digits)) = reference_phone_at(&chars, i) {
                    out.push_str(&mask_phone(&digits));
                    i = end;
                    continue;
                }
                out.push(c);
                i += 1;
                while let Some(&d) = chars.get(i) {
                    if digit_of(d).is_none() {
                        break;
                    }
                    out.push(d);
                    i += 1;
                }
                continue;
            }
            out.push(c);
            i += 1;
        }
        out
    }

    #[test]
    fn phones_are_found_and_masked_as_the_reference_does() {
        // Texts of digits (mostly 1, 3, 8, 6 so that numbers occur), spaces,
        // dashes, plus signs, full-width digits and letters, from a fixed LCG.
        let alphabet: Vec<char> = "1111338860579  --++１３８Ａa".chars().collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as usize % n
        };
        // Every other text ASCII only, which is scanned as bytes.
        let ascii: Vec<char> = "1111338860579  --++a".chars().collect();
        let mut found = 0;
        for round in 0..100_000 {
            let len = 1 + next(30);
            let letters = if round % 2 == 0 { &ascii } else { &alphabet };
            let chars: Vec<char> = (0..len).map(|_| letters[next(letters.len())]).collect();
            for i in 0..chars.len() {
                let want = reference_phone_at(&chars, i);
                found += usize::from(want.is_some());
                assert_eq!(
                    phone_at(&chars, i),
                    want,
                    "{:?} at {i}",
                    chars.iter().collect::<String>()
                );
            }
            let text: String = chars.iter().collect();
            let masked = mask_phones_of(&text);
            assert_eq!(masked, reference_mask_phones_in(&text), "{text:?}");
            assert_eq!(
                matches!(masked, std::borrow::Cow::Borrowed(_)),
                masked == text
            );
            // The quick test never passes over a text that holds a phone.
            assert!(could_hold_mobile(&text) || masked == text, "{text:?}");
        }
        assert!(found > 1_000, "the texts hold numbers ({found})");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, s).unwrap()
    }

    #[test]
    fn only_texts_that_could_hold_a_mobile_are_scanned() {
        for phone in [
            "13987654321",
            "139-8765-4321",
            "1 39 8765 4321",
            "１３９８７６５４３２１",
            "+86 139 8765 4321",
        ] {
            assert!(could_hold_mobile(phone), "{phone}");
            assert_ne!(mask_phones_in(phone), phone);
        }
        for id in [
            "TJ-420600-2023-000103",
            "2023-01-02",
            "10000",
            "RX2023060100123",
        ] {
            assert!(!could_hold_mobile(id), "{id}");
        }
    }

    #[test]
    fn every_date_form_of_the_spec_parses() {
        for s in [
            "2023-06-01",
            "2023/6/1",
            "2023.6.1",
            "2023年6月1日",
            "20230601",
            "45078",
            " 2023-06-01 ",
            "2023/06/01",
            "２０２３-０６-０１",
            "2023年06月01日",
        ] {
            assert_eq!(parse_date(s), Some(d(2023, 6, 1)), "{s}");
        }
    }

    #[test]
    fn two_digit_years_as_libreoffice_and_wps_write_them() {
        for s in ["23年6月1日", "23-6-1", "23/06/01", "23-06-01 00:00"] {
            assert_eq!(parse_date(s), Some(d(2023, 6, 1)), "{s}");
        }
        assert_eq!(
            parse_datetime("23-12-20 9:15"),
            Some(dt(2023, 12, 20, 9, 15, 0))
        );
        // Not year-first, or not a two-digit-year form.
        for s in ["12/20/23", "23.6.1", "6-1", "123-6-1"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn impossible_or_foreign_dates_do_not_parse() {
        for s in [
            "2023-02-30",
            "2023-13-01",
            "2023-6",
            "06/01/2023",
            "June 1",
            "2023-06-01x",
            "123456",
            "0",
            "2023/6-1",
            "45078.5",
            "",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn date_column_tolerates_a_time_as_excel_shows_it() {
        assert_eq!(parse_date("2023/6/1 0:00"), Some(d(2023, 6, 1)));
    }

    #[test]
    fn every_datetime_form_of_the_spec_parses() {
        for s in [
            "2023-06-01 09:15",
            "2023-06-01 9:15",
            "2023/6/1 9:15",
            "2023-06-01 09:15:00",
            "2023-06-01T09:15:00",
            "2023年6月1日 09:15",
            "20230601 09:15",
            "45078.385416667",
        ] {
            assert_eq!(parse_datetime(s), Some(dt(2023, 6, 1, 9, 15, 0)), "{s}");
        }
    }

    #[test]
    fn date_alone_in_a_datetime_column_is_midnight() {
        assert_eq!(parse_datetime("2023/6/1"), Some(dt(2023, 6, 1, 0, 0, 0)));
        assert_eq!(parse_datetime("45078"), Some(dt(2023, 6, 1, 0, 0, 0)));
    }

    #[test]
    fn excel_serial_fraction_rounds_to_the_second() {
        assert_eq!(parse_datetime("45078.375"), Some(dt(2023, 6, 1, 9, 0, 0)));
        // 0.5 s past 09:00:00 rounds up.
        let half_second = 45078.375 + 0.5 / 86_400.0;
        assert_eq!(
            parse_datetime(&format!("{half_second:.12}")),
            Some(dt(2023, 6, 1, 9, 0, 1))
        );
    }

    #[test]
    fn bad_times_do_not_parse() {
        for s in [
            "2023-06-01 25:00",
            "2023-06-01 9:60",
            "2023-06-01 9",
            "2023-06-01 noon",
        ] {
            assert_eq!(parse_datetime(s), None, "{s}");
        }
    }

    #[test]
    fn plain_decimals_read_where_they_stand_as_the_full_reading_has_them() {
        let alphabet = ["0", "1", "9", ".", "-", "+", " ", "e", ",", "元", "５"];
        let mut texts = vec![String::new()];
        let mut frontier = texts.clone();
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            texts.extend(frontier.iter().cloned());
        }
        texts.extend(["13872.78", " 26342.10 ", "1e309"].map(String::from));
        texts.push("9".repeat(400));
        for text in &texts {
            assert_eq!(
                parse_decimal(text).map(f64::to_bits),
                parse_decimal_in_full(text).map(f64::to_bits),
                "{text:?}"
            );
        }
    }

    #[test]
    fn short_decimals_are_the_doubles_the_general_parser_gives() {
        // Reference: Rust's correctly rounded `f64::from_str`, on random
        // digit strings with and without a point, up to 20 digits.
        let mut next = crate::testing::below(0x9E37_79B9_7F4A_7C15);
        let mut shown = 0;
        for _ in 0..200_000 {
            let len = 1 + next(20);
            let mut text: String = (0..len)
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect();
            if next(3) > 0 {
                let at = next(len + 1);
                text.insert(at, '.');
            }
            let fast = short_decimal(text.as_bytes());
            if let Some(v) = fast {
                shown += 1;
                assert_eq!(
                    Some(v.to_bits()),
                    text.parse::<f64>().ok().map(f64::to_bits),
                    "{text}"
                );
            }
            assert_eq!(
                parse_decimal(&text).map(f64::to_bits),
                text.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(f64::to_bits),
                "{text}"
            );
        }
        assert!(shown > 100_000, "{shown}");
        for text in [
            ".",
            "",
            "1.2.3",
            "-5",
            "+5",
            "1e5",
            " 5",
            "0.1",
            "9007199254740993",
        ] {
            assert_eq!(
                short_decimal(text.as_bytes()).map(f64::to_bits),
                match text {
                    "0.1" => Some(0.1f64.to_bits()),
                    _ => None,
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn decimals_accept_thousands_separators_and_currency() {
        assert_eq!(parse_decimal("1234.5"), Some(1234.5));
        assert_eq!(parse_decimal("1,234.50"), Some(1234.5));
        assert_eq!(parse_decimal("¥800"), Some(800.0));
        assert_eq!(parse_decimal("800元"), Some(800.0));
        assert_eq!(parse_decimal("-5"), Some(-5.0));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal("1.2.3"), None);
    }

    #[test]
    fn integers_accept_integral_decimals_only() {
        assert_eq!(parse_integer("3"), Some(3));
        assert_eq!(parse_integer("3.0"), Some(3));
        assert_eq!(parse_integer("3.5"), None);
        assert_eq!(parse_integer("three"), None);
    }

    #[test]
    fn phones_in_every_typed_form_are_masked() {
        for typed in [
            "13987654321",
            "139-8765-4321",
            "139 8765 4321",
            "+86 139 8765 4321",
            "+8613987654321",
            "8613987654321",
            "１３９８７６５４３２１",
            "139－8765－4321",
            "+86-139-8765-4321",
        ] {
            let masked = mask_phones_in(&format!("电话{typed}，请回电"));
            assert_eq!(masked, "电话139****4321，请回电", "{typed}");
        }
        assert_eq!(
            mask_phones_in("13987654321 13912345678"),
            "139****4321 139****5678"
        );
    }

    #[test]
    fn other_digits_are_not_masked() {
        for text in [
            "RX2023060100123",
            "2023-06-01 13:00",
            "45078.375",
            "4.20106E+17",
            "12345678901",
            "420106000000000000",
            "1,234,567",
        ] {
            assert_eq!(mask_phones_in(text), text);
        }
    }

    #[test]
    fn days_that_do_not_exist_are_named() {
        assert_eq!(no_such_day("2023-02-30"), Some((2023, 2, 30)));
        assert_eq!(no_such_day("2023年13月1日"), Some((2023, 13, 1)));
        assert_eq!(no_such_day("2023-02-28"), None);
        assert_eq!(no_such_day("junk"), None);
        assert_eq!(days_in_month(2024, 2), Some(29));
        assert_eq!(days_in_month(2023, 2), Some(28));
        assert_eq!(days_in_month(2023, 13), None);
    }

    #[test]
    fn excel_serials_count_as_excel_counts_them() {
        // Excel: 1 = 1900-01-01, 59 = 1900-02-28, 60 = the phantom
        // 1900-02-29, 61 = 1900-03-01, 45078 = 2023-06-01.
        assert_eq!(parse_date("1"), Some(d(1900, 1, 1)));
        assert_eq!(parse_date("59"), Some(d(1900, 2, 28)));
        assert_eq!(parse_date("60"), None);
        assert_eq!(parse_datetime("60.5"), None);
        assert_eq!(parse_date("61"), Some(d(1900, 3, 1)));
        assert_eq!(parse_date("45078"), Some(d(2023, 6, 1)));
    }

    #[test]
    fn thousands_separators_only_in_groups_of_three() {
        assert_eq!(parse_decimal("1,234"), Some(1234.0));
        assert_eq!(parse_decimal("12,345.50"), Some(12345.5));
        assert_eq!(parse_decimal("-1,234,567"), Some(-1234567.0));
        let after_the_point = [
            "1.234,5",
            "1.5,000",
            "12.50,1",
            "1,234.56,789",
            "1,234.567,890",
        ];
        for bad in ["1,2,3", "12,34", "1234,567", ",123", "1,,234", "1,234,56"]
            .into_iter()
            .chain(after_the_point)
        {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn phones_inside_text_are_masked() {
        assert_eq!(
            mask_phones_in("received_at \"13800131234\" is not a date"),
            "received_at \"138****1234\" is not a date"
        );
        assert_eq!(
            mask_phones_in("RX2023060100123 45078"),
            "RX2023060100123 45078"
        );
    }

    #[test]
    fn phones_read_as_digits_and_mask() {
        for typed in [
            "+86 138-0013-1234",
            "(+86)13800131234",
            "（+86）138 0013 1234",
            " +86-13800131234",
        ] {
            assert_eq!(phone_digits(typed), "13800131234", "{typed}");
        }
        assert_eq!(mask_phone("13800131234"), "138****1234");
        assert_eq!(mask_phone("123"), "****");
    }
}
