//! The `mailconform` command: runs Gherkin features against the simulated mail world, lists
//! them, benchmarks them, and serves fake roles on real sockets.
//!
//! [`run_suite`] is the library entry used by `bench` and by tests; [`main_with`] is the whole
//! command line behind the binary.

#![forbid(unsafe_code)]

mod bench;
mod bench_error;
mod cli;
mod compare;
mod container_bench;
mod cucumber_json;
pub mod docker;
mod eas_bench;
mod error;
mod exit;
mod features;
mod filter;
mod gateway_bench;
mod health;
mod html;
mod junit;
mod list;
mod live;
pub mod partition;
mod policy_check;
mod progress;
mod push_bench;
mod record;
mod report;
mod requirements;
mod roles;
mod run;
mod seg_bench;
mod serve;
mod served_bench;
mod shards;
mod smime_bench;
mod steps;
mod summary;
mod target_check;
mod target_image;
mod tls_bench;
mod tls_probe;

pub use cli::Cli;
pub use error::CliError;
pub use run::{run_suite, Console, RunOptions, RunResult, ScenarioResult};
pub use summary::{Counts, Outcome};

/// The command line with what only the running build knows: the roles `serve` accepts, read
/// from the deployment's one list of roles ([`mailconform_fakes::role`]).
fn command() -> clap::Command {
    use clap::CommandFactory as _;
    Cli::command().mut_subcommand("serve", |c| c.after_help(format!("Roles:\n{}", roles::help())))
}

/// Parses the process's arguments (with the roles `serve` accepts in its help); exits with clap's
/// usage error on bad input.
pub fn parse_args() -> Cli {
    use clap::FromArgMatches as _;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Runs a parsed command line; returns the process exit code. Errors are printed to stderr.
pub fn main_with(cli: &Cli) -> u8 {
    let result = match &cli.command {
        cli::Command::Run(args) => run::run(args),
        cli::Command::List(args) => list::list(args),
        cli::Command::Bench(args) => bench::bench(args),
        cli::Command::Serve(args) => serve::serve(args).map(|()| exit::PASSED),
        cli::Command::Hosts(args) => roles::hosts(&args.roles).map(|()| exit::PASSED),
        cli::Command::TlsProbe(args) => tls_probe::tls_probe(args),
        cli::Command::Target(cli::TargetCommand::Check(args)) => target_check::target_check(args),
        cli::Command::Report(cli::ReportCommand::Compare(args)) => compare::compare(args),
        cli::Command::Health(args) => health::health(&args.state_dir, std::time::Duration::from_secs(args.timeout)),
        cli::Command::Report(cli::ReportCommand::Merge(args)) => shards::merge(&args.dirs, &args.into),
        cli::Command::Check(args) => policy_check::policy_check(args),
        cli::Command::Steps(args) => steps::steps(args),
        cli::Command::BenchCeilingServer(args) => served_bench::ceiling::serve(args).map(|()| exit::PASSED),
    };
    result.unwrap_or_else(|e| {
        eprintln!("mailconform: {e}");
        exit::of_error(&e)
    })
}
