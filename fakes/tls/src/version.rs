//! Protocol versions by their wire numbers and the names features, reports and the command line
//! use for them.

use serde::{Serialize, Serializer};
use std::fmt;

/// SSL 3.0 … TLS 1.3, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// SSL 3.0 (RFC 6101), 0x0300: broken by POODLE, off by default since 2014.
    Ssl3,
    /// TLS 1.0 (RFC 2246), 0x0301.
    Tls10,
    /// TLS 1.1 (RFC 4346), 0x0302.
    Tls11,
    /// TLS 1.2 (RFC 5246), 0x0303.
    Tls12,
    /// TLS 1.3 (RFC 8446), 0x0304: only ever in supported_versions, never in a legacy version field.
    Tls13,
}

impl Version {
    /// Every version, oldest first.
    pub const ALL: [Version; 5] = [Version::Ssl3, Version::Tls10, Version::Tls11, Version::Tls12, Version::Tls13];

    /// The two bytes on the wire (RFC 6101, RFC 5246, RFC 8446).
    pub fn wire(self) -> u16 {
        match self {
            Version::Ssl3 => 0x0300,
            Version::Tls10 => 0x0301,
            Version::Tls11 => 0x0302,
            Version::Tls12 => 0x0303,
            Version::Tls13 => 0x0304,
        }
    }

    /// The version two wire bytes name; `None` for anything else (GREASE, SSL 2.0, drafts).
    pub(crate) fn from_wire(v: u16) -> Option<Version> {
        Version::ALL.into_iter().find(|x| x.wire() == v)
    }

    /// "SSL 3.0", "TLS 1.2": how the seed and reports write them.
    pub fn name(self) -> &'static str {
        match self {
            Version::Ssl3 => "SSL 3.0",
            Version::Tls10 => "TLS 1.0",
            Version::Tls11 => "TLS 1.1",
            Version::Tls12 => "TLS 1.2",
            Version::Tls13 => "TLS 1.3",
        }
    }

    /// "ssl3", "tls1.2": the command line's spelling.
    pub fn flag(self) -> &'static str {
        match self {
            Version::Ssl3 => "ssl3",
            Version::Tls10 => "tls1.0",
            Version::Tls11 => "tls1.1",
            Version::Tls12 => "tls1.2",
            Version::Tls13 => "tls1.3",
        }
    }

    /// Either spelling, any case, with or without the space or dot ("SSLv3", "TLS 1.0", "tls1_1").
    pub fn parse(s: &str) -> Option<Version> {
        let k: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        match k.as_str() {
            "ssl3" | "ssl30" | "sslv3" | "sslv30" => Some(Version::Ssl3),
            "tls1" | "tls10" | "tlsv1" | "tlsv10" => Some(Version::Tls10),
            "tls11" | "tlsv11" => Some(Version::Tls11),
            "tls12" | "tlsv12" => Some(Version::Tls12),
            "tls13" | "tlsv13" => Some(Version::Tls13),
            _ => None,
        }
    }

    /// Whether it is TLS rather than SSL: the seed's "TLS" column.
    pub fn is_tls(self) -> bool {
        self != Version::Ssl3
    }

    pub(crate) fn openssl(self) -> openssl::ssl::SslVersion {
        use openssl::ssl::SslVersion;
        match self {
            Version::Ssl3 => SslVersion::SSL3,
            Version::Tls10 => SslVersion::TLS1,
            Version::Tls11 => SslVersion::TLS1_1,
            Version::Tls12 => SslVersion::TLS1_2,
            Version::Tls13 => SslVersion::TLS1_3,
        }
    }

    pub(crate) fn from_openssl(v: openssl::ssl::SslVersion) -> Option<Version> {
        Version::ALL.into_iter().find(|x| x.openssl() == v)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A set of versions: what a server accepts or a client offers.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VersionSet(u8);

impl VersionSet {
    /// No version at all.
    pub const EMPTY: VersionSet = VersionSet(0);

    /// Exactly the given versions.
    pub fn of(vs: &[Version]) -> VersionSet {
        vs.iter().fold(VersionSet::EMPTY, |s, v| s.with(*v))
    }

    /// Every version from `lo` to `hi`, both included.
    pub fn range(lo: Version, hi: Version) -> VersionSet {
        VersionSet::of(&Version::ALL.into_iter().filter(|v| *v >= lo && *v <= hi).collect::<Vec<_>>())
    }

    /// This set and `v`.
    pub fn with(self, v: Version) -> VersionSet {
        VersionSet(self.0 | 1 << v as u8)
    }

    /// This set less `v`.
    pub fn without(self, v: Version) -> VersionSet {
        VersionSet(self.0 & !(1 << v as u8))
    }

    /// Whether `v` is in the set.
    pub fn contains(self, v: Version) -> bool {
        self.0 & (1 << v as u8) != 0
    }

    /// Whether the set has no version.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The versions in both sets.
    pub(crate) fn intersect(self, o: VersionSet) -> VersionSet {
        VersionSet(self.0 & o.0)
    }

    /// The versions, oldest first.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = Version> {
        Version::ALL.into_iter().filter(move |v| self.contains(*v))
    }

    /// The oldest version in the set.
    pub fn min(self) -> Option<Version> {
        self.iter().next()
    }

    /// The newest version in the set.
    pub fn max(self) -> Option<Version> {
        self.iter().next_back()
    }

    /// Parses "ssl3,tls1.0", "SSL 3.0 and TLS 1.0", "TLS 1.0 to TLS 1.2", "only TLS 1.2".
    pub fn parse(s: &str) -> Result<VersionSet, crate::TlsError> {
        let norm = s.replace(',', " , ").replace(" and ", " , ").replace(" or ", " , ");
        let mut set = VersionSet::EMPTY;
        for part in norm.split(',') {
            let part = part.trim().trim_start_matches("only ").trim_end_matches(" only").trim();
            if part.is_empty() {
                continue;
            }
            let parse = |w: &str| Version::parse(w.trim()).ok_or_else(|| crate::TlsError::UnknownVersion { word: w.to_string() });
            match part.split_once(" to ") {
                Some((lo, hi)) => set = VersionSet(set.0 | VersionSet::range(parse(lo)?, parse(hi)?).0),
                None => set = set.with(parse(part)?),
            }
        }
        if set.is_empty() {
            return Err(crate::TlsError::NoVersionNamed { text: s.to_string() });
        }
        Ok(set)
    }

    /// "ssl3,tls1.0": the command line's form.
    pub fn flags(self) -> String {
        self.iter().map(Version::flag).collect::<Vec<_>>().join(",")
    }
}

