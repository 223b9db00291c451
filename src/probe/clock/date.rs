//! The HTTP `Date` header (RFC 9110 § 5.6.7), in all three forms a
//! recipient must accept: IMF-fixdate, and the obsolete RFC 850 and asctime.
//!
//! Written here rather than taken from `httpdate` because RFC 9110 wants a
//! two-digit RFC 850 year read relative to the present (more than 50 years
//! ahead means the previous century), where `httpdate` pivots at 1970 for
//! ever, and because a Date whose weekday does not match its day is refused:
//! such a header comes from broken code whose clock is not to be believed.

use std::fmt;

/// Why a `Date` value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadDate(&'static str);

impl fmt::Display for BadDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Whole Unix seconds of a `Date` value. `current_year` resolves the
/// century of an RFC 850 date.
pub fn parse(value: &str, current_year: i64) -> Result<i64, BadDate> {
    let value = value.trim_matches([' ', '\t']);
    if !value.is_ascii() {
        return Err(BadDate("not ASCII"));
    }
    let (weekday, rest) = value.split_once([',', ' ']).ok_or(BadDate("no weekday"))?;
    let after = value.as_bytes().get(weekday.len()).copied();
    let (wday, civil) = match (after, weekday.len()) {
        (Some(b','), 3) => (day_index(&DAYS, weekday)?, imf_fixdate(rest)?),
        (Some(b','), _) => (day_index(&LONG_DAYS, weekday)?, rfc850(rest, current_year)?),
        (Some(b' '), 3) => (day_index(&DAYS, weekday)?, asctime(rest)?),
        _ => return Err(BadDate("not IMF-fixdate, RFC 850 or asctime")),
    };
    let days = days_from_civil(civil.year, civil.month, civil.day);
    if (days + 4).rem_euclid(7) != wday {
        return Err(BadDate("the weekday does not match the date"));
    }
    Ok(days * 86_400 + civil.seconds_of_day)
}

struct Civil {
    year: i64,
    month: u32,
    day: u32,
    seconds_of_day: i64,
}

fn day_index(names: &[&str; 7], name: &str) -> Result<i64, BadDate> {
    names
        .iter()
        .position(|n| *n == name)
        .map(|i| i as i64)
        .ok_or(BadDate("unknown weekday"))
}

/// `06 Nov 1994 08:49:37 GMT` (after `Sun, `).
fn imf_fixdate(rest: &str) -> Result<Civil, BadDate> {
    let rest = rest.strip_prefix(' ').ok_or(BadDate("expected a space"))?;
    let b = rest.as_bytes();
    if b.len() != 24 || b[2] != b' ' || b[6] != b' ' || b[11] != b' ' || &rest[20..] != " GMT" {
        return Err(BadDate("not IMF-fixdate"));
    }
    civil(
        digits(&rest[7..11])?,
        month(&rest[3..6])?,
        digits(&rest[0..2])?,
        &rest[12..20],
    )
}

/// `06-Nov-94 08:49:37 GMT` (after `Sunday, `).
fn rfc850(rest: &str, current_year: i64) -> Result<Civil, BadDate> {
    let rest = rest.strip_prefix(' ').ok_or(BadDate("expected a space"))?;
    let b = rest.as_bytes();
    if b.len() != 22 || b[2] != b'-' || b[6] != b'-' || b[9] != b' ' || &rest[18..] != " GMT" {
        return Err(BadDate("not an RFC 850 date"));
    }
    let two = digits(&rest[7..9])?;
    // RFC 9110: a year more than 50 years ahead is the most recent past one
    // with the same last two digits.
    let mut year = current_year - current_year.rem_euclid(100) + two;
    if year > current_year + 50 {
        year -= 100;
    }
    civil(
        year,
        month(&rest[3..6])?,
        digits(&rest[0..2])?,
        &rest[10..18],
    )
}

/// `Nov  6 08:49:37 1994` (after `Sun `).
fn asctime(rest: &str) -> Result<Civil, BadDate> {
    let b = rest.as_bytes();
    if b.len() != 20 || b[3] != b' ' || b[6] != b' ' || b[15] != b' ' {
        return Err(BadDate("not an asctime date"));
    }
    let day = rest[4..6].strip_prefix(' ').unwrap_or(&rest[4..6]);
    if day.len() == 2 && day.starts_with('0') {
        return Err(BadDate("asctime pads the day with a space, not 0"));
    }
    civil(
        digits(&rest[16..20])?,
        month(&rest[0..3])?,
        digits(day)?,
        &rest[7..15],
    )
}

fn civil(year: i64, month: u32, day: i64, time: &str) -> Result<Civil, BadDate> {
    let t = time.as_bytes();
    if t.len() != 8 || t[2] != b':' || t[5] != b':' {
        return Err(BadDate("time of day is not HH:MM:SS"));
    }
    let (h, m, s) = (
        digits(&time[0..2])?,
        digits(&time[3..5])?,
        digits(&time[6..8])?,
    );
    // 60 is a leap second; it counts as the first second of the next minute.
    if h > 23 || m > 59 || s > 60 {
        return Err(BadDate("time of day out of range"));
    }
    let day = u32::try_from(day).map_err(|_| BadDate("day out of range"))?;
    if day == 0 || day > days_in_month(year, month) {
        return Err(BadDate("day out of range"));
    }
    Ok(Civil {
        year,
        month,
        day,
        seconds_of_day: h * 3600 + m * 60 + s,
    })
}

