//! A child's memory as the kernel reports it (`/proc/<pid>/status`): its resident set before
//! the load, at its peak during the load, and after.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// One reading of `/proc/<pid>/status`, in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusSample {
    /// `VmRSS`: resident now.
    pub rss_kib: u64,
    /// `VmHWM`: the most ever resident, since the process started.
    pub hwm_kib: u64,
}

/// `VmRSS` and `VmHWM` from the text of a `/proc/<pid>/status` file; `None` when either is
/// missing (a kernel thread, or a process that has already exited).
pub(crate) fn parse_status(text: &str) -> Option<StatusSample> {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim_start_matches(':').split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some(StatusSample { rss_kib: field("VmRSS")?, hwm_kib: field("VmHWM")? })
}

/// Reads `/proc/<pid>/status`; `None` when the process is gone or the system has no `/proc`.
pub(crate) fn sample(pid: u32) -> Option<StatusSample> {
    std::fs::read_to_string(format!("/proc/{pid}/status")).ok().as_deref().and_then(parse_status)
}

/// How often the resident set is read while the load runs.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

/// Reads the resident set of some processes every [`SAMPLE_EVERY`] on a thread of its own,
/// keeping each one's largest, until [`Sampler::finish`].
pub(crate) struct Sampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<u64>>,
}

impl Sampler {
    pub(crate) fn start(pids: Vec<u32>) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut max = vec![0; pids.len()];
            while !flag.load(Ordering::Relaxed) {
                for (m, pid) in max.iter_mut().zip(&pids) {
                    *m = sample(*pid).map_or(*m, |s| s.rss_kib.max(*m));
                }
                std::thread::sleep(SAMPLE_EVERY);
            }
            max
        });
        Sampler { stop, thread }
    }

    /// The largest resident set seen of each process, in the order given to [`Sampler::start`].
    pub(crate) fn finish(self) -> Vec<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}

/// The child's resident set around a load, in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemoryFigures {
    pub before_kib: u64,
    pub peak_kib: u64,
    pub after_kib: u64,
}

/// The peak during a load. When the high-water mark rose during the load, the kernel saw the
/// peak, including a spike between two samples; when it did not, the load stayed below an
/// earlier peak (start-up) and the largest sample is the best reading there is.
pub(crate) fn peak_during(before: StatusSample, sampled_max_rss_kib: u64, after: StatusSample) -> u64 {
    if after.hwm_kib > before.hwm_kib {
        after.hwm_kib.max(sampled_max_rss_kib)
    } else {
        sampled_max_rss_kib.max(before.rss_kib).max(after.rss_kib)
    }
}

/// KiB as MiB with one decimal.
pub(crate) fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\tmailconform\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t  812340 kB\n\
        VmSize:\t  745104 kB\nVmLck:\t       0 kB\nVmHWM:\t   31236 kB\nVmRSS:\t   28804 kB\nRssAnon:\t   12000 kB\nThreads:\t3\n";

    #[test]
    fn reads_rss_and_high_water_mark() {
        assert_eq!(parse_status(STATUS), Some(StatusSample { rss_kib: 28_804, hwm_kib: 31_236 }));
    }

    #[test]
    fn a_status_without_memory_lines_gives_none() {
        assert_eq!(parse_status("Name:\tkthreadd\nState:\tS (sleeping)\n"), None);
        assert_eq!(parse_status("VmRSS:\t  12 kB\n"), None);
    }

    #[test]
    fn peak_is_the_high_water_mark_when_it_rose_else_the_largest_sample() {
        let before = StatusSample { rss_kib: 20_000, hwm_kib: 25_000 };
        assert_eq!(peak_during(before, 40_000, StatusSample { rss_kib: 30_000, hwm_kib: 41_000 }), 41_000);
        assert_eq!(peak_during(before, 22_000, StatusSample { rss_kib: 21_000, hwm_kib: 25_000 }), 22_000);
    }

    #[test]
    fn this_process_can_be_read() {
        let s = sample(std::process::id()).expect("/proc/self/status");
        assert!(s.rss_kib > 0 && s.hwm_kib >= s.rss_kib, "{s:?}");
    }

    #[test]
    fn the_sampler_sees_this_process() {
        let s = Sampler::start(vec![std::process::id()]);
        std::thread::sleep(SAMPLE_EVERY * 2);
        assert!(s.finish()[0] > 0);
    }

    #[test]
    fn mib_has_one_decimal() {
        assert_eq!(mib(31_744), "31.0 MiB");
    }
}
