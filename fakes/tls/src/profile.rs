//! Device profiles and Secure Mail's "Connection security level" policy: the one table that the
//! simulated client, the features' expectations, the report and `tls-probe` all read.
//!
//! The source is the integration guide (seed `001`, section "Configuration du niveau de
//! sécurité SSL/TLS"): two tables give, per device OS and policy value, whether Secure Mail
//! uses SSLv3 and TLS. Under "SSLv3 and TLS", SSLv3 is allowed before iOS 9, before Android M
//! and on Android M/N, not on iOS 9 and later nor on Android O; under "TLS" (the default, since
//! POODLE) never. TLS is "Oui" everywhere, with TLS 1.0 as the floor.

use crate::version::{Version, VersionSet};
use serde::Serialize;
use std::fmt;

/// A device OS class of the seed's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum DeviceProfile {
    /// iOS 8 and earlier: SecureTransport, SSL 3.0 to TLS 1.2.
    IosBefore9,
    /// iOS 9 and later: App Transport Security, TLS 1.0 and up.
    Ios9Plus,
    /// Android 5.1 and earlier (API ≤ 22): SSL 3.0 supported and enabled.
    AndroidBeforeM,
    /// Android 6 and 7: SSL 3.0 disabled by default, still supported.
    AndroidMN,
    /// Android 8: SSL 3.0 removed.
    AndroidO,
}

/// The MDX "Connection security level" policy of Secure Mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub enum Policy {
    /// "TLS", the default.
    #[default]
    Tls,
    /// "SSLv3 and TLS", the workaround for a Traveler server that only speaks SSL 3.0.
    Sslv3AndTls,
}

/// One row of a seed table: may Secure Mail use SSLv3, may it use TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The "SSLv3" column: Secure Mail may use SSL 3.0.
    pub sslv3: bool,
    /// The "TLS" column: Secure Mail may use TLS (always "Oui" in the seed).
    pub tls: bool,
}

impl DeviceProfile {
    /// Every profile, in the seed tables' row order.
    pub const ALL: [DeviceProfile; 5] = [
        DeviceProfile::IosBefore9,
        DeviceProfile::Ios9Plus,
        DeviceProfile::AndroidBeforeM,
        DeviceProfile::AndroidMN,
        DeviceProfile::AndroidO,
    ];

    /// The protocol versions the OS's TLS stack can offer an app.
    /// - iOS before 9: SecureTransport with SSL 3.0 up to TLS 1.2 (TLS 1.2 since iOS 5).
    /// - iOS 9 and later: App Transport Security has no SSLv3 value; TLS 1.0 up to TLS 1.3 (1.3
    ///   from iOS 12.2, the releases Secure Mail runs on today).
    /// - Android before M: SSLv3 supported and enabled (API 1–22), TLS 1.1/1.2 from API 16.
    /// - Android M and N: SSLv3 disabled by default but still supported, so an app may enable it.
    /// - Android O: SSLv3 removed; TLS 1.0 up to TLS 1.2 (TLS 1.3 came with Android 10).
    pub fn os_versions(self) -> VersionSet {
        match self {
            DeviceProfile::IosBefore9 | DeviceProfile::AndroidBeforeM | DeviceProfile::AndroidMN => {
                VersionSet::range(Version::Ssl3, Version::Tls12)
            }
            DeviceProfile::Ios9Plus => VersionSet::range(Version::Tls10, Version::Tls13),
            DeviceProfile::AndroidO => VersionSet::range(Version::Tls10, Version::Tls12),
        }
    }

