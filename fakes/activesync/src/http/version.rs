//! The ActiveSync protocol versions of [MS-ASHTTP] 2.2.1.1.2.6, in one place.
//!
//! A version travels three ways: as the `MS-ASProtocolVersion` header value (`"14.1"`), in
//! the comma list of the OPTIONS answer, and as one byte (version × 10) at the start of the
//! base64 query. Every behaviour that depends on the version (449 against Status 142, the
//! PolicyType, where SendMail puts its MIME) compares [`ProtocolVersion`]s, so the variants
//! are ordered oldest first.

use std::fmt;

/// One protocol version a client can ask for. Ordered: `V12_1 < V14_0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum ProtocolVersion {
    /// Exchange 2003 SP2: HTTP 449 for provisioning, MIME SendMail, no base64 query.
    #[serde(rename = "2.5")]
    V2_5,
    /// Exchange 2007.
    #[serde(rename = "12.0")]
    V12_0,
    /// Exchange 2007 SP1.
    #[serde(rename = "12.1")]
    V12_1,
    /// Exchange 2010: provisioning and global failures as command Status, SendMail in WBXML.
    #[serde(rename = "14.0")]
    V14_0,
    /// Exchange 2010 SP1: Provision carries `settings:DeviceInformation`.
    #[serde(rename = "14.1")]
    V14_1,
    /// Exchange 2016.
    #[serde(rename = "16.0")]
    V16_0,
    /// Exchange 2016 CU and Office 365: adds Find.
    #[serde(rename = "16.1")]
    V16_1,
}

impl ProtocolVersion {
    /// Every version, oldest first.
    pub const ALL: &'static [ProtocolVersion] = &[
        ProtocolVersion::V2_5,
        ProtocolVersion::V12_0,
        ProtocolVersion::V12_1,
        ProtocolVersion::V14_0,
        ProtocolVersion::V14_1,
        ProtocolVersion::V16_0,
        ProtocolVersion::V16_1,
    ];

    /// The newest version, which clients such as pyactivesync insist on.
    pub const LATEST: ProtocolVersion = ProtocolVersion::V16_1;

    /// The header spelling: `"2.5"`, `"12.0"`, … `"16.1"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::V2_5 => "2.5",
            ProtocolVersion::V12_0 => "12.0",
            ProtocolVersion::V12_1 => "12.1",
            ProtocolVersion::V14_0 => "14.0",
            ProtocolVersion::V14_1 => "14.1",
            ProtocolVersion::V16_0 => "16.0",
            ProtocolVersion::V16_1 => "16.1",
        }
    }

    /// Reads the header spelling, tolerating surrounding blanks. `"14"` is not `"14.0"`:
    /// the header grammar always has the minor part.
    pub fn parse(value: &str) -> Option<ProtocolVersion> {
        let value = value.trim();
        ProtocolVersion::ALL.iter().copied().find(|v| v.as_str() == value)
    }

    /// The byte of the base64 query form: version × 10 (`0x8C` = 140 = 14.0).
    pub const fn query_byte(self) -> u8 {
        match self {
            ProtocolVersion::V2_5 => 25,
            ProtocolVersion::V12_0 => 120,
            ProtocolVersion::V12_1 => 121,
            ProtocolVersion::V14_0 => 140,
            ProtocolVersion::V14_1 => 141,
            ProtocolVersion::V16_0 => 160,
            ProtocolVersion::V16_1 => 161,
        }
    }

    /// The version a base64 query byte names.
    pub(crate) fn from_query_byte(byte: u8) -> Option<ProtocolVersion> {
        ProtocolVersion::ALL.iter().copied().find(|v| v.query_byte() == byte)
    }

    /// Whether the base64 query form is allowed: [MS-ASHTTP] 2.2.1.1.1.1 restricts it to
    /// 12.1 and later; 2.5 and 12.0 MUST use the plain form.
    pub fn allows_base64_query(self) -> bool {
        self >= ProtocolVersion::V12_1
    }

    /// From 14.0 on, provisioning and other global failures travel as a command Status
    /// (142, 144, 140 …) inside a 200; before, as HTTP 449.
    pub(crate) fn uses_status_for_provisioning(self) -> bool {
        self >= ProtocolVersion::V14_0
    }

    /// The highest version both sides support, as a client picks it after OPTIONS.
    pub fn highest_common(ours: &[ProtocolVersion], theirs: &[ProtocolVersion]) -> Option<ProtocolVersion> {
        ours.iter().copied().filter(|v| theirs.contains(v)).max()
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_bytes_and_order_agree() {
        for &v in ProtocolVersion::ALL {
            assert_eq!(ProtocolVersion::parse(v.as_str()), Some(v));
            assert_eq!(ProtocolVersion::from_query_byte(v.query_byte()), Some(v));
            let tenfold: f64 = v.as_str().parse::<f64>().unwrap() * 10.0;
            assert_eq!(tenfold.round() as u8, v.query_byte());
        }
        assert!(ProtocolVersion::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ProtocolVersion::parse(" 14.1 "), Some(ProtocolVersion::V14_1));
        assert_eq!(ProtocolVersion::parse("14"), None);
        assert_eq!(ProtocolVersion::parse("2.0"), None);
        assert_eq!(ProtocolVersion::from_query_byte(0x8C), Some(ProtocolVersion::V14_0));
    }

    #[test]
    fn base64_form_and_status_style_follow_the_version() {
        assert!(!ProtocolVersion::V12_0.allows_base64_query());
        assert!(ProtocolVersion::V12_1.allows_base64_query());
        assert!(!ProtocolVersion::V12_1.uses_status_for_provisioning());
        assert!(ProtocolVersion::V14_0.uses_status_for_provisioning());
        let ours = [ProtocolVersion::V12_1, ProtocolVersion::V14_1, ProtocolVersion::V16_1];
        let theirs = [ProtocolVersion::V2_5, ProtocolVersion::V12_1, ProtocolVersion::V14_1];
        assert_eq!(ProtocolVersion::highest_common(&ours, &theirs), Some(ProtocolVersion::V14_1));
    }
}
