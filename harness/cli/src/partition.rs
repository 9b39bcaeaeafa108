//! `--partition hash:K/N`: the share of the selected scenarios shard K of N runs, so that a CI
//! matrix runs a suite in N parallel jobs (as cargo-nextest's `--partition hash:K/N` does for
//! tests). A scenario's shard is a hash of its feature file (from `features/` on) and its line,
//! so it does not move when other scenarios are added, and every shard of N agrees on it
//! whatever the order or machine. `mailconform report merge` joins the shards' reports.

use sha2::{Digest, Sha256};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// Shard `index` (1-based, as written) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    index: u64,
    count: u64,
}

/// A `--partition` value that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--partition {given:?}: {why}; write hash:K/N with 1 <= K <= N, e.g. hash:2/4")]
pub struct PartitionError {
    given: String,
    why: &'static str,
}

impl FromStr for Partition {
    type Err = PartitionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why| PartitionError { given: s.to_string(), why };
        let spec = s.strip_prefix("hash:").unwrap_or(s);
        let (k, n) = spec.split_once('/').ok_or_else(|| bad("no K/N"))?;
        let index: u64 = k.trim().parse().map_err(|_| bad("K is not a whole number"))?;
        let count: u64 = n.trim().parse().map_err(|_| bad("N is not a whole number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(bad("K must be between 1 and N"));
        }
        Ok(Partition { index, count })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hash:{}/{}", self.index, self.count)
    }
}

impl Partition {
    /// Whether the scenario at `line` of `file` belongs to this shard.
    pub fn contains(&self, file: Option<&Path>, line: usize) -> bool {
        shard_of(&key(file, line), self.count) == self.index - 1
    }
}

/// The scenario's name in the hash: its feature file from the last `features` directory on
/// (the same whichever directory the run starts in), and its line.
fn key(file: Option<&Path>, line: usize) -> String {
    let parts: Vec<String> =
        file.map(|f| f.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    let from = parts.iter().rposition(|p| p == "features").unwrap_or(parts.len().saturating_sub(1));
    format!("{}:{line}", parts[from.min(parts.len())..].join("/"))
}

/// The 0-based shard of `key` among `count`.
fn shard_of(key: &str, count: u64) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_and_bad_ones_say_how_to_write_them() {
        assert_eq!("hash:2/4".parse::<Partition>().unwrap(), Partition { index: 2, count: 4 });
        assert_eq!("1/1".parse::<Partition>().unwrap().to_string(), "hash:1/1");
        for bad in ["", "hash:0/4", "hash:5/4", "hash:1/0", "count:1/2", "a/b"] {
            let e = bad.parse::<Partition>().unwrap_err();
            assert!(e.to_string().contains("hash:K/N"), "{e}");
        }
    }

    #[test]
    fn every_scenario_is_in_exactly_one_shard_whatever_the_directory() {
        for n in 1..=5 {
            for line in 1..200 {
                let here = Path::new("features/apns/failure.feature");
                let elsewhere = Path::new("/ci/clone/features/apns/failure.feature");
                let shards: Vec<u64> = (1..=n).filter(|k| Partition { index: *k, count: n }.contains(Some(here), line)).collect();
                assert_eq!(shards.len(), 1, "line {line} of {n}");
                assert!(Partition { index: shards[0], count: n }.contains(Some(elsewhere), line));
            }
        }
    }

    #[test]
    fn shards_share_the_scenarios_out() {
        let n = 4;
        let mut sizes = [0usize; 4];
        for line in 0..400 {
            let p = Path::new("features/x.feature");
            sizes[(1..=n).find(|k| Partition { index: *k, count: n }.contains(Some(p), line)).unwrap() as usize - 1] += 1;
        }
        assert!(sizes.iter().all(|s| (60..=140).contains(s)), "{sizes:?}");
    }
}
