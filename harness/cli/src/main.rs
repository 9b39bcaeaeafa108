use clap::Parser as _;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Every fake allocates per request (HTTP buffers, XML trees, JSON); mimalloc keeps that cheap
/// where glibc's allocator spends a third of a busy run consolidating free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let cli = mailconform::Cli::parse();
    ExitCode::from(mailconform::main_with(&cli))
}
