//! The words features use for things: regions, Exchange versions, times like `4:00`.

use mailconform_fakes::exchange::ServerProfile;
use mailconform_fakes::listener::Region;
use std::time::Duration;

pub fn region(word: &str) -> Region {
    Region::parse(word)
        .unwrap_or_else(|| panic!("unknown region {word:?}: use Americas, EMEA or APAC (or us-east-1, eu-west-1, ap-southeast-1)"))
}

pub fn profile(s: &str) -> ServerProfile {
    ServerProfile::parse(s).unwrap_or_else(|| {
        panic!("unknown Exchange version {s:?}: use Exchange 2007 SP1, Exchange 2010, Exchange 2010 SP1, Exchange 2013 or Office 365")
    })
}

/// `m:ss` or `h:mm:ss` → duration.
pub fn clock_time(s: &str) -> Duration {
    let parts: Vec<u64> = s.trim().split(':').map(|p| p.parse().unwrap_or_else(|_| panic!("{s:?} is not a time like 4:00"))).collect();
    let secs = parts.iter().fold(0, |acc, p| acc * 60 + p);
    Duration::from_secs(secs)
}

pub fn clock_times(list: &str) -> Vec<Duration> {
    list.split(',').map(clock_time).collect()
}

pub fn fmt_clock(d: Duration) -> String {
    let s = d.as_secs();
    let ms = d.subsec_millis();
    if ms == 0 {
        format!("{}:{:02}", s / 60, s % 60)
    } else {
        format!("{}:{:02}.{ms:03}", s / 60, s % 60)
    }
}

pub fn email(user: &str) -> String {
    if user.contains('@') {
        user.to_string()
    } else {
        format!("{}@{}", user.to_ascii_lowercase(), mailconform_fakes::defaults::DOMAIN)
    }
}

pub fn on_off(word: &str) -> bool {
    match word.to_ascii_uppercase().as_str() {
        "ON" => true,
        "OFF" => false,
        other => panic!("{other:?} is neither ON nor OFF"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(clock_time("4:00"), Duration::from_secs(240));
        assert_eq!(clock_time("1:00:00"), Duration::from_secs(3600));
        assert_eq!(fmt_clock(Duration::from_secs(30)), "0:30");
        assert_eq!(clock_times("0:30, 1:00"), vec![Duration::from_secs(30), Duration::from_secs(60)]);
    }
}
