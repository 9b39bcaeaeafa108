//! The report directory and the files a run writes into it (names per conventions.md).
//!
//! The directory and files are created before the run, so that an unwritable location stops
//! the run before any scenario starts; the reports are collected in memory during the run and
//! written when it ends, so that a write error is reported instead of lost.

use crate::error::CliError;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// JUnit XML report, one testcase per scenario, with the feature as its class (see `junit`).
pub(crate) const JUNIT_FILE: &str = "junit.xml";
/// Standard Cucumber JSON report, tags written with their `@` (see `cucumber_json`).
pub(crate) const CUCUMBER_JSON_FILE: &str = "cucumber.json";
/// The Microsoft server requirements the run's assertions verified or found violated (see `requirements`).
pub(crate) const REQUIREMENTS_FILE: &str = "requirements.md";

/// Report files of one run.
#[derive(Debug, Clone)]
pub(crate) struct ReportPaths {
    pub dir: PathBuf,
    pub junit: PathBuf,
    pub cucumber_json: PathBuf,
}

/// Creates `dir` (and its parents) and the report files in it, truncating old ones.
pub(crate) fn create(dir: &Path) -> Result<ReportPaths, CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::ReportDir { path: dir.to_path_buf(), source })?;
    let paths = ReportPaths { dir: dir.to_path_buf(), junit: dir.join(JUNIT_FILE), cucumber_json: dir.join(CUCUMBER_JSON_FILE) };
    for path in [&paths.junit, &paths.cucumber_json] {
        File::create(path).map_err(|source| CliError::ReportFile { path: path.clone(), source })?;
    }
    Ok(paths)
}

/// The SSLv3/TLS matrix, as JSON and as Markdown (names per conventions.md).
pub(crate) const TLS_MATRIX_JSON: &str = "tls-matrix.json";
pub(crate) const TLS_MATRIX_MD: &str = "tls-matrix.md";

/// Runs the whole SSLv3/TLS matrix (every device profile under every policy against every
/// server set, real handshakes over in-memory pipes) and writes it beside the other reports.
/// It does not depend on which scenarios were selected: the table is always whole.
pub(crate) fn write_tls_matrix(dir: &Path) -> Result<mailconform_tls::matrix::Matrix, CliError> {
    let m = mailconform_tls::matrix::run().map_err(|e| CliError::Harness(format!("the SSLv3/TLS matrix could not run: {e}")))?;
    let json = serde_json::to_vec_pretty(&m).map_err(|e| CliError::Harness(format!("the SSLv3/TLS matrix: {e}")))?;
    write(&dir.join(TLS_MATRIX_JSON), &json)?;
    write(&dir.join(TLS_MATRIX_MD), m.markdown().as_bytes())?;
    Ok(m)
}

/// Writes a finished report.
pub(crate) fn write(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, contents).map_err(|source| CliError::ReportFile { path: path.to_path_buf(), source })
}

/// In-memory output a report writer fills during a run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    pub(crate) fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
