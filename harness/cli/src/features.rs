//! Finding and parsing feature files. `run`, `list` and `bench` all go through here, so they
//! see the same files in the same order and expand Scenario Outlines the same way.

use crate::error::CliError;
use cucumber::feature::Ext as _;
use cucumber::gherkin::{Feature, GherkinEnv};
use cucumber::parser;
use futures::stream;
use std::path::{Path, PathBuf};

/// Default feature location when none is given.
pub(crate) const DEFAULT_FEATURES_DIR: &str = "features";

/// Feature files named by `paths`: a file is taken as is (whatever its extension), a directory
/// is searched recursively for `*.feature` (any case), sorted by path. Paths are visited in the
/// order given; a file reached twice is kept once.
pub(crate) fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                CliError::MissingFeaturePath { path: path.clone() }
            } else {
                CliError::UnreadableFeaturePath { path: path.clone(), source }
            }
        })?;
        let mut found = Vec::new();
        if meta.is_dir() {
            walk(path, &mut found)?;
            found.sort();
        } else {
            found.push(path.clone());
        }
        for file in found {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let unreadable = |source| CliError::UnreadableFeaturePath { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(unreadable)?;
        let is_dir = kind.is_dir() || (kind.is_symlink() && path.is_dir());
        if is_dir {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("feature")) {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses one feature file and expands its Scenario Outlines into one scenario per Examples
/// row (the row's line becomes the scenario's line, Examples tags join the scenario's).
pub(crate) fn parse(file: &Path) -> parser::Result<Feature> {
    let feature = Feature::parse_path(file, GherkinEnv::default())?;
    Ok(feature.expand_examples()?)
}

/// Cucumber parser over files already found by [`discover`]; parse errors become events, so
/// they reach every report. With a closing step, every scenario ends with it (a live run's
/// check that the scenario reached a real component, shown in every report as its last step).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FeatureFiles {
    /// A `Then` step appended to every scenario.
    pub(crate) closing: Option<&'static str>,
}

impl cucumber::Parser<Vec<PathBuf>> for FeatureFiles {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<parser::Result<Feature>>>;

    fn parse(self, input: Vec<PathBuf>, _cli: Self::Cli) -> Self::Output {
        let parsed: Vec<_> = input.iter().map(|f| parse(f).map(|feature| self.close(feature))).collect();
        stream::iter(parsed)
    }
}

impl FeatureFiles {
    /// `feature` with the closing step after every scenario's last, at that step's place.
    fn close(&self, mut feature: Feature) -> Feature {
        let Some(text) = self.closing else { return feature };
        let scenarios = feature.scenarios.iter_mut().chain(feature.rules.iter_mut().flat_map(|r| r.scenarios.iter_mut()));
        for scenario in scenarios {
            let at = scenario.steps.last().map(|s| (s.span, s.position)).unwrap_or((scenario.span, scenario.position));
            scenario.steps.push(cucumber::gherkin::Step {
                keyword: "Then ".into(),
                ty: cucumber::gherkin::StepType::Then,
                value: text.into(),
                docstring: None,
                table: None,
                span: at.0,
                position: at.1,
            });
        }
        feature
    }
}

/// The file a parsed feature came from, as the user named it.
pub(crate) fn file_of(feature: &Feature) -> String {
    feature.path.as_deref().map(|p| p.display().to_string()).unwrap_or_else(|| feature.name.clone())
}