impl fmt::Display for VersionSet {
    /// "SSL 3.0, TLS 1.0": what reports print.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        f.write_str(&self.iter().map(Version::name).collect::<Vec<_>>().join(", "))
    }
}

impl fmt::Debug for VersionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{self}}}")
    }
}

impl Serialize for VersionSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Version::name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Version::ALL {
            assert_eq!(Version::parse(v.name()), Some(v));
            assert_eq!(Version::parse(v.flag()), Some(v));
            assert_eq!(Version::from_wire(v.wire()), Some(v));
        }
        assert_eq!(Version::parse("SSLv3"), Some(Version::Ssl3));
        assert_eq!(Version::parse("TLS 2.0"), None);
    }

    #[test]
    fn sets_parse() {
        assert_eq!(VersionSet::parse("ssl3,tls1.0").unwrap(), VersionSet::of(&[Version::Ssl3, Version::Tls10]));
        assert_eq!(VersionSet::parse("TLS 1.0 to TLS 1.2").unwrap(), VersionSet::range(Version::Tls10, Version::Tls12));
        assert_eq!(VersionSet::parse("SSL 3.0 only").unwrap(), VersionSet::of(&[Version::Ssl3]));
        assert_eq!(VersionSet::parse("SSL 3.0 and TLS 1.2").unwrap().to_string(), "SSL 3.0, TLS 1.2");
        assert!(matches!(VersionSet::parse("tls1.4"), Err(crate::TlsError::UnknownVersion { .. })));
        assert!(VersionSet::parse(" , ").is_err());
        assert_eq!(VersionSet::parse("tls1.3,ssl3").unwrap().flags(), "ssl3,tls1.3");
    }
}
