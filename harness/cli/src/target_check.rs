//! `mailconform target check FILE`: see [`mailconform_probe::target`].

use crate::cli::TargetCheckArgs;
use crate::error::CliError;
use crate::exit;
use mailconform_probe::target::{check_targets, TargetConfig};
use std::time::Duration;

pub(crate) fn target_check(args: &TargetCheckArgs) -> Result<u8, CliError> {
    let config = TargetConfig::load(&args.file, |var| std::env::var(var).ok())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| CliError::Harness(e.to_string()))?;
    let report = runtime.block_on(check_targets(&config, Duration::from_secs(args.timeout)));
    print!("{}", report.render());
    Ok(if report.problems() == 0 { exit::PASSED } else { exit::FAILED })
}
