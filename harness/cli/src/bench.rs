//! `mailconform bench`: how fast the suite simulates protocol time.

use crate::cli::BenchArgs;
use crate::eas_bench::EasFigures;
use crate::error::CliError;
use crate::exit;
use crate::run::{run_suite, RunOptions, RunResult};
use std::time::Duration;

/// Figures over several runs of the same selection and seed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BenchStats {
    pub runs: usize,
    pub scenarios: usize,
    pub wall_min: Duration,
    pub wall_median: Duration,
    pub wall_max: Duration,
    /// Simulated protocol time of one run (sum over its scenarios).
    pub simulated: Duration,
    /// Simulated time over median wall time; `None` when the wall time is zero.
    pub ratio: Option<f64>,
    /// Whether every run had the same outcome and virtual time for every scenario.
    pub consistent: bool,
}

/// Delivered push notifications per second of wall time over the runs, once the suite
/// exercises the push path; `None` leaves the line out of the table.
pub(crate) fn notifications_per_second(devices: usize, rounds: usize, seed: u64, threads: usize) -> Option<f64> {
    match crate::push_bench::measure_parallel(devices, rounds, seed, threads) {
        Ok(t) => Some(t.per_second()),
        Err(e) => {
            eprintln!("push throughput not measured: {e}");
            None
        }
    }
}

/// The ActiveSync figures of [`crate::eas_bench`]; `None` leaves their lines out of the table.
pub(crate) fn eas_figures(users: usize, seed: u64, threads: usize) -> Option<EasFigures> {
    match crate::eas_bench::measure(users, seed, threads) {
        Ok(f) => Some(f),
        Err(e) => {
            eprintln!("ActiveSync figures not measured: {e}");
            None
        }
    }
}

/// Computes [`BenchStats`]; `runs` must not be empty.
pub(crate) fn stats(runs: &[RunResult]) -> BenchStats {
    let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall_time).collect();
    walls.sort();
    let n = walls.len();
    let wall_median = if n == 0 {
        Duration::ZERO
    } else if n % 2 == 1 {
        walls[n / 2]
    } else {
        (walls[n / 2 - 1] + walls[n / 2]) / 2
    };
    let simulated = runs.first().map(|r| r.virtual_time).unwrap_or_default();
    let fingerprint =
        |r: &RunResult| -> Vec<_> { r.scenarios.iter().map(|s| (s.file.clone(), s.line, s.outcome, s.virtual_time)).collect() };
    let consistent = runs.windows(2).all(|w| fingerprint(&w[0]) == fingerprint(&w[1]));
    BenchStats {
        runs: n,
        scenarios: runs.first().map(|r| r.scenarios.len()).unwrap_or(0),
        wall_min: walls.first().copied().unwrap_or_default(),
        wall_median,
        wall_max: walls.last().copied().unwrap_or_default(),
        simulated,
        ratio: (!wall_median.is_zero()).then(|| simulated.as_secs_f64() / wall_median.as_secs_f64()),
        consistent,
    }
}

/// The table `bench` prints.
pub(crate) fn render(stats: &BenchStats, seed: u64, notifications_per_second: Option<f64>, eas: Option<&EasFigures>) -> String {
    let mut out = format!(
        "bench: {} run{} of {} scenario{}, seed {seed}\n",
        stats.runs,
        if stats.runs == 1 { "" } else { "s" },
        stats.scenarios,
        if stats.scenarios == 1 { "" } else { "s" },
    );
    out +=
        &format!("  wall time          min {}  median {}  max {}\n", wall(stats.wall_min), wall(stats.wall_median), wall(stats.wall_max));
    out += &format!("  simulated time     {} per run\n", simulated(stats.simulated));
    match stats.ratio {
        Some(r) => out += &format!("  speed              {}× real time (simulated / median wall)\n", grouped(r)),
        None => out += "  speed              n/a (wall time too short to measure)\n",
    }
    if let Some(nps) = notifications_per_second {
        out += &format!("  notifications/s    {}\n", grouped(nps));
    }
    if let Some(f) = eas {
        out += &format!("  WBXML encode       {} MB/s\n", grouped(f.codec.encode_mb_per_second()));
        out += &format!("  WBXML decode       {} MB/s\n", grouped(f.codec.decode_mb_per_second()));
        out += &format!(
            "  EAS sessions/s     {} on 1 thread, {} on {} thread{}\n",
            grouped(f.single.per_second()),
            grouped(f.parallel.per_second()),
            f.parallel.threads,
            if f.parallel.threads == 1 { "" } else { "s" }
        );
    }
    out
}