fn digits(text: &str) -> Result<i64, BadDate> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadDate("expected digits"));
    }
    text.parse().map_err(|_| BadDate("expected digits"))
}

fn month(name: &str) -> Result<u32, BadDate> {
    MONTHS
        .iter()
        .position(|m| *m == name)
        .map(|i| i as u32 + 1)
        .ok_or(BadDate("unknown month"))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm), for any year.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The year of a Unix time, for [`parse`]'s RFC 850 century.
pub fn year_of(unix_seconds: i64) -> i64 {
    // Civil-from-days, year only.
    let z = unix_seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_6_1994: i64 = 784_111_777;

    #[test]
    fn the_three_forms_of_rfc_9110() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", 2026), Ok(NOV_6_1994));
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:37 GMT", 2026),
            Ok(NOV_6_1994)
        );
        assert_eq!(parse("Sun Nov  6 08:49:37 1994", 2026), Ok(NOV_6_1994));
        assert_eq!(
            parse("  Sun, 06 Nov 1994 08:49:37 GMT\t", 2026),
            Ok(NOV_6_1994)
        );
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT", 2026), Ok(0));
        assert_eq!(
            parse("Tue, 01 Dec 2026 05:40:55 GMT", 2026),
            Ok(1_796_103_655)
        );
        assert_eq!(parse("Tue Dec  1 05:40:55 2026", 2026), Ok(1_796_103_655));
        assert_eq!(parse("Sat Dec 12 05:40:55 2026", 2026), Ok(1_797_054_055));
    }

    #[test]
    fn leap_days_and_far_years() {
        assert_eq!(
            parse("Tue, 29 Feb 2028 12:00:00 GMT", 2026),
            Ok(1_835_438_400)
        );
        assert!(parse("Thu, 29 Feb 2029 12:00:00 GMT", 2026).is_err());
        assert!(parse("Tue, 29 Feb 2100 12:00:00 GMT", 2026).is_err());
        assert_eq!(
            parse("Tue, 29 Feb 2000 00:00:00 GMT", 2026),
            Ok(951_782_400)
        );
        // Years off are real offsets, before 1970 too.
        assert_eq!(parse("Wed, 31 Dec 1969 23:59:59 GMT", 2026), Ok(-1));
        assert_eq!(
            parse("Fri, 31 Dec 9999 23:59:59 GMT", 2026),
            Ok(253_402_300_799)
        );
        for unix in [-1, 0, NOV_6_1994, 951_782_400, 1_796_103_655] {
            let days = unix.div_euclid(86_400);
            let back = days_from_civil(year_of(unix), 1, 1);
            assert!(back <= days && days - back < 366, "{unix}");
        }
    }

    #[test]
    fn rfc_850_years_are_read_relative_to_now() {
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:37 GMT", 2026),
            Ok(NOV_6_1994)
        );
        // In 2026, 70 is 2070 (44 years ahead), 77 is 1977 (51 ahead).
        assert_eq!(
            parse("Wednesday, 01-Jan-70 00:00:00 GMT", 2026).map(year_of),
            Ok(2070)
        );
        assert_eq!(
            parse("Saturday, 01-Jan-77 00:00:00 GMT", 2026).map(year_of),
            Ok(1977)
        );
        assert_eq!(
            parse("Tuesday, 01-Dec-26 05:40:55 GMT", 2026),
            Ok(1_796_103_655)
        );
    }

    #[test]
    fn a_leap_second_is_the_next_minute() {
        assert_eq!(
            parse("Sat, 31 Dec 2016 23:59:60 GMT", 2026),
            parse("Sun, 01 Jan 2017 00:00:00 GMT", 2026)
        );
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in [
            "",
            "yesterday",
            "1796103655",
            "2026-12-01T05:40:55Z",
            "Tue, 01 Dec 2026 05:40:55 UTC",
            "Tue, 01 Dec 2026 05:40:55 +0000",
            "Tue, 1 Dec 2026 05:40:55 GMT",
            "Tue, 01 Dez 2026 05:40:55 GMT",
            "Tue, 01 dec 2026 05:40:55 GMT",
            "tue, 01 Dec 2026 05:40:55 GMT",
            "Tue, 01 Dec 2026 24:00:00 GMT",
            "Tue, 01 Dec 2026 05:60:00 GMT",
            "Tue, 01 Dec 2026 05:40:61 GMT",
            "Tue, 32 Dec 2026 05:40:55 GMT",
            "Tue, 00 Dec 2026 05:40:55 GMT",
            "Tue, 01 Dec 2026 5:40:55 GMT",
            "Tue, 01 Dec 2026 05:40:55 GMT extra",
            "Tue, 01 Dec +026 05:40:55 GMT",
            "Tue,  01 Dec 2026 05:40:55 GMT",
            "Wed, 01 Dec 2026 05:40:55 GMT",
            "Tuesday, 01-Dec-2026 05:40:55 GMT",
            "Tues, 01-Dec-26 05:40:55 GMT",
            "Tuesday, 01 Dec 26 05:40:55 GMT",
            "Tue Dec 01 05:40:55 2026",
            "Tue Dec  1 05:40:55 26",
            "Tue Dec  1 05:40:55 2026 GMT",
            "Tue, 01 Déc 2026 05:40:55 GMT",
        ] {
            assert!(parse(bad, 2026).is_err(), "accepted {bad:?}");
        }
    }
}
