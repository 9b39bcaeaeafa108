//! Where new RSA keys come from. Making a 2048-bit key costs tens of milliseconds, and a
//! scenario of the S/MIME features makes half a dozen (the CA's, each user's requests): made
//! fresh, they would multiply the in-process suite's wall time. So a simulation draws keys made
//! once and kept in `testdata/` (test keys, protecting nothing), in turn from an offset its seed
//! picks: the draws of one source are distinct up to the pool's size, and a run is the same run
//! every time. A served or real deployment makes its keys fresh.

use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

const POOL_2048: &str = include_str!("../testdata/rsa-2048.pem");
const POOL_1024: &str = include_str!("../testdata/rsa-1024.pem");

/// Where a deployment's new RSA keys come from.
#[derive(Clone, Debug, Default)]
pub enum KeySource {
    /// Made fresh by OpenSSL each time.
    #[default]
    Fresh,
    /// Drawn in turn from the kept test keys.
    Kept(Arc<Draws>),
}

/// One source's draws from the kept keys.
#[derive(Debug)]
pub struct Draws {
    offset: usize,
    next: AtomicUsize,
}

impl KeySource {
    /// Kept test keys, drawn from an offset `seed` picks.
    pub fn kept(seed: u64) -> Self {
        KeySource::Kept(Arc::new(Draws { offset: (seed % 1024) as usize, next: AtomicUsize::new(0) }))
    }

    /// A new RSA key of `bits` bits: the next kept key of that size, or a fresh one when the
    /// source is fresh or keeps no key of that size.
    pub fn rsa(&self, bits: u32) -> Result<PKey<Private>, openssl::error::ErrorStack> {
        if let KeySource::Kept(draws) = self {
            if let Some(pool) = pool(bits) {
                let n = draws.next.fetch_add(1, Ordering::Relaxed);
                return Ok(pool[(draws.offset + n) % pool.len()].clone());
            }
        }
        PKey::from_rsa(Rsa::generate(bits)?)
    }
}

/// The kept keys of `bits` bits, parsed once per process.
fn pool(bits: u32) -> Option<&'static [PKey<Private>]> {
    static P2048: OnceLock<Vec<PKey<Private>>> = OnceLock::new();
    static P1024: OnceLock<Vec<PKey<Private>>> = OnceLock::new();
    let (cell, pem) = match bits {
        2048 => (&P2048, POOL_2048),
        1024 => (&P1024, POOL_1024),
        _ => return None,
    };
    Some(cell.get_or_init(|| parse(pem)).as_slice())
}

fn parse(pem: &str) -> Vec<PKey<Private>> {
    pem.split_inclusive("-----END PRIVATE KEY-----\n")
        .filter(|block| block.contains("BEGIN PRIVATE KEY"))
        .map(|block| PKey::private_key_from_pem(block.as_bytes()).expect("the kept test keys parse"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_keys_have_their_sizes_and_differ() {
        let p = pool(2048).unwrap();
        assert_eq!(p.len(), 32);
        assert!(p.iter().all(|k| k.bits() == 2048));
        for (i, a) in p.iter().enumerate() {
            assert!(p[i + 1..].iter().all(|b| !a.public_eq(b)), "key {i} is kept twice");
        }
        assert!(pool(1024).unwrap().iter().all(|k| k.bits() == 1024));
    }

    #[test]
    fn one_source_draws_distinct_keys_and_the_same_seed_draws_the_same() {
        let (a, b) = (KeySource::kept(7), KeySource::kept(7));
        let drawn: Vec<_> = (0..32).map(|_| a.rsa(2048).unwrap()).collect();
        for (i, k) in drawn.iter().enumerate() {
            assert!(drawn[i + 1..].iter().all(|o| !k.public_eq(o)), "draw {i} repeats within the pool's size");
        }
        assert!(b.rsa(2048).unwrap().public_eq(&drawn[0]));
        assert_eq!(KeySource::Fresh.rsa(1536).unwrap().bits(), 1536, "a size not kept is made");
    }
}