/// The lines `bench --eas-only` prints.
pub(crate) fn render_eas(f: &EasFigures, users: usize) -> String {
    let c = &f.codec;
    let mut out = format!(
        "wbxml: encode {} MB/s ({:.1} MB in {:.3} s), decode {} MB/s ({:.1} MB in {:.3} s) over a corpus of {} documents, {} bytes\n",
        grouped(c.encode_mb_per_second()),
        c.encoded_bytes as f64 / 1e6,
        c.encode_wall.as_secs_f64(),
        grouped(c.decode_mb_per_second()),
        c.decoded_bytes as f64 / 1e6,
        c.decode_wall.as_secs_f64(),
        c.documents,
        grouped(c.corpus_bytes as f64),
    );
    for t in [&f.single, &f.parallel] {
        out += &format!(
            "eas: {} sessions in {:.3} s = {} sessions/s ({} simulation thread{} x {} users x {} round{}, OPTIONS+Provision+FolderSync+Sync of {} messages each, {} items synced)\n",
            t.sessions,
            t.wall.as_secs_f64(),
            grouped(t.per_second()),
            t.threads,
            if t.threads == 1 { "" } else { "s" },
            users,
            t.rounds,
            if t.rounds == 1 { "" } else { "s" },
            crate::eas_bench::MESSAGES_PER_USER,
            t.items,
        );
    }
    out
}

