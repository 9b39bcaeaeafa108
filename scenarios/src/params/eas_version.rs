//! ActiveSync protocol versions, as the `MS-ASProtocolVersion` header writes them.

use super::closed_vocabulary;

/// An ActiveSync protocol version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "eas_version", regex = r"2\.5|12\.0|12\.1|14\.0|14\.1|16\.0|16\.1")]
pub struct EasVersion(pub &'static str);

closed_vocabulary!(EasVersion, "an ActiveSync protocol version", {
    "2.5" => EasVersion("2.5"),
    "12.0" => EasVersion("12.0"),
    "12.1" => EasVersion("12.1"),
    "14.0" => EasVersion("14.0"),
    "14.1" => EasVersion("14.1"),
    "16.0" => EasVersion("16.0"),
    "16.1" => EasVersion("16.1"),
});

impl EasVersion {
    /// The header's spelling.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn header_spellings() {
        closed::<EasVersion>();
        rejects::<EasVersion>("14");
        assert!(EasVersion::WORDS.iter().all(|(w, v)| v.as_str() == *w));
    }
}
