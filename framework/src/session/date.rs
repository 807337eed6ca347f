//! JavaScript `Date` arithmetic for sessions: times are whole milliseconds
//! since the Unix epoch (`Date.now()`), written as IMF-fixdate in `Expires`
//! (`toUTCString`, spec §4.6 W4) and as ISO-8601 in stored documents
//! (`toJSON`, §7.2 K6).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The largest distance from the epoch a JavaScript `Date` can hold
/// (±100,000,000 days); beyond it a date is invalid.
const MAX_JS_TIME: i64 = 8_640_000_000_000_000;

const DAY_MS: i64 = 86_400_000;
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Date.now()`.
pub(crate) fn now_ms() -> i64 {
    to_ms(SystemTime::now())
}

/// A `SystemTime` as milliseconds since the epoch, rounded down as
/// JavaScript's `new Date(t)` does.
pub(crate) fn to_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => {
            let nanos = before.duration().as_nanos();
            let ms = nanos.div_ceil(1_000_000);
            i64::try_from(ms).map_or(i64::MIN, |ms| -ms)
        }
    }
}

/// Milliseconds since the epoch as a `SystemTime`.
pub(crate) fn from_ms(ms: i64) -> SystemTime {
    let magnitude = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    }
    .unwrap_or(UNIX_EPOCH)
}

/// A `Duration` as whole milliseconds, saturating.
pub(crate) fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Whether JavaScript can represent this time as a valid `Date`.
pub(crate) fn is_valid(ms: i64) -> bool {
    (-MAX_JS_TIME..=MAX_JS_TIME).contains(&ms)
}

/// A date formatted into a small inline buffer: no allocation, and no
/// `core::fmt` (dates are written on every request that sends a cookie or
/// saves a session).
pub(crate) struct DateText {
    bytes: [u8; 40],
    len: usize,
}

impl DateText {
    fn new() -> Self {
        DateText {
            bytes: [0; 40],
            len: 0,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII is ever pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }

    fn push(&mut self, text: &str) {
        for &b in text.as_bytes() {
            self.push_byte(b);
        }
    }

    fn push_byte(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// `n` in decimal, zero-padded to at least `width` digits.
    fn push_number(&mut self, n: u64, width: usize) {
        let mut digits = [b'0'; 20];
        let mut rest = n;
        let mut count = 0;
        while rest > 0 || count == 0 {
            digits[19 - count] = b'0' + (rest % 10) as u8;
            rest /= 10;
            count += 1;
        }
        for _ in count..width {
            self.push_byte(b'0');
        }
        for &d in &digits[20 - count..] {
            self.push_byte(d);
        }
    }
}

/// The calendar fields of a time.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    weekday: usize,
    hour: i64,
    minute: i64,
    second: i64,
    milli: i64,
}

impl Civil {
    fn of(ms: i64) -> Civil {
        let days = ms.div_euclid(DAY_MS);
        let in_day = ms.rem_euclid(DAY_MS);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as usize,
            hour: in_day / 3_600_000,
            minute: in_day / 60_000 % 60,
            second: in_day / 1000 % 60,
            milli: in_day % 1000,
        }
    }
}

/// `Date.prototype.toUTCString`: `Thu, 01 Jan 1970 00:00:00 GMT`
/// (milliseconds dropped; years below 1000 padded to four digits, negative
/// years with a `-`). `None` for a time JavaScript cannot represent.
pub(crate) fn imf_fixdate(ms: i64) -> Option<DateText> {
    if !is_valid(ms) {
        return None;
    }
    let c = Civil::of(ms);
    let mut out = DateText::new();
    out.push(WEEKDAYS[c.weekday]);
    out.push(", ");
    out.push_number(u64::from(c.day), 2);
    out.push_byte(b' ');
    out.push(MONTHS[(c.month - 1) as usize]);
    out.push_byte(b' ');
    if c.year < 0 {
        out.push_byte(b'-');
    }
    out.push_number(c.year.unsigned_abs(), 4);
    out.push_byte(b' ');
    push_time(&mut out, &c);
    out.push(" GMT");
    Some(out)
}

/// `Date.prototype.toISOString`: `2026-11-25T18:23:00.296Z` (years outside
/// 0..=9999 as `+YYYYYY`/`-YYYYYY`). `None` for a time JavaScript cannot
/// represent (its `toJSON` then gives `null`).
pub(crate) fn iso8601(ms: i64) -> Option<DateText> {
    if !is_valid(ms) {
        return None;
    }
    let c = Civil::of(ms);
    let mut out = DateText::new();
    if (0..=9999).contains(&c.year) {
        out.push_number(c.year as u64, 4);
    } else {
        out.push_byte(if c.year < 0 { b'-' } else { b'+' });
        out.push_number(c.year.unsigned_abs(), 6);
    }
    out.push_byte(b'-');
    out.push_number(u64::from(c.month), 2);
    out.push_byte(b'-');
    out.push_number(u64::from(c.day), 2);
    out.push_byte(b'T');
    push_time(&mut out, &c);
    out.push_byte(b'.');
    out.push_number(c.milli as u64, 3);
    out.push_byte(b'Z');
    Some(out)
}

/// `HH:MM:SS`.
fn push_time(out: &mut DateText, c: &Civil) {
    out.push_number(c.hour as u64, 2);
    out.push_byte(b':');
    out.push_number(c.minute as u64, 2);
    out.push_byte(b':');
    out.push_number(c.second as u64, 2);
}

/// Parses the date-time format of ECMAScript (`Date.parse` of what
/// `toISOString` writes, plus its shorter forms): `YYYY[-MM[-DD]]` then
/// optionally `THH:mm[:ss[.sss]]` and `Z` or `±HH:mm`. A time without an
/// offset is read as UTC (JavaScript would use the server's time zone, which
/// for servers is UTC). `None` when the text is not such a date.
pub(crate) fn parse_iso8601(text: &str) -> Option<i64> {
    let mut p = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = match p.peek() {
        Some(sign @ (b'+' | b'-')) => {
            p.at += 1;
            let y = p.digits(6)?;
            if sign == b'-' {
                if y == 0 {
                    return None; // -000000 is not a year
                }
                -y
            } else {
                y
            }
        }
        _ => p.digits(4)?,
    };
    let (mut month, mut day) = (1, 1);
    if p.eat(b'-') {
        month = p.digits(2)?;
        if p.eat(b'-') {
            day = p.digits(2)?;
        }
    }
    // Like V8, any day up to 31 is accepted and rolls over (`2099-02-30` is
    // March 2nd).
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut time_ms = 0;
    let mut offset_min = 0;
    if p.eat(b'T') {
        let hour = p.digits(2)?;
        p.expect(b':')?;
        let minute = p.digits(2)?;
        let (mut second, mut milli) = (0, 0);
        if p.eat(b':') {
            second = p.digits(2)?;
            if p.eat(b'.') {
                milli = p.fraction_ms()?;
            }
        }
        let midnight_24 = hour == 24 && minute == 0 && second == 0 && milli == 0;
        if !(hour < 24 || midnight_24) || minute > 59 || second > 59 {
            return None;
        }
        time_ms = ((hour * 60 + minute) * 60 + second) * 1000 + milli;
        match p.peek() {
            Some(b'Z') => p.at += 1,
            Some(sign @ (b'+' | b'-')) => {
                p.at += 1;
                let h = p.digits(2)?;
                p.expect(b':')?;
                let m = p.digits(2)?;
                if h > 23 || m > 59 {
                    return None;
                }
                offset_min = if sign == b'+' {
                    h * 60 + m
                } else {
                    -(h * 60 + m)
                };
            }
            _ => {}
        }
    }
    if p.at != p.bytes.len() {
        return None;
    }
    let ms =
        days_from_civil(year, month as u32, day as u32) * DAY_MS + time_ms - offset_min * 60_000;
    is_valid(ms).then_some(ms)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    fn digits(&mut self, count: usize) -> Option<i64> {
        let run = self.bytes.get(self.at..self.at + count)?;
        let mut value = 0;
        for &b in run {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(b - b'0');
        }
        self.at += count;
        Some(value)
    }

    /// One or more fraction digits, as milliseconds (extra digits truncated).
    fn fraction_ms(&mut self) -> Option<i64> {
        let start = self.at;
        let mut ms = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            if self.at - start < 3 {
                ms = ms * 10 + i64::from(b - b'0');
            }
            self.at += 1;
        }
        match self.at - start {
            0 => None,
            1 => Some(ms * 100),
            2 => Some(ms * 10),
            _ => Some(ms),
        }
    }
}

// The two conversions below are the classic era-based proleptic Gregorian
// algorithms (400-year eras of 146,097 days, years starting in March).

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400);
    let m = i64::from(month);
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // Expected texts produced by Node's `Date` (toUTCString / toISOString).
    fn imf_fixdate_matches_to_utc_string() {
        let cases = [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            // milliseconds are dropped, not rounded (W4)
            (1_764_094_980_999, "Tue, 25 Nov 2025 18:23:00 GMT"),
            (4_070_908_800_000, "Thu, 01 Jan 2099 00:00:00 GMT"),
            (951_782_400_000, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (-30_641_760_000_000, "Tue, 01 Jan 0999 00:00:00 GMT"),
            (-30_728_160_000_000, "Wed, 06 Apr 0996 00:00:00 GMT"),
            (-62_198_755_200_000, "Fri, 01 Jan -0001 00:00:00 GMT"),
            (-124_397_510_400_000, "Sat, 01 Jan -1972 00:00:00 GMT"),
            (253_402_300_800_000, "Sat, 01 Jan 10000 00:00:00 GMT"),
        ];
        for (ms, text) in cases {
            assert_eq!(imf_fixdate(ms).unwrap().as_str(), text, "{ms}");
        }
        assert!(imf_fixdate(MAX_JS_TIME + 1).is_none());
    }

    #[test]
    fn iso8601_matches_to_iso_string() {
        let cases = [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_764_094_980_296, "2025-11-25T18:23:00.296Z"),
            (4_070_908_800_000, "2099-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (-30_641_760_000_000, "0999-01-01T00:00:00.000Z"),
            (253_402_300_800_000, "+010000-01-01T00:00:00.000Z"),
            (-124_397_510_400_000, "-001972-01-01T00:00:00.000Z"),
        ];
        for (ms, text) in cases {
            assert_eq!(iso8601(ms).unwrap().as_str(), text, "{ms}");
            assert_eq!(parse_iso8601(text), Some(ms), "{text}");
        }
    }

    #[test]
    fn parses_the_shorter_forms_and_offsets() {
        assert_eq!(
            parse_iso8601("2099-01-01T00:00:00Z"),
            Some(4_070_908_800_000)
        );
        assert_eq!(parse_iso8601("2099-01-01"), Some(4_070_908_800_000));
        assert_eq!(parse_iso8601("2099-01"), Some(4_070_908_800_000));
        assert_eq!(parse_iso8601("2099"), Some(4_070_908_800_000));
        assert_eq!(
            parse_iso8601("2099-01-01T01:00+01:00"),
            Some(4_070_908_800_000)
        );
        assert_eq!(
            parse_iso8601("2099-01-01T00:00:00.5Z"),
            Some(4_070_908_800_500)
        );
        assert_eq!(
            parse_iso8601("2098-12-31T24:00:00Z"),
            Some(4_070_908_800_000)
        );
        // V8 rolls a day of 29..=31 over into the next month.
        assert_eq!(parse_iso8601("2099-02-30"), Some(4_076_092_800_000));
        assert_eq!(
            parse_iso8601("2099-01-01T00:00:00.123456Z"),
            Some(4_070_908_800_123)
        );
        for bad in [
            "",
            "garbage",
            "2099-13-01",
            "2099-02-32",
            "2099-01-01T25:00Z",
            "2099-01-01T00:00:00.Z",
            "2099-01-01 00:00:00Z",
            "-000000-01-01",
            "99-01-01",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn system_time_round_trip() {
        let t = from_ms(1_764_094_980_296);
        assert_eq!(to_ms(t), 1_764_094_980_296);
        assert_eq!(to_ms(from_ms(-5)), -5);
        assert_eq!(to_ms(UNIX_EPOCH - Duration::from_micros(1500)), -2);
    }
}
