//! Civil-date arithmetic (proleptic Gregorian, days since 1970-01-01) and
//! the fast text forms of dates and datetimes the logs use.

/// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

/// (year, month, day) of a day number (H. Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// 0 = Monday .. 6 = Sunday.
pub(crate) fn weekday(day: i32) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (day + 3).rem_euclid(7) as u32
}

pub(crate) fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// Month index (year * 12 + month - 1) for month arithmetic.
pub(crate) fn month_index(y: i32, m: u32) -> i32 {
    y * 12 + m as i32 - 1
}

pub(crate) fn month_from_index(i: i32) -> (i32, u32) {
    (i.div_euclid(12), i.rem_euclid(12) as u32 + 1)
}

/// First day number of a month index.
pub(crate) fn first_day_of(month: i32) -> i32 {
    let (y, m) = month_from_index(month);
    days_from_civil(y, m, 1)
}

/// Last day number of a month index.
pub(crate) fn last_day_of(month: i32) -> i32 {
    first_day_of(month + 1) - 1
}

/// Excel's serial day number (1900 date system, valid after 1900-03-01).
pub(crate) fn excel_serial(day: i32) -> i32 {
    day + 25_569
}

pub(crate) const SECS_PER_DAY: i64 = 86_400;

/// A local datetime as seconds since 1970-01-01 00:00 (no zone).
pub(crate) fn split_datetime(t: i64) -> (i32, u32) {
    (
        t.div_euclid(SECS_PER_DAY) as i32,
        t.rem_euclid(SECS_PER_DAY) as u32,
    )
}

// ----- appending text forms to a byte buffer -----

pub(crate) fn push_u64(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Zero-padded to at least `width` digits.
pub(crate) fn push_padded(buf: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = 1;
    let mut x = n / 10;
    while x > 0 {
        digits += 1;
        x /= 10;
    }
    for _ in digits..width {
        buf.push(b'0');
    }
    push_u64(buf, n);
}

pub(crate) fn push_2(buf: &mut Vec<u8>, n: u32) {
    buf.push(b'0' + (n / 10) as u8);
    buf.push(b'0' + (n % 10) as u8);
}

pub(crate) fn push_i64(buf: &mut Vec<u8>, n: i64) {
    if n < 0 {
        buf.push(b'-');
    }
    push_u64(buf, n.unsigned_abs());
}

/// `2023-06-01`
pub(crate) fn push_iso_date(buf: &mut Vec<u8>, day: i32) {
    let (y, m, d) = civil_from_days(day);
    push_padded(buf, y as u64, 4);
    buf.push(b'-');
    push_2(buf, m);
    buf.push(b'-');
    push_2(buf, d);
}

/// `09:15:07`
pub(crate) fn push_hms(buf: &mut Vec<u8>, secs: u32) {
    push_2(buf, secs / 3600);
    buf.push(b':');
    push_2(buf, secs / 60 % 60);
    buf.push(b':');
    push_2(buf, secs % 60);
}

/// `2023-06-01 09:15:07`
pub(crate) fn push_iso_datetime(buf: &mut Vec<u8>, t: i64) {
    let (day, secs) = split_datetime(t);
    push_iso_date(buf, day);
    buf.push(b' ');
    push_hms(buf, secs);
}

/// Money in fen as yuan: `12000` or `12000.5`-style with two decimals
/// (`12000.50`) when there are fen.
pub(crate) fn push_yuan(buf: &mut Vec<u8>, fen: u64) {
    push_u64(buf, fen / 100);
    if !fen.is_multiple_of(100) {
        buf.push(b'.');
        push_2(buf, (fen % 100) as u32);
    }
}
