//! One notion of "now" for every fake.
//!
//! Both modes read tokio's clock: inside a simulation the runtime's clock is paused and only
//! moves when every task is idle, so protocol timers fire in order with their I/O settled; on
//! real sockets the same calls read the real clock. The wall-clock value (for EWS time stamps,
//! JWT `iat`, certificate validity) is a fixed base plus tokio's elapsed time, so a simulated
//! run always starts on the same date and its reports do not depend on when it ran.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// 2026-01-05T09:00:00Z: the date every simulated run starts at.
pub(crate) const SIM_EPOCH_UNIX_SECS: u64 = 1_767_603_600;

/// The run's time: virtual inside a simulation, real when served. Cloning shares the start.
#[derive(Clone, Debug)]
pub struct Clock {
    start: Instant,
    start_unix: Duration,
}

impl Clock {
    /// A clock whose wall time starts at 2026-01-05T09:00:00Z. Must be created inside the
    /// simulation's runtime so that `start` is read from its paused clock.
    pub fn simulated() -> Self {
        Clock { start: Instant::now(), start_unix: Duration::from_secs(SIM_EPOCH_UNIX_SECS) }
    }

    /// A clock that follows the system's wall time.
    pub fn real() -> Self {
        let start_unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Clock { start: Instant::now(), start_unix }
    }

    /// Time since this clock started (virtual in a simulation).
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(self.start)
    }

    /// tokio's now, for deadlines and timers (paused and advanced by the simulation).
    pub fn now(&self) -> Instant {
        Instant::now()
    }

    /// Wall time since the Unix epoch: the start date plus [`Self::elapsed`].
    pub fn unix(&self) -> Duration {
        self.start_unix + self.elapsed()
    }

    /// [`Self::unix`] in whole seconds (JWT `iat`/`exp`, certificate validity).
    pub fn unix_secs(&self) -> u64 {
        self.unix().as_secs()
    }

    /// [`Self::unix`] in milliseconds.
    pub fn unix_millis(&self) -> u64 {
        self.unix().as_millis() as u64
    }

    /// `xs:dateTime` in UTC, as EWS writes time stamps.
    pub fn rfc3339(&self) -> String {
        rfc3339(self.unix())
    }

    /// [`Self::unix`] as a `time` date, for certificate validity windows.
    pub fn offset_date_time(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp_nanos(self.unix().as_nanos() as i128).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

/// `since_epoch` as an RFC 3339 / `xs:dateTime` UTC time stamp to the second
/// (`2026-01-05T09:00:00Z`).
pub fn rfc3339(since_epoch: Duration) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(since_epoch.as_secs() as i64).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

#[derive(Debug)]
pub(crate) struct RustlsTime(pub Clock);

impl rustls::time_provider::TimeProvider for RustlsTime {
    fn current_time(&self) -> Option<rustls_pki_types::UnixTime> {
        Some(rustls_pki_types::UnixTime::since_unix_epoch(self.0.unix()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_date_time() {
        assert_eq!(rfc3339(Duration::from_secs(SIM_EPOCH_UNIX_SECS)), "2026-01-05T09:00:00Z");
    }

    #[tokio::test(start_paused = true)]
    async fn simulated_clock_moves_only_with_tokio_time() {
        let clock = Clock::simulated();
        assert_eq!(clock.unix_secs(), SIM_EPOCH_UNIX_SECS);
        tokio::time::sleep(Duration::from_secs(16 * 60)).await;
        assert_eq!(clock.elapsed(), Duration::from_secs(16 * 60));
        assert_eq!(clock.rfc3339(), "2026-01-05T09:16:00Z");
    }
}
