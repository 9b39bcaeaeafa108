//! S/MIME figures: messages signed and verified, and encrypted and decrypted, per second, on
//! the cryptography Secure Mail's fake uses (`mailconform-smime`, OpenSSL), with the seed's
//! 2048-bit RSA certificates.

use mailconform_smime::authority::{CertificateAuthority, EnrollError, Template};
use mailconform_smime::message::{self, Trust};
use mailconform_smime::SmimeError;
use std::time::{Duration, Instant};

/// Wall time each figure runs for at least.
pub(crate) const MIN_WALL: Duration = Duration::from_millis(500);

/// A message the size of an ordinary mail with a short text.
const BODY: &[u8] = b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe quarterly numbers are ready for review.\r\n";

/// One operation's rate.
#[derive(Debug, Clone)]
pub(crate) struct Rate {
    pub what: &'static str,
    pub done: u64,
    pub wall: Duration,
}

impl Rate {
    pub(crate) fn per_second(&self) -> f64 {
        self.done as f64 / self.wall.as_secs_f64().max(f64::EPSILON)
    }
}

/// Why the figures could not be taken.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SmimeBenchError {
    #[error("the bench's certificates could not be issued: {0}")]
    Enroll(#[from] EnrollError),
    #[error("an S/MIME operation failed in the bench: {0}")]
    Smime(#[from] SmimeError),
}

/// How often `op` runs in [`MIN_WALL`], one call after the other.
pub(crate) fn rate<E>(what: &'static str, mut op: impl FnMut() -> Result<(), E>) -> Result<Rate, E> {
    let started = Instant::now();
    let mut done = 0;
    while started.elapsed() < MIN_WALL {
        op()?;
        done += 1;
    }
    Ok(Rate { what, done, wall: started.elapsed() })
}

/// Signs and verifies, then encrypts and decrypts, one message at a time on one thread.
pub(crate) fn measure() -> Result<Vec<Rate>, SmimeBenchError> {
    let ca = CertificateAuthority::new("Bench Root CA")?;
    let alice = ca.issue("Alice", "alice@example.test", &Template::signature("Sign"))?;
    let bob = ca.issue("Bob", "bob@example.test", &Template::encryption("Enc"))?;
    let trust = Trust::new(vec![ca.root().clone()]);
    let signed = message::sign(BODY, &alice)?;
    let sealed = message::encrypt(BODY, &[bob.certificate().clone()])?;
    Ok(vec![
        rate("signatures", || message::sign(BODY, &alice).map(drop))?,
        rate("verifications", || message::open(&signed, None, &trust).map(drop))?,
        rate("encryptions", || message::encrypt(BODY, &[bob.certificate().clone()]).map(drop))?,
        rate("decryptions", || message::open(&sealed, Some(&bob), &trust).map(drop))?,
    ])
}

/// The lines `bench` prints for them.
pub(crate) fn render(rates: &[Rate]) -> String {
    rates
        .iter()
        .map(|r| {
            format!(
                "  S/MIME {:<13} {}/s ({} in {:.3} s, RSA 2048, AES-256-CBC, one thread)\n",
                r.what,
                crate::bench::grouped(r.per_second()),
                r.done,
                r.wall.as_secs_f64()
            )
        })
        .collect()
}
