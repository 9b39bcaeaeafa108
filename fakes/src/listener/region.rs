//! The listener service's regions (APNs FAQ, General Q11/Q12): the admin picks the one closest
//! to the Exchange server.

use serde::{Deserialize, Serialize};

/// A region of the vendor's cloud listener service (APNs FAQ, Region Q1): each has its own host and its own store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Region {
    /// North and South America: `us-east-1`.
    #[serde(rename = "us-east-1")]
    Americas,
    /// Europe, the Middle East and Africa: `eu-west-1`.
    #[serde(rename = "eu-west-1")]
    Emea,
    /// Asia-Pacific: `ap-southeast-1`.
    #[serde(rename = "ap-southeast-1")]
    Apac,
}

impl Region {
    /// Every region, in the FAQ's order.
    pub const ALL: [Region; 3] = [Region::Americas, Region::Emea, Region::Apac];

    /// The AWS region code the vendor's host names carry.
    pub fn code(self) -> &'static str {
        match self {
            Region::Americas => "us-east-1",
            Region::Emea => "eu-west-1",
            Region::Apac => "ap-southeast-1",
        }
    }

    /// Accepts the FAQ's names ("Americas", "EMEA", "APAC") and the codes.
    pub fn parse(s: &str) -> Option<Self> {
        let k = s.trim().to_ascii_lowercase();
        Region::ALL.into_iter().find(|r| r.code() == k || r.name().to_ascii_lowercase() == k)
    }

    /// The FAQ's name for it: `Americas`, `EMEA`, `APAC`.
    pub fn name(self) -> &'static str {
        match self {
            Region::Americas => "Americas",
            Region::Emea => "EMEA",
            Region::Apac => "APAC",
        }
    }

    /// `<code>.listener.example.test`: one host serves registration and the EWS push endpoint.
    pub fn host(self, domain: &str) -> String {
        format!("{}.listener.{domain}", self.code())
    }

    /// This region's role name (see [`crate::role::listener`]).
    pub fn role(self) -> String {
        crate::role::listener(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(Region::parse("EMEA"), Some(Region::Emea));
        assert_eq!(Region::parse("ap-southeast-1"), Some(Region::Apac));
        assert_eq!(Region::parse("mars"), None);
        assert_eq!(Region::Americas.host("example.test"), "us-east-1.listener.example.test");
    }
}