    /// The row's label in the seed's (French) tables.
    pub fn seed_label(self) -> &'static str {
        match self {
            DeviceProfile::IosBefore9 => "versions antérieures à iOS 9",
            DeviceProfile::Ios9Plus => "iOS 9 et versions ultérieures",
            DeviceProfile::AndroidBeforeM => "Versions antérieures à Android M",
            DeviceProfile::AndroidMN => "Android M et Android N",
            DeviceProfile::AndroidO => "Android O",
        }
    }

    /// The English name features and reports use.
    pub fn name(self) -> &'static str {
        match self {
            DeviceProfile::IosBefore9 => "iOS before 9",
            DeviceProfile::Ios9Plus => "iOS 9 and later",
            DeviceProfile::AndroidBeforeM => "Android before M",
            DeviceProfile::AndroidMN => "Android M and N",
            DeviceProfile::AndroidO => "Android O",
        }
    }

    /// Either name, any case.
    pub fn parse(s: &str) -> Option<DeviceProfile> {
        let s = s.trim();
        DeviceProfile::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(s) || p.seed_label().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for DeviceProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Policy {
    /// Both values, the default first.
    pub const ALL: [Policy; 2] = [Policy::Tls, Policy::Sslv3AndTls];

    /// The value as the MDX policy shows it.
    pub fn name(self) -> &'static str {
        match self {
            Policy::Tls => "TLS",
            Policy::Sslv3AndTls => "SSLv3 and TLS",
        }
    }

    /// The English value or the seed's French and Spanish spellings, any case.
    pub fn parse(s: &str) -> Option<Policy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tls" => Some(Policy::Tls),
            "sslv3 and tls" | "sslv3 et tls" | "sslv3 y tls" => Some(Policy::Sslv3AndTls),
            _ => None,
        }
    }

    /// The versions the policy lets Secure Mail use, whatever the OS: TLS 1.0 is the floor
    /// unless SSLv3 is allowed.
    pub fn allowed(self) -> VersionSet {
        match self {
            Policy::Tls => VersionSet::range(Version::Tls10, Version::Tls13),
            Policy::Sslv3AndTls => VersionSet::range(Version::Ssl3, Version::Tls13),
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The seed's two tables, cell by cell: THE table of this crate.
pub fn seed_cell(profile: DeviceProfile, policy: Policy) -> Cell {
    use DeviceProfile::*;
    match (policy, profile) {
        (Policy::Sslv3AndTls, IosBefore9 | AndroidBeforeM | AndroidMN) => Cell { sslv3: true, tls: true },
        (Policy::Sslv3AndTls, Ios9Plus | AndroidO) => Cell { sslv3: false, tls: true },
        (Policy::Tls, _) => Cell { sslv3: false, tls: true },
    }
}

/// Exactly what Secure Mail offers on `profile` under `policy`: what the OS can do, cut to what
/// the seed's table allows (SSL 3.0 only where its cell says "Oui", TLS 1.0 as the floor).
pub fn offered(profile: DeviceProfile, policy: Policy) -> VersionSet {
    let cell = seed_cell(profile, policy);
    let mut set = profile.os_versions().intersect(policy.allowed());
    if !cell.sslv3 {
        set = set.without(Version::Ssl3);
    }
    if !cell.tls {
        set = VersionSet::of(&set.iter().filter(|v| !v.is_tls()).collect::<Vec<_>>());
    }
    set
}

/// What the guide says to do when Secure Mail on a device cannot use SSL 3.0 with a server that
/// speaks nothing else (seed 001: POODLE made Secure Mail disable SSL 3.0 by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ssl3Remedy {
    /// SSL 3.0 is off under the current policy; the "SSLv3 and TLS" connection security level
    /// turns it on (the workaround), or the server moves to TLS 1.2 (the fix).
    AllowSsl3InPolicy,
    /// The OS cannot use SSL 3.0 under any policy: only moving the server to TLS 1.2 helps.
    MoveServerToTls12,
}

impl fmt::Display for Ssl3Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ssl3Remedy::AllowSsl3InPolicy => {
                "set the \"Connection security level\" policy to \"SSLv3 and TLS\", or better move the server to TLS 1.2"
            }
            Ssl3Remedy::MoveServerToTls12 => "this OS cannot use SSL 3.0 under any policy: move the server to TLS 1.2",
        })
    }
}

/// The remedy when Secure Mail on `profile` under `policy` does not offer SSL 3.0; `None` when it does.
pub fn ssl3_remedy(profile: DeviceProfile, policy: Policy) -> Option<Ssl3Remedy> {
    if offered(profile, policy).contains(Version::Ssl3) {
        None
    } else if seed_cell(profile, Policy::Sslv3AndTls).sslv3 {
        Some(Ssl3Remedy::AllowSsl3InPolicy)
    } else {
        Some(Ssl3Remedy::MoveServerToTls12)
    }
}

/// "Oui"/"Non", as the seed writes a cell.
pub fn oui_non(b: bool) -> &'static str {
    if b {
        "Oui"
    } else {
        "Non"
    }
}

/// Reads a seed cell ("Oui"/"Non", or yes/no, sí/no), any case.
pub fn parse_oui_non(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "oui" | "yes" | "sí" | "si" => Some(true),
        "non" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_tables() {
        let sslv3: Vec<bool> = DeviceProfile::ALL.iter().map(|p| seed_cell(*p, Policy::Sslv3AndTls).sslv3).collect();
        assert_eq!(sslv3, [true, false, true, true, false]);
        assert!(DeviceProfile::ALL.iter().all(|p| !seed_cell(*p, Policy::Tls).sslv3 && seed_cell(*p, Policy::Tls).tls));
        for p in DeviceProfile::ALL {
            assert_eq!(offered(p, Policy::Tls).min(), Some(Version::Tls10), "{p}: TLS 1.0 is the floor");
            assert_eq!(offered(p, Policy::Sslv3AndTls).contains(Version::Ssl3), seed_cell(p, Policy::Sslv3AndTls).sslv3);
            assert_eq!(DeviceProfile::parse(p.seed_label()), Some(p));
            assert_eq!(DeviceProfile::parse(p.name()), Some(p));
        }
        assert_eq!(Policy::default(), Policy::Tls);
        assert_eq!(Policy::parse("SSLv3 and TLS"), Some(Policy::Sslv3AndTls));
    }

    #[test]
    fn the_remedy_follows_the_sslv3_table() {
        use DeviceProfile::*;
        assert_eq!(ssl3_remedy(IosBefore9, Policy::Tls), Some(Ssl3Remedy::AllowSsl3InPolicy));
        assert_eq!(ssl3_remedy(IosBefore9, Policy::Sslv3AndTls), None);
        assert_eq!(ssl3_remedy(Ios9Plus, Policy::Sslv3AndTls), Some(Ssl3Remedy::MoveServerToTls12));
        assert_eq!(ssl3_remedy(AndroidO, Policy::Tls), Some(Ssl3Remedy::MoveServerToTls12));
    }
}
