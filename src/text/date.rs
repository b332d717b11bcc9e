//! Gregorian calendar dates without external crates.
//!
//! The validator only needs day-granular civil dates (no times, no time zones beyond "what is
//! today here"), so a tiny value type is simpler and safer than pulling in a date library.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A proleptic-Gregorian calendar day between 0001-01-01 and 9999-12-31.
///
/// The field order (year, month, day) makes the derived `Ord` chronological. Construct through
/// [`Date::new`] or the parsers so that the day is always a real one; the fields are public for
/// pattern matching and messages, and every method copes with a hand-built impossible value
/// without panicking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// Days from 0000-03-01 (proleptic) to 1970-01-01; shifts the civil algorithm to the Unix epoch.
const EPOCH_SHIFT: i64 = 719_468;
const DAYS_PER_400Y: i64 = 146_097;
const JST_OFFSET_SECS: i64 = 9 * 3600;

impl Date {
    /// The earliest representable day.
    pub const MIN: Date = Date { year: 1, month: 1, day: 1 };
    /// The latest representable day.
    pub const MAX: Date = Date { year: 9999, month: 12, day: 31 };

    /// `None` unless this is a real Gregorian calendar day in years 1..=9999.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) || day == 0 || day > Date::days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Strictly `YYYY-MM-DD` in ASCII. No trimming, no signs, no full-width digits: the XML
    /// `date` type is exact, and anything looser is reported (L008/L009) rather than guessed.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b: &[u8; 10] = s.as_bytes().try_into().ok()?;
        if b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits([b[0], b[1], b[2], b[3]])?;
        let month = digits([b[5], b[6]])?;
        let day = digits([b[8], b[9]])?;
        Date::new(year as u16, month as u8, day as u8)
    }

    /// `YYYYMMDD` (exactly 8 ASCII digits), as embedded in submission file names.
    pub fn parse_compact(s: &str) -> Option<Date> {
        let b: &[u8; 8] = s.as_bytes().try_into().ok()?;
        let year = digits([b[0], b[1], b[2], b[3]])?;
        let month = digits([b[4], b[5]])?;
        let day = digits([b[6], b[7]])?;
        Date::new(year as u16, month as u8, day as u8)
    }

    /// Age in completed years of someone born on `self`, on the day `on`; `None` if `on` is
    /// before the birth.
    ///
    /// The birthday counts on the day itself. Comparing (month, day) pairs gives the rule for
    /// 29 February births for free: in a common year (2, 28) is still before (2, 29), while
    /// (3, 1) is after it, so the year is completed on 1 March.
    pub fn age_on(self, on: Date) -> Option<u32> {
        if on < self {
            return None;
        }
        let mut years = u32::from(on.year) - u32::from(self.year);
        if (on.month, on.day) < (self.month, self.day) {
            // `on >= self` with an earlier (month, day) implies on.year > self.year.
            years = years.saturating_sub(1);
        }
        Some(years)
    }

    /// Moves by `n` calendar months, clamping the day to the end of the target month
    /// (2025-05-31 minus 3 months is 2025-02-28), as "3 months before" is meant in D007.
    ///
    /// Results beyond the representable range saturate to [`Date::MIN`] / [`Date::MAX`], so
    /// the function stays monotonic in `n` and never panics.
    pub fn add_months(self, n: i32) -> Date {
        let index = i64::from(self.year) * 12 + i64::from(self.month.clamp(1, 12)) - 1 + i64::from(n);
        if index < 12 {
            return Date::MIN;
        }
        if index > 9999 * 12 + 11 {
            return Date::MAX;
        }
        let year = (index / 12) as u16;
        let month = (index % 12 + 1) as u8;
        let day = self.day.clamp(1, Date::days_in_month(year, month));
        Date { year, month, day }
    }

    /// Proleptic Gregorian leap year rule.
    pub fn is_leap(year: u16) -> bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Number of days in the month; 0 for a month outside 1..=12 so that no day validates.
    pub fn days_in_month(year: u16, month: u8) -> u8 {
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if Date::is_leap(year) => 29,
            2 => 28,
            _ => 0,
        }
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil: years start in March so the leap day is last.
        let month = i64::from(self.month.clamp(1, 12));
        let y = i64::from(self.year) - i64::from(month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * DAYS_PER_400Y + doe - EPOCH_SHIFT
    }

    /// Inverse of [`Date::days_since_epoch`]; `None` outside 0001-01-01..=9999-12-31.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        if days < Date::MIN.days_since_epoch() || days > Date::MAX.days_since_epoch() {
            return None;
        }
        let z = days + EPOCH_SHIFT;
        let era = z.div_euclid(DAYS_PER_400Y);
        let doe = z.rem_euclid(DAYS_PER_400Y);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(u16::try_from(year).ok()?, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    }

    /// Today's local date, as the operating system sees it (`TZ`, else `/etc/localtime`).
    ///
    /// On Unix this asks libc's `localtime_r`, the same answer `date +%F` gives. Elsewhere it
    /// falls back to a deliberately simple rule, because reading the Windows time zone needs
    /// another dependency for one default: JST (which has no daylight saving) when `TZ` is
    /// unset or names Japan, UTC for any other `TZ`. Callers that need a different "today" take
    /// it from `--as-of`.
    pub fn today_local() -> Date {
        let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        #[cfg(unix)]
        if let Some(today) = os_local_date(secs) {
            return today;
        }
        let tz = std::env::var_os("TZ");
        let tz_is_japan = match &tz {
            None => true,
            Some(v) => v.to_str().is_some_and(names_japan),
        };
        today_at(secs, tz_is_japan)
    }
}

