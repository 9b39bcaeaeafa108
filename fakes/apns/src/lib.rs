//! Fake APNs.
