//! Running the suite: `mailconform run`, and [`run_suite`] for `bench` and tests.
//!
//! The Cucumber run is driven by `futures::executor::block_on`, never inside a tokio runtime:
//! each scenario's world owns its own paused current-thread runtime and its steps block on it,
//! so scenarios never see each other's clocks, whatever the concurrency.

use crate::cli::{RunArgs, Selection};
use crate::cucumber_json;
use crate::error::CliError;
use crate::exit;
use crate::features::{self, FeatureFiles};
use crate::filter::ScenarioFilter;
use crate::report::{self, Buffer};
use crate::summary::{self, Counts, Outcome, ScenarioKey, SharedTally};
use cucumber::writer::{self, Coloring, Verbosity};
use cucumber::{World as _, WriterExt as _};
use futures::FutureExt as _;
use mailconform_scenarios::requirements::Verdict;
use mailconform_scenarios::world::scenario_seed;
use mailconform_scenarios::MailWorld;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a run prints while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    /// Cucumber's console output on stdout.
    Cucumber,
    /// Nothing.
    Quiet,
}

/// What [`run_suite`] runs and where its output goes; [`Default`] is `mailconform run`'s defaults
/// without reports and quiet.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Feature files or directories.
    pub features: Vec<PathBuf>,
    /// Tag expression, as for `--tags`.
    pub tags: Option<String>,
    /// Scenario name regular expression, as for `--name`.
    pub name: Option<String>,
    /// The shard of the selection to run, as for `--partition`.
    pub partition: Option<crate::partition::Partition>,
    /// Seed of every scenario's simulation (each scenario derives its own from it and its name),
    /// so that a run repeats exactly.
    pub seed: u64,
    /// Most scenarios in flight at once; `None` keeps Cucumber's default (64).
    pub concurrency: Option<usize>,
    /// Where junit.xml and cucumber.json go; `None` writes no reports.
    pub report_dir: Option<PathBuf>,
    /// What is printed while the scenarios run.
    pub console: Console,
    /// The run's real components and its real-time budget; `None` runs everything in-process.
    pub live: Option<Live>,
}

/// What a live run adds: its real components, and which scenarios would take longer in real
/// time than the budget allows (by their protocol time in an in-process run of the same
/// selection).
#[derive(Debug, Clone)]
pub struct Live {
    /// The real components.
    pub targets: Arc<mailconform_scenarios::world::live::LiveTargets>,
    /// Scenarios over the budget, by feature file and line, with the reason each is not
    /// applicable.
    pub over_budget: Arc<BTreeMap<(String, usize), String>>,
    /// Every selected scenario's protocol time in-process, for the progress bar.
    pub protocol_times: crate::progress::ProtocolTimes,
    /// The containers the run started for its targets (`--target-image`), removed when the
    /// last clone of this is dropped, at the end of the run.
    pub(crate) _containers: Arc<Vec<crate::target_image::StartedImage>>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            features: vec![PathBuf::from(features::DEFAULT_FEATURES_DIR)],
            tags: None,
            name: None,
            partition: None,
            seed: 1,
            concurrency: None,
            report_dir: None,
            console: Console::Quiet,
            live: None,
        }
    }
}

impl RunOptions {
    /// A quiet run without reports of the scenarios `selection` takes, with the command line's
    /// seed and `--concurrency`.
    pub fn selected(selection: &Selection, seed: u64, concurrency: Option<u64>) -> Self {
        RunOptions {
            features: selection.features.clone(),
            tags: selection.tags.clone(),
            name: selection.name.clone(),
            partition: selection.partition,
            seed,
            concurrency: concurrency.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            report_dir: None,
            console: Console::Quiet,
            live: None,
        }
    }
}

/// One scenario of a run (an Outline's Examples row counts as its own scenario).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScenarioResult {
    /// Its feature file, as the reports name it.
    pub file: String,
    /// Its line in `file` (an Outline row's own line).
    pub line: usize,
    /// The Feature's name.
    pub feature: String,
    /// The Rule it sits under, if any.
    pub rule: Option<String>,
    /// The Scenario's name.
    pub name: String,
    /// Its last attempt's outcome.
    pub outcome: Outcome,
    /// Virtual time the scenario's simulation covered.
    pub virtual_time: Duration,
    /// For a failed scenario, the step that failed it and its message.
    pub failure: Option<crate::summary::StepFailure>,
    /// The requirements its assertions put to the test, with what they found.
    pub verdicts: Vec<Verdict>,
    /// Its exchanges with the real components, in a live run with `--record` (written to the
    /// record directory, not to `run.json`).
    #[serde(skip)]
    pub recorded: Vec<mailconform_sim::http::record::RecordedExchange>,
}

/// What [`run_suite`] found.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The seed the run used ([`RunOptions::seed`]).
    pub seed: u64,
    /// Every scenario that ran, ordered by file and line.
    pub scenarios: Vec<ScenarioResult>,
    /// The totals the summary line and the exit code come from.
    pub counts: Counts,
    /// Feature files that could not be parsed, with the parser's message.
    pub parse_errors: Vec<String>,
    /// Sum of the scenarios' virtual time.
    pub virtual_time: Duration,
    /// Wall time of the whole run, parsing included.
    pub wall_time: Duration,
}

