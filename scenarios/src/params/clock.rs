//! Times on the scenario's virtual clock, written as a stopwatch shows them: `4:00`, `1:00:00`.

use super::{UnknownWord, Vocabulary};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A time since some moment: `m:ss` or `h:mm:ss`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, cucumber::Parameter)]
#[param(name = "clock_time", regex = r"\d+:[0-5]\d(?::[0-5]\d)?")]
pub struct ClockTime(pub Duration);

impl Vocabulary for ClockTime {
    const ABOUT: &'static str = "a time";
    const MORE: Option<&'static str> = Some("m:ss or h:mm:ss, e.g. 0:30, 4:00 or 1:00:00");

    fn words() -> Vec<String> {
        Vec::new()
    }
}

impl FromStr for ClockTime {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if !super::whole_match::<ClockTime>(s) {
            return Err(UnknownWord::of::<ClockTime>(s));
        }
        let secs = s.split(':').try_fold(0u64, |acc, part| part.parse::<u64>().ok().and_then(|p| acc.checked_mul(60)?.checked_add(p)));
        secs.map(|secs| ClockTime(Duration::from_secs(secs))).ok_or_else(|| UnknownWord::of::<ClockTime>(s))
    }
}

/// `m:ss`, with milliseconds when there are any (`0:30.250`), so an assertion shows a time that
/// missed the whole second.
impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.as_secs();
        let ms = self.0.subsec_millis();
        if ms == 0 {
            write!(f, "{}:{:02}", s / 60, s % 60)
        } else {
            write!(f, "{}:{:02}.{ms:03}", s / 60, s % 60)
        }
    }
}

/// Several times, comma-separated: `0:30, 1:00, 2:00`.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "clock_times", regex = r"\d+:[0-5]\d(?::[0-5]\d)?(?:, \d+:[0-5]\d(?::[0-5]\d)?)*")]
pub struct ClockTimes(pub Vec<Duration>);

impl Vocabulary for ClockTimes {
    const ABOUT: &'static str = "a list of times";
    const MORE: Option<&'static str> = Some("times (m:ss or h:mm:ss) separated by \", \", e.g. 0:30, 1:00, 2:00");

    fn words() -> Vec<String> {
        Vec::new()
    }
}

impl FromStr for ClockTimes {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if !super::whole_match::<ClockTimes>(s) {
            return Err(UnknownWord::of::<ClockTimes>(s));
        }
        s.split(", ").map(|t| t.parse::<ClockTime>().map(|t| t.0)).collect::<Result<_, _>>().map(ClockTimes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::rejects;

    #[test]
    fn minutes_and_hours() {
        assert_eq!("4:00".parse(), Ok(ClockTime(Duration::from_secs(240))));
        assert_eq!("0:30".parse(), Ok(ClockTime(Duration::from_secs(30))));
        assert_eq!("1:00:00".parse(), Ok(ClockTime(Duration::from_secs(3600))));
        assert_eq!("90:00".parse(), Ok(ClockTime(Duration::from_secs(5400))));
        for bad in ["4", "4:0", "4:60", "four minutes", "1:00:00:00", "-1:00"] {
            rejects::<ClockTime>(bad);
        }
        assert!(ClockTime::from_str("4").unwrap_err().to_string().contains("m:ss or h:mm:ss"));
    }

    #[test]
    fn shown_as_a_stopwatch_shows_them() {
        assert_eq!(ClockTime(Duration::from_secs(30)).to_string(), "0:30");
        assert_eq!(ClockTime(Duration::from_secs(450)).to_string(), "7:30");
        assert_eq!(ClockTime(Duration::from_millis(30_250)).to_string(), "0:30.250");
    }

    #[test]
    fn lists() {
        let secs = |v: &[u64]| ClockTimes(v.iter().map(|s| Duration::from_secs(*s)).collect());
        assert_eq!("0:30, 1:00".parse(), Ok(secs(&[30, 60])));
        assert_eq!("0:30, 1:30, 3:30, 7:30".parse(), Ok(secs(&[30, 90, 210, 450])));
        for bad in ["0:30,1:00", "0:30, ", "0:30 and 1:00"] {
            rejects::<ClockTimes>(bad);
        }
    }
}
