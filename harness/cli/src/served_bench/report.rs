//! The served figures as `bench` prints them: per figure the served rate, its p50 and p99, the
//! failures, the same for the ceiling, and the ratio served/ceiling, the headline figure.

use super::load::LoadResult;
use super::memory::{mib, MemoryFigures};
use crate::bench::grouped;
use std::time::Duration;

/// One load shape run against the served role and against the ceiling.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    /// E.g. `EWS GetFolder h1`.
    pub name: &'static str,
    /// What is counted, e.g. `req/s`, `pushes/s`.
    pub unit: &'static str,
    pub served: LoadResult,
    pub ceiling: LoadResult,
}

/// Everything the served measurement found.
#[derive(Debug, Clone)]
pub(crate) struct ServedFigures {
    /// The served child's command line, e.g. `mailconform serve exchange apns`.
    pub served_child: String,
    pub duration: Duration,
    pub connections: usize,
    pub streams: usize,
    pub figures: Vec<Figure>,
    pub served_memory: MemoryFigures,
    pub ceiling_memory: MemoryFigures,
}

impl ServedFigures {
    /// Wrong answers over every figure, served and ceiling.
    pub(crate) fn failed(&self) -> u64 {
        self.figures.iter().map(|f| f.served.failed + f.ceiling.failed).sum()
    }
}

/// Right answers per second of wall time.
pub(crate) fn rate(r: &LoadResult) -> f64 {
    r.ok as f64 / r.wall.as_secs_f64().max(1e-9)
}

/// Microseconds as milliseconds: two decimals below 10 ms, one below 100, none above.
pub(crate) fn millis(micros: u64) -> String {
    let ms = micros as f64 / 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// served/ceiling with two decimals; `n/a` when the ceiling answered nothing.
pub(crate) fn ratio(served: f64, ceiling: f64) -> String {
    if ceiling > 0.0 {
        format!("{:.2}", served / ceiling)
    } else {
        "n/a".to_string()
    }
}

fn side(label: &str, unit: &str, r: &LoadResult) -> String {
    let (p50, p99) = if r.latency.is_empty() {
        ("n/a".to_string(), "n/a".to_string())
    } else {
        (millis(r.latency.value_at_quantile(0.5)), millis(r.latency.value_at_quantile(0.99)))
    };
    format!("{label} {:>7} {unit:<8} p50 {p50:>8} p99 {p99:>8} {} failed", grouped(rate(r)), r.failed)
}

/// The lines `bench` prints.
pub(crate) fn render(f: &ServedFigures) -> String {
    let mut out = format!(
        "served: `{}` and a plain hyper server on the same TLS stack (the ceiling), each a child process, in alternating rounds; {:.1} s per figure on each, {} HTTP/1.1 connection{}, {} HTTP/2 stream{}\n",
        f.served_child,
        f.duration.as_secs_f64(),
        f.connections,
        if f.connections == 1 { "" } else { "s" },
        f.streams,
        if f.streams == 1 { "" } else { "s" },
    );
    for fig in &f.figures {
        out += &format!(
            "  {:<18} {} | {} | served/ceiling {}\n",
            fig.name,
            side("served", fig.unit, &fig.served),
            side("ceiling", fig.unit, &fig.ceiling),
            ratio(rate(&fig.served), rate(&fig.ceiling)),
        );
    }
    let m = |m: &MemoryFigures| format!("before {}, peak {}, after {}", mib(m.before_kib), mib(m.peak_kib), mib(m.after_kib));
    out += &format!("  {:<18} {} (ceiling: {})\n", "served RSS", m(&f.served_memory), m(&f.ceiling_memory));
    for fig in &f.figures {
        for (who, r) in [("served", &fig.served), ("ceiling", &fig.ceiling)] {
            if let Some(first) = r.first_failure.as_deref().filter(|_| r.failed > 0) {
                out += &format!("  {} {who}: {} failed; the first: {first}\n", fig.name, r.failed);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::Histogram;

    fn result(ok: u64, failed: u64, wall_ms: u64, micros: &[u64]) -> LoadResult {
        let mut latency = Histogram::new_with_bounds(1, 60_000_000, 3).unwrap();
        for m in micros {
            latency.record(*m).unwrap();
        }
        LoadResult {
            ok,
            failed,
            first_failure: (failed > 0).then(|| "401 Unauthorized (expected 200 OK): ".to_string()),
            latency,
            wall: Duration::from_millis(wall_ms),
        }
    }

    #[test]
    fn latencies_and_ratios_read_as_written() {
        assert_eq!(millis(612), "0.61 ms");
        assert_eq!(millis(12_340), "12.3 ms");
        assert_eq!(millis(250_000), "250 ms");
        assert_eq!(ratio(2_500.0, 10_000.0), "0.25");
        assert_eq!(ratio(1.0, 0.0), "n/a");
        assert!((rate(&result(3_000, 0, 1_500, &[])) - 2_000.0).abs() < 1e-9);
    }

    fn figures(served_failed: u64) -> ServedFigures {
        let served: Vec<u64> = (1..=100).map(|i| i * 100).collect();
        let ceiling: Vec<u64> = (1..=100).map(|i| i * 10).collect();
        ServedFigures {
            served_child: "mailconform serve exchange apns".into(),
            duration: Duration::from_secs(1),
            connections: 8,
            streams: 32,
            figures: vec![Figure {
                name: "EWS GetFolder h1",
                unit: "req/s",
                served: result(2_000, served_failed, 1_000, &served),
                ceiling: result(20_000, 0, 1_000, &ceiling),
            }],
            served_memory: MemoryFigures { before_kib: 20_480, peak_kib: 40_960, after_kib: 30_720 },
            ceiling_memory: MemoryFigures { before_kib: 8_192, peak_kib: 10_240, after_kib: 9_216 },
        }
    }

    #[test]
    fn each_figure_is_one_line_with_both_sides_and_the_ratio() {
        let f = figures(0);
        let out = render(&f);
        let line = out.lines().find(|l| l.contains("EWS GetFolder h1")).expect(&out);
        assert!(line.contains("served   2,000 req/s    p50  5.00 ms p99  9.90 ms 0 failed"), "{line}");
        assert!(line.contains("ceiling  20,000 req/s    p50  0.50 ms p99  0.99 ms 0 failed"), "{line}");
        assert!(line.ends_with("served/ceiling 0.10"), "{line}");
        assert!(out.contains("served RSS         before 20.0 MiB, peak 40.0 MiB, after 30.0 MiB (ceiling: before 8.0 MiB"), "{out}");
        assert!(out.starts_with("served: `mailconform serve exchange apns`"), "{out}");
        assert!(out.contains("1.0 s per figure on each, 8 HTTP/1.1 connections, 32 HTTP/2 streams"), "{out}");
        assert_eq!(f.failed(), 0);
    }

    #[test]
    fn failures_are_counted_and_the_first_shown() {
        let f = figures(3);
        let out = render(&f);
        assert!(out.contains("3 failed |"), "{out}");
        assert!(out.contains("EWS GetFolder h1 served: 3 failed; the first: 401 Unauthorized"), "{out}");
        assert_eq!(f.failed(), 3);
    }
}