impl RunResult {
    /// `(feature, scenario, outcome)` per scenario, in file and line order: what two runs with
    /// the same seed must agree on.
    pub fn outcomes(&self) -> Vec<(String, String, Outcome)> {
        self.scenarios.iter().map(|s| (s.feature.clone(), s.name.clone(), s.outcome)).collect()
    }

    /// The closing `N passed, N failed[, N skipped]` line.
    pub fn summary_line(&self) -> String {
        summary::summary_line(&self.counts)
    }

    /// The process exit code this result gives (`docs/conventions.md`): 0 all passed, 1 any
    /// failed, 3 nothing ran.
    pub fn exit_code(&self) -> u8 {
        exit::of_counts(&self.counts)
    }

    /// Whether no scenario ran and no feature file failed to parse.
    pub fn nothing_ran(&self) -> bool {
        self.scenarios.is_empty() && self.parse_errors.is_empty()
    }
}

/// What a scenario's world held when it ended: its virtual time and its requirement verdicts.
#[derive(Default)]
struct Ended {
    virtual_time: Duration,
    verdicts: Vec<Verdict>,
    recorded: Vec<mailconform_sim::http::record::RecordedExchange>,
}

type EndStates = Arc<Mutex<BTreeMap<ScenarioKey, Ended>>>;

/// Runs the selected scenarios once, in this process.
pub fn run_suite(opts: &RunOptions) -> Result<RunResult, CliError> {
    let filter = ScenarioFilter::new(opts.tags.as_deref(), opts.name.as_deref())?.partitioned(opts.partition);
    let files = features::discover(&opts.features)?;
    let reports = opts.report_dir.as_deref().map(report::create).transpose()?;

    let tally = SharedTally::default();
    let times = EndStates::default();
    let (junit, json) = (Buffer::default(), Buffer::default());
    let ctx = Context { files, filter, seed: opts.seed, concurrency: opts.concurrency, times: times.clone(), live: opts.live.clone() };

    let started = Instant::now();
    // Only a live run draws progress: in-process, the suite is over in about a second.
    let progress = crate::progress::Progress::new(opts.live.as_ref().map(|l| l.protocol_times.clone()));
    let ran = panic::catch_unwind(AssertUnwindSafe(|| match (opts.console, reports.is_some()) {
        (Console::Cucumber, _) => execute(
            writer::Basic::raw(std::io::stdout(), Coloring::Auto, Verbosity::Default)
                .summarized()
                .tee::<MailWorld, _>(writer::JUnit::<MailWorld, _>::for_tee(junit.clone(), 0))
                .tee::<MailWorld, _>(cucumber_json::for_tee(json.clone()))
                .tee::<MailWorld, _>(tally.counter())
                .tee::<MailWorld, _>(progress)
                .normalized::<MailWorld>(),
            ctx,
        ),
        (Console::Quiet, true) => execute(
            writer::JUnit::<MailWorld, _>::for_tee(junit.clone(), 0)
                .tee::<MailWorld, _>(cucumber_json::for_tee(json.clone()))
                .tee::<MailWorld, _>(tally.counter())
                .normalized::<MailWorld>(),
            ctx,
        ),
        (Console::Quiet, false) => execute(tally.counter().normalized::<MailWorld>(), ctx),
    }));
    let wall_time = started.elapsed();
    let _ = std::io::stdout().flush();
    if let Err(payload) = ran {
        // Cucumber silences the panic hook during a run; give the default one back.
        drop(panic::take_hook());
        return Err(CliError::Harness(format!("the run stopped on a panic outside any step: {}", panic_message(&payload))));
    }

    if let Some(paths) = &reports {
        let junit = crate::junit::with_classnames(&junit.contents()).map_err(|e| CliError::Harness(e.to_string()))?;
        report::write(&paths.junit, &junit)?;
        report::write(&paths.cucumber_json, &json.contents())?;
        report::write_tls_matrix(&paths.dir)?;
    }

    let tally = tally.lock();
    let mut times = times.lock().unwrap_or_else(|p| p.into_inner());
    let scenarios: Vec<ScenarioResult> = tally
        .records()
        .iter()
        .map(|(key, rec)| {
            let ended = times.remove(key).unwrap_or_default();
            (key, rec, ended)
        })
        .map(|(key, rec, ended)| ScenarioResult {
            file: key.file.clone(),
            line: key.line,
            feature: rec.feature.clone(),
            rule: rec.rule.clone(),
            name: rec.name.clone(),
            outcome: rec.outcome,
            virtual_time: ended.virtual_time,
            failure: rec.failure.clone(),
            verdicts: ended.verdicts,
            recorded: ended.recorded,
        })
        .collect();
    Ok(RunResult {
        seed: opts.seed,
        virtual_time: scenarios.iter().map(|s| s.virtual_time).sum(),
        scenarios,
        counts: tally.counts(),
        parse_errors: tally.parse_errors().to_vec(),
        wall_time,
    })
}

