//! Schema versions (`RequestServerVersion/@Version`) and the server build that
//! responses advertise.

/// The EWS schema a request is written against. Ordered oldest to newest so
/// that "at least Exchange2013" is a plain comparison (e.g. `CallerData`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaVersion {
    /// `Exchange2007`: Exchange 2007 RTM.
    Exchange2007,
    /// Covers Exchange 2007 SP1 to SP3.
    Exchange2007Sp1,
    /// `Exchange2010`: Exchange 2010 RTM.
    Exchange2010,
    /// `Exchange2010_SP1`.
    Exchange2010Sp1,
    /// Covers Exchange 2010 SP2 and SP3.
    Exchange2010Sp2,
    /// `Exchange2013`: the first schema with `CallerData`.
    Exchange2013,
    /// `Exchange2013_SP1` (build 15.0.847 and later).
    Exchange2013Sp1,
    /// Exchange 2016, 2019 and Exchange Online all speak this schema.
    Exchange2016,
}

impl SchemaVersion {
    /// Every version, oldest first.
    pub const ALL: [Self; 8] = [
        Self::Exchange2007,
        Self::Exchange2007Sp1,
        Self::Exchange2010,
        Self::Exchange2010Sp1,
        Self::Exchange2010Sp2,
        Self::Exchange2013,
        Self::Exchange2013Sp1,
        Self::Exchange2016,
    ];

    /// The `RequestServerVersion/@Version` spelling (`Exchange2010_SP1`, with the underscore).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exchange2007 => "Exchange2007",
            Self::Exchange2007Sp1 => "Exchange2007_SP1",
            Self::Exchange2010 => "Exchange2010",
            Self::Exchange2010Sp1 => "Exchange2010_SP1",
            Self::Exchange2010Sp2 => "Exchange2010_SP2",
            Self::Exchange2013 => "Exchange2013",
            Self::Exchange2013Sp1 => "Exchange2013_SP1",
            Self::Exchange2016 => "Exchange2016",
        }
    }

    /// Exact match: Exchange rejects any other spelling with
    /// ErrorInvalidServerVersion, so a lenient parse would hide client bugs.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The schema a server build implements, following exchangelib's table
    /// (`version.py`), so a fake can pick a build and a `Version` attribute that a
    /// client will agree with. `None` for builds that table does not know.
    pub fn from_build(major: u32, minor: u32, major_build: u32) -> Option<Self> {
        match (major, minor) {
            (8, 0) => Some(Self::Exchange2007),
            (8, 1..=3) => Some(Self::Exchange2007Sp1),
            (14, 0) => Some(Self::Exchange2010),
            (14, 1) => Some(Self::Exchange2010Sp1),
            (14, 2..=3) => Some(Self::Exchange2010Sp2),
            (15, 0) if major_build < 847 => Some(Self::Exchange2013),
            (15, 0) => Some(Self::Exchange2013Sp1),
            (15, 1..) => Some(Self::Exchange2016),
            _ => None,
        }
    }
}

impl std::fmt::Display for SchemaVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `soap:Header/t:ServerVersionInfo` says. exchangelib refuses a response
/// whose build numbers are missing or not integers, which is why they are typed
/// here while `version` stays free text (Exchange Online sends `V2018_01_08`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerVersionInfo {
    /// `MajorVersion`: 8 (2007), 14 (2010), 15 (2013 and later).
    pub major: u32,
    /// `MinorVersion`: the service pack under 8 and 14; 0, 1, 2 for 2013, 2016, 2019 under 15.
    pub minor: u32,
    /// `MajorBuildNumber`: the cumulative update, e.g. 847 for Exchange 2013 SP1.
    pub major_build: u32,
    /// `MinorBuildNumber`.
    pub minor_build: u32,
    /// Written as the `Version` attribute; an empty string omits the attribute
    /// (older servers did not send it, and clients then derive it from the build).
    pub version: String,
}

impl ServerVersionInfo {
    /// A plausible on-premises build for `version`, for fakes that only care
    /// about the schema. Builds are real cumulative-update numbers.
    pub fn for_schema(version: SchemaVersion) -> Self {
        let (major, minor, major_build, minor_build) = match version {
            SchemaVersion::Exchange2007 => (8, 0, 685, 24),
            SchemaVersion::Exchange2007Sp1 => (8, 3, 83, 6),
            SchemaVersion::Exchange2010 => (14, 0, 639, 21),
            SchemaVersion::Exchange2010Sp1 => (14, 1, 218, 15),
            SchemaVersion::Exchange2010Sp2 => (14, 3, 123, 4),
            SchemaVersion::Exchange2013 => (15, 0, 516, 32),
            SchemaVersion::Exchange2013Sp1 => (15, 0, 847, 32),
            SchemaVersion::Exchange2016 => (15, 1, 2507, 6),
        };
        ServerVersionInfo { major, minor, major_build, minor_build, version: version.as_str().to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_ordered() {
        for v in SchemaVersion::ALL {
            assert_eq!(SchemaVersion::parse(v.as_str()), Some(v));
        }
        assert!(SchemaVersion::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(SchemaVersion::Exchange2007Sp1.as_str(), "Exchange2007_SP1");
        assert_eq!(SchemaVersion::parse("exchange2010_sp2"), None);
        assert_eq!(SchemaVersion::parse("Exchange2015_SP1"), None);
    }

    #[test]
    fn build_table_matches_exchangelib() {
        assert_eq!(SchemaVersion::from_build(8, 2, 0), Some(SchemaVersion::Exchange2007Sp1));
        assert_eq!(SchemaVersion::from_build(14, 3, 0), Some(SchemaVersion::Exchange2010Sp2));
        assert_eq!(SchemaVersion::from_build(15, 0, 846), Some(SchemaVersion::Exchange2013));
        assert_eq!(SchemaVersion::from_build(15, 0, 847), Some(SchemaVersion::Exchange2013Sp1));
        assert_eq!(SchemaVersion::from_build(15, 20, 1), Some(SchemaVersion::Exchange2016));
        assert_eq!(SchemaVersion::from_build(12, 0, 0), None);
        for v in SchemaVersion::ALL {
            let info = ServerVersionInfo::for_schema(v);
            assert_eq!(SchemaVersion::from_build(info.major, info.minor, info.major_build), Some(v));
        }
    }
}
