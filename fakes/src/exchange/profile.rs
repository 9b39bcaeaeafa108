//! Which Exchange this fake pretends to be.
//!
//! The APNs FAQ (Q6) names Exchange 2007, 2010, 2013 and Office 365; each answers with its
//! own `ServerVersionInfo`, accepts requests up to its own schema version, and only 2010 and
//! later put the inbox `UnreadCount` into folder `ModifiedEvent`s.

use mailconform_ews::{SchemaVersion, ServerVersionInfo};

/// An Exchange version: its `ServerVersionInfo`, newest schema, ActiveSync versions and ALPN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ServerProfile {
    /// Exchange Server 2007 SP1: schema `Exchange2007_SP1`, ActiveSync 12.1, no `UnreadCount` in events.
    Exchange2007Sp1,
    /// Exchange Server 2010: ActiveSync 14.0.
    Exchange2010,
    /// Exchange Server 2010 SP1: schema `Exchange2010_SP1`, ActiveSync 14.1.
    Exchange2010Sp1,
    /// Exchange Server 2013 (the default): schema `Exchange2013_SP1`.
    Exchange2013,
    /// Exchange Online: schema `Exchange2016`, ActiveSync 16.1, HTTP/2.
    Office365,
}

impl ServerProfile {
    /// Every profile, oldest first.
    pub const ALL: [ServerProfile; 5] = [
        ServerProfile::Exchange2007Sp1,
        ServerProfile::Exchange2010,
        ServerProfile::Exchange2010Sp1,
        ServerProfile::Exchange2013,
        ServerProfile::Office365,
    ];

    /// The names features use: "Exchange 2007 SP1", "Exchange 2010", "Exchange 2010 SP1",
    /// "Exchange 2013", "Office 365".
    pub fn parse(s: &str) -> Option<Self> {
        let k: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        Some(match k.as_str() {
            "exchange2007sp1" | "exchange2007" => ServerProfile::Exchange2007Sp1,
            "exchange2010" => ServerProfile::Exchange2010,
            "exchange2010sp1" => ServerProfile::Exchange2010Sp1,
            "exchange2013" => ServerProfile::Exchange2013,
            "office365" | "o365" | "exchangeonline" => ServerProfile::Office365,
            _ => return None,
        })
    }

    /// The newest schema version the server accepts in `RequestServerVersion`.
    pub fn max_schema(self) -> SchemaVersion {
        match self {
            ServerProfile::Exchange2007Sp1 => SchemaVersion::Exchange2007Sp1,
            ServerProfile::Exchange2010 => SchemaVersion::Exchange2010,
            ServerProfile::Exchange2010Sp1 => SchemaVersion::Exchange2010Sp1,
            ServerProfile::Exchange2013 => SchemaVersion::Exchange2013Sp1,
            ServerProfile::Office365 => SchemaVersion::Exchange2016,
        }
    }

    /// The `ServerVersionInfo` header of its SOAP responses ([MS-OXWSCDATA] `ServerVersionInfo`).
    pub fn server_version_info(self) -> ServerVersionInfo {
        match self {
            // Exchange 2007 did not send the Version attribute; clients derive it from the build.
            ServerProfile::Exchange2007Sp1 => {
                ServerVersionInfo { version: String::new(), ..ServerVersionInfo::for_schema(SchemaVersion::Exchange2007Sp1) }
            }
            ServerProfile::Office365 => {
                ServerVersionInfo { major: 15, minor: 20, major_build: 7452, minor_build: 28, version: "V2018_01_08".into() }
            }
            other => ServerVersionInfo::for_schema(other.max_schema()),
        }
    }

    /// ActiveSync versions the server offers in OPTIONS ([MS-ASHTTP]): 12.1 from Exchange 2007
    /// SP1, 14.0 from 2010, 14.1 from 2010 SP1, 16.x only in Office 365 (and 2016 CU).
    pub fn eas_versions(self) -> Vec<mailconform_activesync::ProtocolVersion> {
        use mailconform_activesync::ProtocolVersion as V;
        let newest = match self {
            ServerProfile::Exchange2007Sp1 => V::V12_1,
            ServerProfile::Exchange2010 => V::V14_0,
            ServerProfile::Exchange2010Sp1 | ServerProfile::Exchange2013 => V::V14_1,
            ServerProfile::Office365 => V::V16_1,
        };
        V::ALL.iter().copied().filter(|v| *v <= newest).collect()
    }

    /// The `MS-Server-ActiveSync` header.
    pub fn eas_server_header(self) -> &'static str {
        match self {
            ServerProfile::Exchange2007Sp1 => "8.1",
            ServerProfile::Exchange2010 => "14.0",
            ServerProfile::Exchange2010Sp1 => "14.1",
            ServerProfile::Exchange2013 => "15.0",
            ServerProfile::Office365 => "15.20",
        }
    }

    /// What the server's IIS offers by ALPN. HTTP/2 came with IIS 10 (Windows Server 2016),
    /// under Exchange 2016, 2019 and Exchange Online; Exchange 2007 to 2013 run on IIS 7 to 8.5,
    /// which speak HTTP/1.1 only, so a client offering `h2` as well (curl does) is told
    /// `http/1.1` rather than left to try HTTP/2 (where NTLM, bound to the connection, fails).
    pub fn alpn(self) -> &'static [&'static [u8]] {
        match self {
            ServerProfile::Office365 => &[b"h2", b"http/1.1"],
            ServerProfile::Exchange2007Sp1 | ServerProfile::Exchange2010 | ServerProfile::Exchange2010Sp1 | ServerProfile::Exchange2013 => {
                &[b"http/1.1"]
            }
        }
    }

    /// Folder `ModifiedEvent`s carry `UnreadCount` from Exchange 2010 on.
    pub fn unread_count_in_events(self) -> bool {
        self != ServerProfile::Exchange2007Sp1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_feature_names() {
        assert_eq!(ServerProfile::parse("Exchange 2007 SP1"), Some(ServerProfile::Exchange2007Sp1));
        assert_eq!(ServerProfile::parse("Office 365"), Some(ServerProfile::Office365));
        assert_eq!(ServerProfile::parse("Exchange 2010 SP1"), Some(ServerProfile::Exchange2010Sp1));
        assert_eq!(ServerProfile::parse("Domino"), None);
        assert!(ServerProfile::Exchange2013.max_schema() > ServerProfile::Exchange2010.max_schema());
    }

    #[test]
    fn only_exchange_on_iis_10_offers_http2() {
        for p in ServerProfile::ALL {
            let h2 = p.alpn().contains(&&b"h2"[..]);
            assert_eq!(h2, p == ServerProfile::Office365, "{p:?}");
            assert!(p.alpn().contains(&&b"http/1.1"[..]), "{p:?}");
        }
    }
}
