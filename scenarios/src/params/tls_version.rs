//! SSL/TLS protocol versions, as the guide and reports write them, and sets of them.

use super::{closed_vocabulary, UnknownWord, Vocabulary};
use mailconform_tls::{Version, VersionSet};
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// One protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "tls_version", regex = r"SSL 3\.0|TLS 1\.0|TLS 1\.1|TLS 1\.2|TLS 1\.3")]
pub struct TlsVersion(pub Version);

closed_vocabulary!(TlsVersion, "a protocol version", {
    "SSL 3.0" => TlsVersion(Version::Ssl3),
    "TLS 1.0" => TlsVersion(Version::Tls10),
    "TLS 1.1" => TlsVersion(Version::Tls11),
    "TLS 1.2" => TlsVersion(Version::Tls12),
    "TLS 1.3" => TlsVersion(Version::Tls13),
});

impl Deref for TlsVersion {
    type Target = Version;

    fn deref(&self) -> &Version {
        &self.0
    }
}

/// The versions a server speaks: one (`TLS 1.2`, `TLS 1.2 only`), two (`SSL 3.0 and TLS 1.0`)
/// or a range (`TLS 1.0 to TLS 1.2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "tls_versions", regex = r"(?:SSL 3\.0|TLS 1\.[0-3])(?: only| and (?:SSL 3\.0|TLS 1\.[0-3])| to (?:SSL 3\.0|TLS 1\.[0-3]))?")]
pub struct TlsVersions(pub VersionSet);

impl Vocabulary for TlsVersions {
    const ABOUT: &'static str = "a set of protocol versions";
    const MORE: Option<&'static str> =
        Some("as one (\"TLS 1.2\", \"TLS 1.2 only\"), two (\"SSL 3.0 and TLS 1.0\") or a range (\"TLS 1.0 to TLS 1.2\")");

    fn words() -> Vec<String> {
        TlsVersion::words()
    }
}

impl FromStr for TlsVersions {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let version = |w: &str| w.parse::<TlsVersion>().map(|v| v.0);
        if !super::whole_match::<TlsVersions>(s) {
            return Err(UnknownWord::of::<TlsVersions>(s));
        }
        let set = if let Some(one) = s.strip_suffix(" only") {
            VersionSet::of(&[version(one)?])
        } else if let Some((a, b)) = s.split_once(" and ") {
            VersionSet::of(&[version(a)?, version(b)?])
        } else if let Some((lo, hi)) = s.split_once(" to ") {
            VersionSet::range(version(lo)?, version(hi)?)
        } else {
            VersionSet::of(&[version(s)?])
        };
        if set.is_empty() {
            return Err(UnknownWord::of::<TlsVersions>(s));
        }
        Ok(TlsVersions(set))
    }
}

impl fmt::Display for TlsVersions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn versions() {
        closed::<TlsVersion>();
        rejects::<TlsVersion>("TLS 1.4");
        rejects::<TlsVersion>("tls1.2");
        for (word, v) in TlsVersion::WORDS {
            assert_eq!(Version::parse(word), Some(v.0));
        }
    }

    #[test]
    fn sets_as_features_write_them() {
        for (text, set) in [
            ("SSL 3.0", VersionSet::of(&[Version::Ssl3])),
            ("SSL 3.0 only", VersionSet::of(&[Version::Ssl3])),
            ("SSL 3.0 and TLS 1.0", VersionSet::of(&[Version::Ssl3, Version::Tls10])),
            ("TLS 1.0 to TLS 1.2", VersionSet::range(Version::Tls10, Version::Tls12)),
            ("SSL 3.0 to TLS 1.1", VersionSet::range(Version::Ssl3, Version::Tls11)),
        ] {
            assert_eq!(text.parse::<TlsVersions>(), Ok(TlsVersions(set)), "{text}");
            assert_eq!(VersionSet::parse(text).ok(), Some(set), "the TLS crate reads {text:?} the same way");
        }
        for bad in ["only TLS 1.2", "TLS 1.2, TLS 1.3", "TLS 1.0 to", "SSL 3.0 and TLS 1.0 and TLS 1.1"] {
            rejects::<TlsVersions>(bad);
        }
        assert!("TLS 1.2 to TLS 1.0".parse::<TlsVersions>().is_err(), "a range downwards is empty");
    }
}
