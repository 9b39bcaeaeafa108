//! When Exchange retries a push notification that did not get through.
//!
//! Microsoft's StatusFrequency page gives the rule twice and the two disagree: its prose says
//! each retry *interval* doubles (30 s, then 60 s after that, ...: 0:30, 1:30, 3:30, 7:30), its
//! table lists retries at 0:30, 1:00, 2:00, 4:00, 8:00, 16:00 (each retry *time* doubles). The
//! table is the concrete artefact, and Microsoft's EWS blog repeats it, so it is the default;
//! the prose reading is one switch away. Either way no retry is sent past the StatusFrequency
//! window, and the subscription ends when the window closes.

use std::time::Duration;

/// Which reading of Microsoft's StatusFrequency page the retries follow (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryMode {
    /// Retry k (k ≥ 1) at `first × 2^(k−1)` after the failed attempt: the documentation's table.
    DoublingTimes,
    /// Interval k is `first × 2^(k−1)`: the documentation's prose.
    DoublingIntervals,
}

/// When Exchange retries a push notification: the reading and the first retry's delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetrySchedule {
    /// Which reading of the documentation.
    pub mode: RetryMode,
    /// Delay of the first retry after the failed attempt (30 s in Exchange).
    pub first: Duration,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        RetrySchedule { mode: RetryMode::DoublingTimes, first: Duration::from_secs(30) }
    }
}

impl RetrySchedule {
    /// Offsets, from the first failed attempt, of every retry that falls within `window`
    /// (the subscription's StatusFrequency). A retry due exactly at the window's end is sent.
    pub fn offsets(&self, window: Duration) -> Vec<Duration> {
        let mut out = Vec::new();
        if self.first.is_zero() {
            return out;
        }
        let mut at = Duration::ZERO;
        let mut step = self.first;
        loop {
            let next = match self.mode {
                RetryMode::DoublingTimes => {
                    if out.is_empty() {
                        self.first
                    } else {
                        at * 2
                    }
                }
                RetryMode::DoublingIntervals => {
                    let n = at + step;
                    step *= 2;
                    n
                }
            };
            if next > window {
                return out;
            }
            out.push(next);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn secs(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|s| Duration::from_secs(*s)).collect()
    }

    #[test]
    fn table_schedule_for_the_seed_deployment() {
        let s = RetrySchedule::default();
        assert_eq!(s.offsets(Duration::from_secs(15 * 60)), secs(&[30, 60, 120, 240, 480]));
        // The documentation's own example: StatusFrequency 30 → six retries, the 32:00 one not sent.
        assert_eq!(s.offsets(Duration::from_secs(30 * 60)), secs(&[30, 60, 120, 240, 480, 960]));
        assert_eq!(s.offsets(Duration::from_secs(60)), secs(&[30, 60]));
    }

    #[test]
    fn prose_schedule() {
        let s = RetrySchedule { mode: RetryMode::DoublingIntervals, first: Duration::from_secs(30) };
        assert_eq!(s.offsets(Duration::from_secs(15 * 60)), secs(&[30, 90, 210, 450]));
    }

    proptest! {
        #[test]
        fn retries_are_increasing_bounded_and_start_at_first(window_min in 1u64..=1440, first_s in 1u64..120, prose in any::<bool>()) {
            let mode = if prose { RetryMode::DoublingIntervals } else { RetryMode::DoublingTimes };
            let s = RetrySchedule { mode, first: Duration::from_secs(first_s) };
            let window = Duration::from_secs(window_min * 60);
            let o = s.offsets(window);
            prop_assert!(o.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(o.iter().all(|d| *d <= window));
            if Duration::from_secs(first_s) <= window {
                prop_assert_eq!(o[0], Duration::from_secs(first_s));
            }
            // Each gap at least doubles the previous one or equals it (the table's first two gaps).
            let gaps: Vec<_> = std::iter::once(o.first().copied().unwrap_or_default()).chain(o.windows(2).map(|w| w[1] - w[0])).collect();
            prop_assert!(gaps.windows(2).all(|g| g[1] >= g[0]));
            // The next retry after the last one would fall outside the window.
            let bigger = s.offsets(window * 4);
            if let Some(next) = bigger.get(o.len()) { prop_assert!(*next > window); }
        }
    }
}
