//! Coverage-guided fuzzing of every decoder that reads a peer's bytes.
//!
//! The fuzz targets under `fuzz/fuzz_targets/` (cargo-fuzz, libFuzzer) are one line each: they
//! hand the fuzzer's bytes to a function of [`targets`]. Keeping the bodies here, in a crate of
//! the main workspace, means they build on the stable toolchain, and the workspace's own test
//! (`tests/seeds.rs`) runs each of them over the committed seed corpus under `fuzz/seeds/`, so
//! a seed that stops decoding, or a decoder that starts panicking on one, fails `cargo test`.
//!
//! The seeds are recorded protocol exchanges, written by `make-fuzz-seeds` (see
//! [`seeds`] and `docs/fuzzing.md`).
//!
//! A target's body does more than call the decoder where the codec promises more: a decoded
//! WBXML body, NTLM message or TLS hello must re-encode to something that decodes to the same
//! value, and a fuzz input that breaks such a promise fails like a panic does.

#![forbid(unsafe_code)]

pub mod http_text;
pub mod keys;
pub mod seeds;
pub mod targets;

pub use targets::{Outcome, Target, TARGETS};