/// `mailconform bench`: returns the exit code.
pub(crate) fn bench(args: &BenchArgs) -> Result<u8, CliError> {
    if args.push_only {
        return match crate::push_bench::measure_parallel(args.devices, args.rounds, args.seed, threads(args)) {
            Ok(t) => {
                println!(
                    "push: {} notifications in {:.3} s = {} notifications/s ({} phones x {} messages on {} simulation thread(s), {} connections opened)",
                    t.notifications,
                    t.wall.as_secs_f64(),
                    grouped(t.per_second()),
                    args.devices,
                    args.rounds,
                    threads(args),
                    t.connections
                );
                Ok(exit::PASSED)
            }
            Err(e) => {
                eprintln!("mailconform: push throughput: {e}");
                Ok(exit::FAILED)
            }
        };
    }
    if args.served_only {
        return Ok(served(args).unwrap_or(exit::PASSED));
    }
    if args.containers_only {
        return match crate::container_bench::measure() {
            Ok(f) => {
                print!("{}", crate::container_bench::render(&f));
                Ok(exit::PASSED)
            }
            Err(e) => {
                eprintln!("mailconform: container figures: {e}");
                Ok(exit::FAILED)
            }
        };
    }
    if args.tls_only {
        return match crate::tls_bench::measure() {
            Ok(f) => {
                print!("{}", crate::tls_bench::render(&f));
                Ok(if f.matrix_disagreements == 0 { exit::PASSED } else { exit::FAILED })
            }
            Err(e) => {
                eprintln!("mailconform: SSLv3/TLS figures: {e}");
                Ok(exit::FAILED)
            }
        };
    }
    if args.smime_only {
        return match crate::smime_bench::measure() {
            Ok(rates) => {
                print!("{}", crate::smime_bench::render(&rates));
                Ok(exit::PASSED)
            }
            Err(e) => {
                eprintln!("mailconform: S/MIME figures: {e}");
                Ok(exit::FAILED)
            }
        };
    }
    if args.gateway_only {
        return match crate::gateway_bench::measure(args.seed) {
            Ok(rates) => {
                print!("{}", crate::gateway_bench::render(&rates));
                Ok(exit::PASSED)
            }
            Err(e) => {
                eprintln!("mailconform: gateway figures: {e}");
                Ok(exit::FAILED)
            }
        };
    }
    let eas_users = usize::try_from(args.eas_users).unwrap_or(usize::MAX);
    if args.eas_only {
        return match crate::eas_bench::measure(eas_users, args.seed, threads(args)) {
            Ok(f) => {
                print!("{}", render_eas(&f, eas_users));
                Ok(exit::PASSED)
            }
            Err(e) => {
                eprintln!("mailconform: ActiveSync figures: {e}");
                Ok(exit::FAILED)
            }
        };
    }
    if args.seg_only {
        return match crate::seg_bench::measure(args.seed) {
            Ok(f) => {
                println!("{}", render_seg(&f));
                Ok(exit::PASSED)
            }
            Err(e) => {
                eprintln!("mailconform: SEG figures: {e}");
                Ok(exit::FAILED)
            }
        };
    }
    let opts = RunOptions::selected(&args.selection, args.seed, args.concurrency);
    let mut runs = Vec::new();
    for _ in 0..args.runs {
        runs.push(run_suite(&opts)?);
    }
    let last = runs.last().cloned().ok_or_else(|| CliError::Usage("--runs must be at least 1".into()))?;
    if last.nothing_ran() {
        eprintln!("mailconform: no scenario was selected; check --tags, --name and the feature paths");
        println!("{}", last.summary_line());
        return Ok(exit::NOTHING_RAN);
    }
    let stats = stats(&runs);
    let nps = notifications_per_second(args.devices, args.rounds, args.seed, threads(args));
    let eas = eas_figures(eas_users, args.seed, threads(args));
    print!("{}", render(&stats, args.seed, nps, eas.as_ref()));
    match crate::seg_bench::measure(args.seed) {
        Ok(f) => println!("{}", render_seg(&f)),
        Err(e) => eprintln!("mailconform: SEG figures: {e}"),
    }
    match crate::tls_bench::measure() {
        Ok(f) => print!("{}", crate::tls_bench::render(&f)),
        Err(e) => eprintln!("SSLv3/TLS figures not measured: {e}"),
    }
    match crate::smime_bench::measure() {
        Ok(rates) => print!("{}", crate::smime_bench::render(&rates)),
        Err(e) => eprintln!("S/MIME figures not measured: {e}"),
    }
    match crate::gateway_bench::measure(args.seed) {
        Ok(rates) => print!("{}", crate::gateway_bench::render(&rates)),
        Err(e) => eprintln!("gateway figures not measured: {e}"),
    }
    match crate::container_bench::measure() {
        Ok(f) => print!("{}", crate::container_bench::render(&f)),
        Err(e) => eprintln!("container figures not measured: {e}"),
    }
    let mut code = last.exit_code();
    if let Some(failed) = served(args) {
        code = code.max(failed);
    }
    if !stats.consistent {
        eprintln!(
            "mailconform: runs with seed {} disagreed on scenario outcomes or virtual time; the suite is not deterministic",
            args.seed
        );
        code = exit::FAILED;
    } else if code == exit::FAILED {
        eprintln!("mailconform: some scenarios failed; see `mailconform run` for details");
    }
    println!("{}", last.summary_line());
    Ok(code)
}

/// Measures and prints the served figures; `Some(exit::FAILED)` when an answer was wrong or the
/// measurement could not be taken (said on stderr), `None` when all went right.
fn served(args: &BenchArgs) -> Option<u8> {
    let options = crate::served_bench::Options {
        duration: Duration::from_millis(args.served_ms),
        connections: usize::try_from(args.served_connections).unwrap_or(usize::MAX),
        streams: usize::try_from(args.served_streams).unwrap_or(usize::MAX),
        seed: args.seed,
    };
    match crate::served_bench::measure(&options) {
        Ok(f) => {
            print!("{}", crate::served_bench::render(&f));
            if f.failed() == 0 {
                return None;
            }
            eprintln!("mailconform: served figures: {} answer(s) were wrong; see the lines above", f.failed());
        }
        Err(e) => eprintln!("mailconform: served figures: {e}"),
    }
    Some(exit::FAILED)
}

/// The SEG line: both rates and what SEG adds to each request.
fn render_seg(f: &crate::seg_bench::SegFigures) -> String {
    format!(
        "  EWS through SEG    {} requests/s (direct to Exchange {}/s; SEG adds {:.0} µs per request: TLS both sides, keep-alive, the console asked per request, 4 upstream connections)",
        grouped(f.via_seg_per_second()),
        grouped(f.direct_per_second()),
        f.overhead_micros(),
    )
}

