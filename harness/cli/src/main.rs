//! The `mailconform` binary: sets the allocator and logging, then hands the command line to
//! the library ([`mailconform::main_with`]), whose exit codes it returns.

use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Every fake allocates per request (HTTP buffers, XML trees, JSON); mimalloc keeps that cheap
/// where glibc's allocator spends a third of a busy run consolidating free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h` option enum): how long freed memory
/// waits before it goes back to the OS. A run lives seconds and reuses the same sizes at once;
/// returning pages only to fault them in (zeroed) again cost a fifth of a busy run.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

// The one unsafe call of the workspace: mimalloc's option setter, before any thread exists.
#[allow(unsafe_code)]
fn main() -> ExitCode {
    // SAFETY: sets a process-wide allocator option before any thread is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let cli = mailconform::parse_args();
    ExitCode::from(mailconform::main_with(&cli))
}