struct Context {
    files: Vec<PathBuf>,
    filter: ScenarioFilter,
    seed: u64,
    concurrency: Option<usize>,
    times: EndStates,
    live: Option<Live>,
}

fn execute<Wr>(writer: Wr, ctx: Context)
where
    Wr: cucumber::Writer<MailWorld> + writer::Normalized + 'static,
    Wr::Cli: Default,
{
    let Context { files, filter, seed, concurrency, times, live } = ctx;
    // Beside a real listener or SEG the scenario's fakes run every step: one that reached no real
    // component is told apart by the closing step.
    let closing = live.as_ref().filter(|l| l.targets.fakes_run_beside()).map(|_| mailconform_scenarios::world::live::REACHED_STEP);
    let cucumber = MailWorld::cucumber::<PathBuf>()
        .with_parser::<_, Vec<PathBuf>>(FeatureFiles { closing })
        .with_writer(writer)
        .fail_on_skipped()
        .before(move |feature, _rule, scenario, world| {
            world.seed = scenario_seed(seed, &feature.name, &scenario.name);
            if let Some(live) = &live {
                world.live = Some(live.targets.clone());
                let key = ScenarioKey::of(feature, scenario);
                world.over_budget = live.over_budget.get(&(key.file, key.line)).cloned();
            }
            async {}.boxed_local()
        })
        .after(move |feature, _rule, scenario, _finished, world| {
            if let Some(world) = world {
                let ended =
                    Ended { virtual_time: world.virtual_elapsed(), verdicts: world.take_verdicts(), recorded: world.take_recorded() };
                times.lock().unwrap_or_else(|p| p.into_inner()).insert(ScenarioKey::of(feature, scenario), ended);
            }
            async {}.boxed_local()
        })
        .with_default_cli();
    let cucumber = match concurrency {
        Some(n) => cucumber.max_concurrent_scenarios(n),
        None => cucumber,
    };
    futures::executor::block_on(cucumber.filter_run(files, move |f, r, s| filter.matches(f, r, s)));
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// What `run` writes once its scenarios have run, and `report merge` once it has joined the
/// shards: the requirements (Markdown and JSON), `index.html` and `run.json`.
pub(crate) fn write_after_run(
    dir: &std::path::Path,
    result: &RunResult,
    listed: &[crate::list::ListedScenario],
    claims: &[mailconform_scenarios::requirements::Applicability],
    record: Option<&std::path::Path>,
    partition: Option<String>,
) -> Result<(), CliError> {
    let verdicts = crate::requirements::report(&result.scenarios, claims);
    report::write(&dir.join(report::REQUIREMENTS_FILE), crate::requirements::render_markdown(&verdicts).as_bytes())?;
    let json = serde_json::to_vec_pretty(&verdicts).map_err(|e| CliError::Harness(format!("requirements.json: {e}")))?;
    report::write(&dir.join(crate::requirements::REQUIREMENTS_JSON), &json)?;
    let beside = [
        report::JUNIT_FILE,
        report::CUCUMBER_JSON_FILE,
        report::REQUIREMENTS_FILE,
        crate::requirements::REQUIREMENTS_JSON,
        report::TLS_MATRIX_MD,
        report::TLS_MATRIX_JSON,
        crate::shards::RUN_JSON,
    ];
    let page = crate::html::render(result, listed, &beside, record);
    report::write(&dir.join(crate::html::INDEX_FILE), page.as_bytes())?;
    crate::shards::RunRecord::of(result, listed, partition, claims).write(dir)
}

/// `mailconform run`: returns the exit code.
pub(crate) fn run(args: &RunArgs) -> Result<u8, CliError> {
    let live = crate::live::prepare(args)?;
    let claims = live.as_ref().map_or(mailconform_scenarios::requirements::Applicability::ALL.to_vec(), |l| l.targets.claims.clone());
    // A real server is not a simulation with a clock per scenario: a few scenarios at a time
    // unless -c says otherwise.
    let concurrency = args.concurrency.or(live.as_ref().map(|l| crate::live::default_concurrency(&l.targets)));
    if let Some(l) = &live {
        eprintln!("mailconform: a live run on the real clock; every role not named here is an in-process fake:");
        for line in l.targets.backings() {
            eprintln!("  {line}");
        }
    }
    let opts = RunOptions {
        report_dir: Some(args.report_dir.clone()),
        console: Console::Cucumber,
        live,
        ..RunOptions::selected(&args.selection, args.seed, concurrency)
    };
    let result = run_suite(&opts)?;
    if let Some(dir) = &args.record {
        for s in &result.scenarios {
            crate::record::write(dir, s)?;
        }
    }
    let (listed, _) = crate::list::collect(&args.selection)?;
    let partition = args.selection.partition.map(|p| p.to_string());
    write_after_run(&args.report_dir, &result, &listed, &claims, args.record.as_deref(), partition)?;
    if result.nothing_ran() {
        eprintln!("mailconform: no scenario was selected; check --tags, --name and the feature paths (try `mailconform list`)");
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", result.summary_line());
    let _ = out.flush();
    Ok(result.exit_code())
}