/// Simulations measured side by side: one per core unless `--threads` says otherwise.
fn threads(args: &BenchArgs) -> usize {
    args.threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

fn wall(d: Duration) -> String {
    if d >= Duration::from_secs(10) {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

fn simulated(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{} ms", d.as_millis());
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s}s"),
        _ => format!("{h}h {m}m {s}s"),
    }
}

/// A number rounded to an integer with thousands separators, or with two decimals below 10.
pub(crate) fn grouped(x: f64) -> String {
    if x < 10.0 {
        return format!("{x:.2}");
    }
    let digits = format!("{:.0}", x);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ScenarioResult;
    use crate::summary::{Counts, Outcome};

    fn run(wall_ms: u64, virt_secs: u64) -> RunResult {
        RunResult {
            seed: 1,
            scenarios: vec![ScenarioResult {
                file: "a.feature".into(),
                line: 3,
                feature: "F".into(),
                rule: None,
                name: "s".into(),
                outcome: Outcome::Passed,
                virtual_time: Duration::from_secs(virt_secs),
                failure: None,
                verdicts: vec![],
                recorded: vec![],
            }],
            counts: Counts { passed: 1, ..Counts::default() },
            parse_errors: vec![],
            virtual_time: Duration::from_secs(virt_secs),
            wall_time: Duration::from_millis(wall_ms),
        }
    }

    #[test]
    fn min_median_max_and_ratio() {
        let s = stats(&[run(30, 960), run(10, 960), run(20, 960)]);
        assert_eq!(
            (s.wall_min, s.wall_median, s.wall_max),
            (Duration::from_millis(10), Duration::from_millis(20), Duration::from_millis(30))
        );
        assert_eq!(s.simulated, Duration::from_secs(960));
        assert!((s.ratio.unwrap() - 48_000.0).abs() < 1e-6);
        assert!(s.consistent);
        let table = render(&s, 1, None, None);
        assert!(table.contains("median 20.0 ms"), "{table}");
        assert!(table.contains("16m 0s per run"), "{table}");
        assert!(table.contains("48,000× real time"), "{table}");
        assert!(!table.contains("notifications"));
        assert!(render(&s, 1, Some(1234.0), None).contains("notifications/s    1,234"));
        assert!(!table.contains("WBXML"));
    }

    #[test]
    fn eas_figures_follow_notifications() {
        use crate::eas_bench::{CodecThroughput, SessionThroughput};
        let codec = CodecThroughput {
            documents: 11,
            corpus_bytes: 1_000_000,
            encoded_bytes: 300_000_000,
            encode_wall: Duration::from_secs(1),
            decoded_bytes: 150_000_000,
            decode_wall: Duration::from_secs(1),
        };
        let single = SessionThroughput { sessions: 100, items: 2000, wall: Duration::from_millis(500), threads: 1, rounds: 1 };
        let parallel = SessionThroughput { sessions: 200, items: 4000, wall: Duration::from_millis(500), threads: 2, rounds: 1 };
        let f = EasFigures { codec, single, parallel };
        let table = render(&stats(&[run(10, 960)]), 1, Some(1234.0), Some(&f));
        let after = table.split("notifications/s").nth(1).unwrap_or_default();
        assert!(after.contains("WBXML encode       300 MB/s\n"), "{table}");
        assert!(after.contains("WBXML decode       150 MB/s\n"), "{table}");
        assert!(after.contains("EAS sessions/s     200 on 1 thread, 400 on 2 threads\n"), "{table}");
        let only = render_eas(&f, 100);
        assert!(only.contains("encode 300 MB/s") && only.contains("decode 150 MB/s"), "{only}");
        assert!(only.contains("200 sessions in 0.500 s = 400 sessions/s (2 simulation threads x 100 users x 1 round,"), "{only}");
    }

    #[test]
    fn differing_runs_are_flagged() {
        assert!(!stats(&[run(10, 960), run(10, 961)]).consistent);
    }

    #[test]
    fn number_formats() {
        assert_eq!(grouped(1_234_567.4), "1,234,567");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(2.5), "2.50");
        assert_eq!(simulated(Duration::from_secs(88_200)), "24h 30m 0s");
        assert_eq!(simulated(Duration::from_millis(250)), "250 ms");
    }
}
