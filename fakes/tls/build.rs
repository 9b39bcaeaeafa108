//! Empty on purpose: this crate has a build script so that its `[build-dependencies]` entry for
//! `openssl-src` (with the `ssl3` feature) sits beside openssl-sys's own build-dependency on it,
//! and Cargo unifies the two — the vendored OpenSSL is then configured with SSL 3.0.
fn main() {}