/// The local calendar day at Unix time `unix_secs`; `None` if libc cannot say.
#[cfg(unix)]
fn os_local_date(unix_secs: i64) -> Option<Date> {
    let t = libc::time_t::try_from(unix_secs).ok()?;
    // SAFETY: `tm` is plain data that localtime_r fills in; both pointers are valid for the call.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return None;
        }
        tm
    };
    Date::new(
        u16::try_from(tm.tm_year.checked_add(1900)?).ok()?,
        u8::try_from(tm.tm_mon.checked_add(1)?).ok()?,
        u8::try_from(tm.tm_mday).ok()?,
    )
}

fn names_japan(tz: &str) -> bool {
    let name = tz.strip_prefix(':').unwrap_or(tz);
    matches!(name, "Asia/Tokyo" | "JST-9" | "Japan")
}

/// The date at Unix time `unix_secs`, in JST or UTC; saturates at the representable range.
fn today_at(unix_secs: i64, japan: bool) -> Date {
    let secs = if japan { unix_secs.saturating_add(JST_OFFSET_SECS) } else { unix_secs };
    let days = secs.div_euclid(86_400);
    Date::from_days_since_epoch(days).unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The value of `N` ASCII digits (`N` at most 4, so it cannot overflow); `None` if any is not
/// one.
fn digits<const N: usize>(b: [u8; N]) -> Option<u32> {
    // Fixed widths, so the loop unrolls and no index is checked: every record's dates are
    // read by the layout engine and again by the domain rules.
    let mut n = 0;
    for d in b {
        let v = d.wrapping_sub(b'0');
        if v > 9 {
            return None;
        }
        n = n * 10 + u32::from(v);
    }
    Some(n)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A calendar month (`yearmonth` type, e.g. 発症年月).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: u16,
    pub month: u8,
}

impl YearMonth {
    /// `None` unless year is 1..=9999 and month 1..=12.
    pub fn new(year: u16, month: u8) -> Option<YearMonth> {
        if (1..=9999).contains(&year) && (1..=12).contains(&month) {
            Some(YearMonth { year, month })
        } else {
            None
        }
    }

    /// Strictly `YYYY-MM` in ASCII.
    pub fn parse_iso(s: &str) -> Option<YearMonth> {
        let b: &[u8; 7] = s.as_bytes().try_into().ok()?;
        if b[4] != b'-' {
            return None;
        }
        let year = digits([b[0], b[1], b[2], b[3]])?;
        let month = digits([b[5], b[6]])?;
        YearMonth::new(year as u16, month as u8)
    }

    /// The month containing `d`.
    pub fn of(d: Date) -> YearMonth {
        YearMonth { year: d.year, month: d.month }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).expect("valid test date")
    }

    #[test]
    fn new_accepts_real_days_only() {
        assert!(Date::new(2025, 1, 31).is_some());
        assert!(Date::new(2025, 2, 28).is_some());
        assert!(Date::new(2025, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2025, 4, 31).is_none());
        assert!(Date::new(2025, 4, 30).is_some());
        assert!(Date::new(2025, 0, 1).is_none());
        assert!(Date::new(2025, 13, 1).is_none());
        assert!(Date::new(2025, 1, 0).is_none());
        assert!(Date::new(2025, 1, 32).is_none());
        assert!(Date::new(2025, 255, 255).is_none());
        assert!(Date::new(0, 1, 1).is_none());
        assert!(Date::new(1, 1, 1).is_some());
        assert!(Date::new(9999, 12, 31).is_some());
        assert!(Date::new(10000, 1, 1).is_none());
        assert!(Date::new(u16::MAX, 1, 1).is_none());
    }

    #[test]
    fn leap_years() {
        assert!(Date::is_leap(2024));
        assert!(!Date::is_leap(2025));
        assert!(!Date::is_leap(2100));
        assert!(Date::is_leap(2000));
        assert!(Date::is_leap(1600));
        assert!(!Date::is_leap(1900));
        assert!(Date::is_leap(0));
    }

    #[test]
    fn days_in_month_table() {
        let common: Vec<u8> = (1..=12).map(|m| Date::days_in_month(2025, m)).collect();
        assert_eq!(common, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
        assert_eq!(Date::days_in_month(2024, 2), 29);
        assert_eq!(Date::days_in_month(2025, 0), 0);
        assert_eq!(Date::days_in_month(2025, 13), 0);
    }

    #[test]
    fn parse_iso_good() {
        assert_eq!(Date::parse_iso("2025-05-10"), Some(d(2025, 5, 10)));
        assert_eq!(Date::parse_iso("2024-02-29"), Some(d(2024, 2, 29)));
        assert_eq!(Date::parse_iso("0001-01-01"), Some(Date::MIN));
        assert_eq!(Date::parse_iso("9999-12-31"), Some(Date::MAX));
    }

    #[test]
    fn parse_iso_bad() {
        for s in [
            "",
            "2025-5-10",
            "2025-05-1",
            "25-05-10",
            "2025/05/10",
            "20250510",
            " 2025-05-10",
            "2025-05-10 ",
            "2025-05-10T00:00",
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "0000-01-01",
            "+025-05-10",
            "-025-05-10",
            "2025-+5-10",
            "2025-05-+1",
            "２０２５-０５-１０",
            "2025‐05‐10",
            "2025-05-1\u{0}",
            "abcd-ef-gh",
            "令和7年5月1日",
            "R7.5.1",
            "2025-05-1é",
            "\u{1F600}\u{1F600}-05",
        ] {
            assert_eq!(Date::parse_iso(s), None, "{s:?}");
        }
        let long = "2025-05-10".repeat(10_000);
        assert_eq!(Date::parse_iso(&long), None);
    }

    #[test]
    fn parse_compact() {
        assert_eq!(Date::parse_compact("20250510"), Some(d(2025, 5, 10)));
        assert_eq!(Date::parse_compact("20240229"), Some(d(2024, 2, 29)));
        for s in [
            "",
            "2025051",
            "202505100",
            "20250229",
            "20251301",
            "00000101",
            "2025-5-1",
            "2025051a",
            "２０２５０５１０",
            "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
            "2025 510",
        ] {
            assert_eq!(Date::parse_compact(s), None, "{s:?}");
        }
    }

    #[test]
    fn display_pads() {
        assert_eq!(d(2025, 5, 1).to_string(), "2025-05-01");
        assert_eq!(Date::MIN.to_string(), "0001-01-01");
        assert_eq!(Date::MAX.to_string(), "9999-12-31");
        for s in ["2019-04-30", "0999-10-09", "2000-02-29"] {
            assert_eq!(Date::parse_iso(s).map(|x| x.to_string()).as_deref(), Some(s));
        }
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(d(2024, 12, 31) < d(2025, 1, 1));
        assert!(d(2025, 1, 31) < d(2025, 2, 1));
        assert!(d(2025, 2, 1) < d(2025, 2, 2));
        assert!(Date::MIN < Date::MAX);
    }

    #[test]
    fn age_basic() {
        let birth = d(2007, 6, 15);
        assert_eq!(birth.age_on(birth), Some(0));
        assert_eq!(birth.age_on(d(2007, 6, 14)), None);
        assert_eq!(birth.age_on(d(2025, 6, 14)), Some(17));
        assert_eq!(birth.age_on(d(2025, 6, 15)), Some(18));
        assert_eq!(birth.age_on(d(2025, 6, 16)), Some(18));
        assert_eq!(birth.age_on(d(2025, 12, 31)), Some(18));
        assert_eq!(birth.age_on(d(2026, 1, 1)), Some(18));
        assert_eq!(d(2024, 12, 31).age_on(d(2025, 1, 1)), Some(0));
        assert_eq!(Date::MIN.age_on(Date::MAX), Some(9998));
        assert_eq!(Date::MAX.age_on(Date::MIN), None);
    }

    #[test]
    fn age_leap_day_birthday() {
        let birth = d(2008, 2, 29);
        assert_eq!(birth.age_on(d(2009, 2, 28)), Some(0));
        assert_eq!(birth.age_on(d(2009, 3, 1)), Some(1));
        assert_eq!(birth.age_on(d(2012, 2, 28)), Some(3));
        assert_eq!(birth.age_on(d(2012, 2, 29)), Some(4));
        assert_eq!(birth.age_on(d(2026, 2, 28)), Some(17));
        assert_eq!(birth.age_on(d(2026, 3, 1)), Some(18));
    }

    #[test]
    fn age_on_hand_built_bad_values_does_not_panic() {
        let bad = Date { year: 0, month: 200, day: 200 };
        let _ = bad.age_on(Date::MAX);
        let _ = Date::MAX.age_on(bad);
        let _ = bad.add_months(i32::MAX);
        let _ = bad.add_months(i32::MIN);
        let _ = bad.days_since_epoch();
        let _ = bad.to_string();
        let huge = Date { year: u16::MAX, month: 0, day: 0 };
        let _ = huge.add_months(1);
        let _ = huge.age_on(huge);
        let _ = huge.days_since_epoch();
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(d(2025, 5, 31).add_months(-3), d(2025, 2, 28));
        assert_eq!(d(2024, 5, 31).add_months(-3), d(2024, 2, 29));
        assert_eq!(d(2025, 1, 31).add_months(1), d(2025, 2, 28));
        assert_eq!(d(2025, 3, 31).add_months(1), d(2025, 4, 30));
        assert_eq!(d(2025, 5, 10).add_months(0), d(2025, 5, 10));
        assert_eq!(d(2025, 5, 10).add_months(-3), d(2025, 2, 10));
        assert_eq!(d(2025, 11, 30).add_months(2), d(2026, 1, 30));
        assert_eq!(d(2025, 1, 15).add_months(-1), d(2024, 12, 15));
        assert_eq!(d(2025, 1, 15).add_months(-13), d(2023, 12, 15));
        assert_eq!(d(2025, 1, 15).add_months(24), d(2027, 1, 15));
        assert_eq!(d(2024, 2, 29).add_months(12), d(2025, 2, 28));
        assert_eq!(d(2024, 2, 29).add_months(48), d(2028, 2, 29));
    }

    #[test]
    fn add_months_saturates() {
        assert_eq!(d(1, 3, 15).add_months(-2), d(1, 1, 15));
        assert_eq!(d(1, 3, 15).add_months(-3), Date::MIN);
        assert_eq!(d(9999, 10, 15).add_months(2), d(9999, 12, 15));
        assert_eq!(d(9999, 10, 15).add_months(3), Date::MAX);
        assert_eq!(d(2025, 5, 1).add_months(i32::MAX), Date::MAX);
        assert_eq!(d(2025, 5, 1).add_months(i32::MIN), Date::MIN);
    }

    #[test]
    fn epoch_days_round_trip() {
        assert_eq!(d(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(d(1970, 1, 2).days_since_epoch(), 1);
        assert_eq!(d(1969, 12, 31).days_since_epoch(), -1);
        assert_eq!(d(2000, 3, 1).days_since_epoch(), 11_017);
        assert_eq!(d(2025, 5, 10).days_since_epoch(), 20_218);
        assert_eq!(Date::from_days_since_epoch(20_218), Some(d(2025, 5, 10)));
        assert_eq!(Date::from_days_since_epoch(Date::MIN.days_since_epoch()), Some(Date::MIN));
        assert_eq!(Date::from_days_since_epoch(Date::MAX.days_since_epoch()), Some(Date::MAX));
        assert_eq!(Date::from_days_since_epoch(Date::MIN.days_since_epoch() - 1), None);
        assert_eq!(Date::from_days_since_epoch(Date::MAX.days_since_epoch() + 1), None);
        assert_eq!(Date::from_days_since_epoch(i64::MAX), None);
        assert_eq!(Date::from_days_since_epoch(i64::MIN), None);
    }

    #[test]
    fn epoch_days_walk_every_day_of_four_centuries() {
        // Walking day by day checks both conversions against the independent month table.
        let mut cur = d(1800, 1, 1);
        let mut n = cur.days_since_epoch();
        while cur < d(2200, 12, 31) {
            let next = if cur.day < Date::days_in_month(cur.year, cur.month) {
                Date { day: cur.day + 1, ..cur }
            } else if cur.month < 12 {
                d(cur.year, cur.month + 1, 1)
            } else {
                d(cur.year + 1, 1, 1)
            };
            n += 1;
            assert_eq!(next.days_since_epoch(), n, "{next}");
            assert_eq!(Date::from_days_since_epoch(n), Some(next));
            cur = next;
        }
    }

    #[test]
    fn today_in_japan_or_utc() {
        // 2025-05-09T15:00:00Z is midnight 2025-05-10 in Tokyo.
        let t = d(2025, 5, 9).days_since_epoch() * 86_400 + 15 * 3600;
        assert_eq!(today_at(t, true), d(2025, 5, 10));
        assert_eq!(today_at(t, false), d(2025, 5, 9));
        assert_eq!(today_at(t - 1, true), d(2025, 5, 9));
        assert_eq!(today_at(0, false), d(1970, 1, 1));
        assert_eq!(today_at(-1, false), d(1969, 12, 31));
        assert_eq!(today_at(i64::MAX, true), Date::MAX);
        assert_eq!(today_at(i64::MIN, false), Date::MIN);
    }

    #[test]
    fn tz_names() {
        for tz in ["Asia/Tokyo", ":Asia/Tokyo", "JST-9", "Japan"] {
            assert!(names_japan(tz), "{tz}");
        }
        for tz in ["", "UTC", "Etc/UTC", "JST", "Asia/Seoul", "asia/tokyo", "JST-9 "] {
            assert!(!names_japan(tz), "{tz}");
        }
    }

    #[test]
    fn today_local_is_plausible() {
        let today = Date::today_local();
        assert!(today >= d(2024, 1, 1) && today < d(2200, 1, 1), "{today}");
    }

    #[cfg(unix)]
    #[test]
    fn today_local_is_the_date_the_os_shows() {
        let os = || {
            let out = std::process::Command::new("date").arg("+%F").output().expect("run date");
            Date::parse_iso(String::from_utf8(out.stdout).unwrap().trim()).expect("date +%F")
        };
        // Sampled on both sides so that a run across midnight cannot fail the test.
        let (before, ours, after) = (os(), Date::today_local(), os());
        assert!(ours == before || ours == after, "{before} {ours} {after}");
    }

    #[cfg(unix)]
    #[test]
    fn os_local_date_follows_the_zone_at_a_given_instant() {
        // The zone is the process's; whatever it is, the local day is within one of the UTC day.
        let t = d(2025, 5, 9).days_since_epoch() * 86_400 + 12 * 3600;
        let local = os_local_date(t).unwrap();
        assert!((local.days_since_epoch() - d(2025, 5, 9).days_since_epoch()).abs() <= 1, "{local}");
    }

    #[test]
    fn year_month() {
        assert_eq!(YearMonth::parse_iso("2025-03"), Some(YearMonth { year: 2025, month: 3 }));
        assert_eq!(YearMonth::parse_iso("0001-12"), YearMonth::new(1, 12));
        for s in [
            "",
            "2025-3",
            "2025-00",
            "2025-13",
            "0000-01",
            "2025/03",
            "202503",
            "2025-03-01",
            " 2025-03",
            "２０２５-０３",
            "2025-0\u{3}",
            "2025-１2",
        ] {
            assert_eq!(YearMonth::parse_iso(s), None, "{s:?}");
        }
        assert_eq!(YearMonth::of(d(2025, 5, 31)).to_string(), "2025-05");
        assert_eq!(YearMonth::new(1, 1).map(|x| x.to_string()).as_deref(), Some("0001-01"));
        assert!(YearMonth::new(2025, 12) < YearMonth::new(2026, 1));
        assert!(YearMonth::new(0, 1).is_none());
        assert!(YearMonth::new(10_000, 1).is_none());
        assert!(YearMonth::new(2025, 0).is_none());
    }
}
