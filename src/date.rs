//! Calendar dates (proleptic Gregorian, no time zone), as rule sets and profiles use them.
//! Small on purpose: parsing `YYYY-MM-DD`, ordering, day counts and whole months between dates.

use std::fmt;
use std::str::FromStr;

/// A calendar date such as `2024-09-01`.
///
/// ```
/// use sendband::Date;
/// let born: Date = "2021-09-01".parse().unwrap();
/// let on: Date = "2024-09-01".parse().unwrap();
/// assert_eq!(born.whole_months_until(on), 36);
/// assert_eq!(on.to_string(), "2024-09-01");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a date: {why} (expected YYYY-MM-DD, e.g. 2024-09-01)")]
pub struct DateError {
    text: String,
    why: &'static str,
}

impl Date {
    /// A date from its parts, or `None` when the day does not exist (e.g. 2023-02-29).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        (day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Whole months from `self` to `later`: `(y2 - y1) * 12 + (m2 - m1)`, less one when the
    /// day of `later` is smaller than the day of `self`. Negative when `later` is earlier.
    pub fn whole_months_until(self, later: Date) -> i64 {
        let mut months = (i64::from(later.year) - i64::from(self.year)) * 12
            + (i64::from(later.month) - i64::from(self.month));
        if later.day < self.day {
            months -= 1;
        }
        months
    }

    /// Days since 1970-01-01 (negative before), for day arithmetic and differences.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        Date::from_days_since_epoch(days).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        let err = |why| DateError {
            text: text.to_string(),
            why,
        };
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err("wrong shape"));
        }
        let digits = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = b.get(r).unwrap_or_default();
            if !part.iter().all(u8::is_ascii_digit) {
                return Err(err("not all digits"));
            }
            Ok(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (Ok(year), Ok(month), Ok(day)) =
            (i32::try_from(year), u8::try_from(month), u8::try_from(day))
        else {
            return Err(err("out of range"));
        };
        Date::new(year, month, day).ok_or_else(|| err("no such day"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(d("2024-02-29"), Date::new(2024, 2, 29).unwrap());
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "24-09-01",
            "2024-9-1",
            "2024-09-0a",
            "",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad} should not parse");
        }
        let e = "2023-02-29".parse::<Date>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"2023-02-29\" is not a date: no such day (expected YYYY-MM-DD, e.g. 2024-09-01)"
        );
    }

    #[test]
    fn whole_months_follow_the_day_rule() {
        assert_eq!(d("2021-09-01").whole_months_until(d("2024-09-01")), 36);
        assert_eq!(d("2021-09-02").whole_months_until(d("2024-09-01")), 35);
        assert_eq!(d("2022-08-31").whole_months_until(d("2024-09-01")), 24);
        assert_eq!(d("2022-09-01").whole_months_until(d("2024-09-01")), 24);
        assert_eq!(d("2022-09-02").whole_months_until(d("2024-09-01")), 23);
        assert_eq!(d("2024-10-01").whole_months_until(d("2024-09-01")), -1);
    }

    #[test]
    fn day_counts() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("2024-09-01").days_until(d("2025-08-31")), 364);
        assert_eq!(d("2024-02-28").days_until(d("2024-03-01")), 2);
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2024-09-01",
            "1969-12-31",
            "2100-03-01",
        ] {
            assert_eq!(
                Date::from_days_since_epoch(d(s).days_since_epoch()),
                Some(d(s))
            );
        }
    }
}
