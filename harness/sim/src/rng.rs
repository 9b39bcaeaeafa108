//! Seeded randomness: ids, tokens and watermarks come from here so the same seed gives the
//! same run, byte for byte.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, Mutex};

/// A ChaCha8 stream from the run's seed; clones share the stream, [`Self::fork`] makes a new one.
#[derive(Clone, Debug)]
pub struct SeededRng(Arc<Mutex<ChaCha8Rng>>);

impl SeededRng {
    /// The stream of `seed`.
    pub fn new(seed: u64) -> Self {
        SeededRng(Arc::new(Mutex::new(ChaCha8Rng::seed_from_u64(seed))))
    }

    /// An independent stream for one consumer (a host), so that adding traffic on one host
    /// does not change the ids another host hands out.
    pub fn fork(&self, label: &str) -> SeededRng {
        let base = self.0.lock().expect("rng poisoned").clone().next_u64();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        SeededRng::new(base ^ h)
    }

    /// The next 64 bits of the stream.
    pub fn next_u64(&self) -> u64 {
        self.0.lock().expect("rng poisoned").next_u64()
    }

    /// `n` bytes of the stream (tokens, keys, nonces).
    pub fn bytes(&self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.0.lock().expect("rng poisoned").fill_bytes(&mut v);
        v
    }

    /// `n_bytes` bytes as lowercase hex, for ids and tokens.
    pub fn hex(&self, n_bytes: usize) -> String {
        self.bytes(n_bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A lowercase 8-4-4-4-12 version-4 UUID, as APNs wants its `apns-id`.
    pub fn uuid(&self) -> String {
        let mut b = self.bytes(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// A uniform value in `0..n` (`0` when `n` is 0).
    pub fn below(&self, n: u64) -> u64 {
        self.0.lock().expect("rng poisoned").random_range(0..n.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_forks_are_independent() {
        let a = SeededRng::new(7);
        let b = SeededRng::new(7);
        assert_eq!(a.hex(8), b.hex(8));
        let fa = a.fork("exchange");
        let fb = b.fork("exchange");
        assert_eq!(fa.uuid(), fb.uuid());
        assert_ne!(a.fork("apns").hex(8), SeededRng::new(7).fork("listener").hex(8));
        let u = SeededRng::new(1).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
