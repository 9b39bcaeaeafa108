//! The network policies' values, their defaults, and the route they give each connection.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// "Background services ticket expiration": 168 hours (7 days) unless set (seed 001).
pub const DEFAULT_TICKET_HOURS: u32 = 168;

/// The "Network access" policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkAccess {
    /// "Unrestricted": every connection goes straight to its host; the background policies
    /// have no effect.
    Unrestricted,
    /// "Tunneled to the internal network": the app's connections go through the gateway's
    /// micro VPN, background services through the background gateway with a ticket.
    Tunneled,
    /// "Blocked": the app has no network access at all.
    Blocked,
}

impl NetworkAccess {
    /// The value as Endpoint Management's console names it.
    pub fn console_name(self) -> &'static str {
        match self {
            NetworkAccess::Unrestricted => "Unrestricted",
            NetworkAccess::Tunneled => "Tunneled to the internal network",
            NetworkAccess::Blocked => "Blocked",
        }
    }
}

/// Which of the seed's two readings of "Network access"'s default applies.
///
/// The seed says in one sentence that access is "tunneled to the internal network" by default,
/// "which means no restriction is imposed", the description of "Unrestricted". Its three
/// configuration lists give every value they rely on, defaults included (the 168-hour
/// expiration, the empty gateway); the micro VPN list is exactly the tunneled value with
/// everything else left empty, i.e. the defaults, and the direct connection is the only one
/// that sets "Unrestricted", as a change. Endpoint Management's own documentation of the policy
/// gives "Tunneled to the internal network" as Secure Mail's default. So the default reading is
/// [`DefaultReading::Tunneled`]; the other is a step away.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultReading {
    /// The policy's value when unset is "Tunneled to the internal network".
    #[default]
    Tunneled,
    /// The policy's value when unset is "Unrestricted" (the sentence's explanation).
    Unrestricted,
}

impl DefaultReading {
    /// The network access a policy left unset has under this reading.
    pub fn network_access(self) -> NetworkAccess {
        match self {
            DefaultReading::Tunneled => NetworkAccess::Tunneled,
            DefaultReading::Unrestricted => NetworkAccess::Unrestricted,
        }
    }
}

/// A `host:port` as the background policies list them (`mail.example.com:443`; the seed's
/// own example writes a space after the colon, which is accepted).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceAddress {
    /// Host name, lower case.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl ServiceAddress {
    /// `host:port`.
    pub fn new(host: &str, port: u16) -> Self {
        ServiceAddress { host: host.to_ascii_lowercase(), port }
    }

    /// Whether this is `host:port`.
    pub fn is(&self, host: &str, port: u16) -> bool {
        self.port == port && self.host.eq_ignore_ascii_case(host)
    }
}

impl fmt::Display for ServiceAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// A policy value that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Not `host:port`.
    #[error("{value:?} is not host:port (for example mail.example.com:443)")]
    NotAnAddress {
        /// The value as given.
        value: String,
    },
    /// Not one of the policy's values.
    #[error("{value:?} is not a value of {policy} (one of: {allowed})")]
    UnknownValue {
        /// The policy.
        policy: &'static str,
        /// The value as given.
        value: String,
        /// The values it takes.
        allowed: &'static str,
    },
    /// Not a whole number of hours of at least one.
    #[error("{value:?} is not a number of hours of at least 1 for the background services ticket expiration")]
    BadHours {
        /// The value as given.
        value: String,
    },
}

impl FromStr for ServiceAddress {
    type Err = PolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || PolicyError::NotAnAddress { value: s.to_string() };
        let (host, port) = s.trim().rsplit_once(':').ok_or_else(bad)?;
        let (host, port) = (host.trim(), port.trim());
        if host.is_empty() || host.contains(char::is_whitespace) || host.contains('/') {
            return Err(bad());
        }
        Ok(ServiceAddress::new(host, port.parse().map_err(|_| bad())?))
    }
}

impl TryFrom<String> for ServiceAddress {
    type Error = PolicyError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ServiceAddress> for String {
    fn from(a: ServiceAddress) -> String {
        a.to_string()
    }
}

impl FromStr for NetworkAccess {
    type Err = PolicyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        match key.as_str() {
            "unrestricted" | "networkaccessunrestricted" => Ok(NetworkAccess::Unrestricted),
            "tunneled" | "tunneledtotheinternalnetwork" | "networkaccesstunneled" => Ok(NetworkAccess::Tunneled),
            "blocked" | "networkaccessblocked" => Ok(NetworkAccess::Blocked),
            _ => Err(PolicyError::UnknownValue {
                policy: "Network access",
                value: s.to_string(),
                allowed: "Unrestricted, Tunneled to the internal network, Blocked",
            }),
        }
    }
}

/// The network policies of the Secure Mail app, as set in Endpoint Management.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkPolicies {
    /// "Network access"; `None` when left at its default ([`DefaultReading`]).
    pub network_access: Option<NetworkAccess>,
    /// "Background network services": the `host:port`s reached in the background.
    pub background_services: Vec<ServiceAddress>,
    /// "Background network service gateway": the NetScaler Gateway background connections go
    /// through with their ticket.
    pub background_gateway: Option<ServiceAddress>,
    /// "Background services ticket expiration", in hours.
    pub ticket_expiration_hours: u32,
    /// Which reading of the seed gives the unset network access.
    pub default_reading: DefaultReading,
}

impl Default for NetworkPolicies {
    fn default() -> Self {
        NetworkPolicies {
            network_access: None,
            background_services: Vec::new(),
            background_gateway: None,
            ticket_expiration_hours: DEFAULT_TICKET_HOURS,
            default_reading: DefaultReading::default(),
        }
    }
}

/// Where one connection of the app goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "route")]
pub enum Route {
    /// Straight to the host, as any app on the phone.
    Direct,
    /// Through the gateway's micro VPN (the app's per-app tunnel, after logging on there).
    MicroVpn,
    /// Through the background gateway, presenting the STA ticket.
    Sta {
        /// The background network service gateway.
        gateway: ServiceAddress,
    },
    /// Nowhere: network access is blocked.
    Blocked,
}

/// The policies once their rules are applied: what actually governs the app's connections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effective {
    /// Network access, the default resolved.
    pub access: NetworkAccess,
    /// Background services in effect (empty unless tunneled).
    pub background_services: Vec<ServiceAddress>,
    /// The background gateway in effect (none unless tunneled).
    pub background_gateway: Option<ServiceAddress>,
}

impl NetworkPolicies {
    /// The seed's three configurations, in its order: direct connection, micro VPN, STA.
    /// `mail` and `gateway` stand for its `mail.example.com:443` and `gateway3.example.com:443`.
    pub fn direct() -> Self {
        NetworkPolicies { network_access: Some(NetworkAccess::Unrestricted), ..Default::default() }
    }

    /// The seed's micro VPN configuration: tunneled, no background services nor gateway.
    pub fn micro_vpn() -> Self {
        NetworkPolicies { network_access: Some(NetworkAccess::Tunneled), ..Default::default() }
    }

    /// The seed's STA configuration: tunneled, `mail` as background service, `gateway` as
    /// background gateway, 168 hours.
    pub fn sta(mail: ServiceAddress, gateway: ServiceAddress) -> Self {
        NetworkPolicies {
            network_access: Some(NetworkAccess::Tunneled),
            background_services: vec![mail],
            background_gateway: Some(gateway),
            ..Default::default()
        }
    }

    /// Network access, its default resolved by [`NetworkPolicies::default_reading`].
    pub fn access(&self) -> NetworkAccess {
        self.network_access.unwrap_or_else(|| self.default_reading.network_access())
    }

    /// The policies in effect: "background network services" and their gateway "take effect
    /// when network access is tunneled" (seed 001), and are ignored otherwise.
    pub fn effective(&self) -> Effective {
        let access = self.access();
        let tunneled = access == NetworkAccess::Tunneled;
        Effective {
            access,
            background_services: if tunneled { self.background_services.clone() } else { Vec::new() },
            background_gateway: self.background_gateway.clone().filter(|_| tunneled),
        }
    }

    /// How long a background services ticket stays valid.
    pub fn ticket_lifetime(&self) -> Duration {
        Duration::from_secs(u64::from(self.ticket_expiration_hours) * 3600)
    }
}

impl Effective {
    /// The route of a connection to `host:port`: nowhere when blocked, direct when
    /// unrestricted; when tunneled, a listed background service goes through the background
    /// gateway with the ticket (when one is set), everything else through the micro VPN.
    pub fn route(&self, host: &str, port: u16) -> Route {
        match self.access {
            NetworkAccess::Blocked => Route::Blocked,
            NetworkAccess::Unrestricted => Route::Direct,
            NetworkAccess::Tunneled => match &self.background_gateway {
                Some(gateway) if self.is_background_service(host, port) => Route::Sta { gateway: gateway.clone() },
                _ => Route::MicroVpn,
            },
        }
    }

    /// Whether `host:port` is in the background services in effect.
    pub fn is_background_service(&self, host: &str, port: u16) -> bool {
        self.background_services.iter().any(|s| s.is(host, port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> ServiceAddress {
        "mail.example.test:443".parse().unwrap()
    }

    fn gateway() -> ServiceAddress {
        "gateway.example.test:443".parse().unwrap()
    }

    #[test]
    fn the_seeds_three_configurations_route_mail_as_their_figures_show() {
        assert_eq!(NetworkPolicies::direct().effective().route("mail.example.test", 443), Route::Direct);
        assert_eq!(NetworkPolicies::micro_vpn().effective().route("mail.example.test", 443), Route::MicroVpn);
        let sta = NetworkPolicies::sta(mail(), gateway()).effective();
        assert_eq!(sta.route("mail.example.test", 443), Route::Sta { gateway: gateway() });
        assert_eq!(sta.route("MAIL.example.test", 443), Route::Sta { gateway: gateway() }, "host names compare without case");
        assert_eq!(sta.route("mail.example.test", 80), Route::MicroVpn, "another port is another service");
        assert_eq!(sta.route("ad.example.test", 389), Route::MicroVpn);
    }

    #[test]
    fn background_policies_take_effect_only_when_tunneled() {
        let mut p = NetworkPolicies::sta(mail(), gateway());
        p.network_access = Some(NetworkAccess::Unrestricted);
        let e = p.effective();
        assert_eq!(e.background_gateway, None);
        assert!(e.background_services.is_empty());
        assert_eq!(e.route("mail.example.test", 443), Route::Direct);
        p.network_access = Some(NetworkAccess::Blocked);
        assert_eq!(p.effective().route("mail.example.test", 443), Route::Blocked);
    }

    #[test]
    fn services_without_a_gateway_stay_in_the_micro_vpn() {
        let p = NetworkPolicies { background_services: vec![mail()], ..NetworkPolicies::micro_vpn() };
        assert_eq!(p.effective().route("mail.example.test", 443), Route::MicroVpn);
    }

    #[test]
    fn the_unset_network_access_follows_the_reading() {
        let mut p = NetworkPolicies::default();
        assert_eq!(p.access(), NetworkAccess::Tunneled);
        p.default_reading = DefaultReading::Unrestricted;
        assert_eq!(p.access(), NetworkAccess::Unrestricted);
        p.network_access = Some(NetworkAccess::Blocked);
        assert_eq!(p.access(), NetworkAccess::Blocked, "a value set wins over either reading");
    }

    #[test]
    fn addresses_read_as_the_seed_writes_them() {
        assert_eq!("mail.exemple.com: 443".parse::<ServiceAddress>().unwrap(), ServiceAddress::new("mail.exemple.com", 443));
        for bad in ["mail.example.com", ":443", "mail.example.com:https", "https://mail.example.com/x:443", "a b:1"] {
            assert!(matches!(bad.parse::<ServiceAddress>(), Err(PolicyError::NotAnAddress { .. })), "{bad}");
        }
        assert_eq!(ServiceAddress::new("Mail.Example.Test", 443).to_string(), "mail.example.test:443");
    }

    #[test]
    fn network_access_reads_console_and_metadata_names() {
        for (s, v) in [
            ("Unrestricted", NetworkAccess::Unrestricted),
            ("Tunneled to the internal network", NetworkAccess::Tunneled),
            ("NetworkAccessTunneled", NetworkAccess::Tunneled),
            ("blocked", NetworkAccess::Blocked),
        ] {
            assert_eq!(s.parse::<NetworkAccess>().unwrap(), v);
        }
        assert!(matches!("open".parse::<NetworkAccess>(), Err(PolicyError::UnknownValue { .. })));
    }

    #[test]
    fn ticket_lifetime_is_the_expiration_in_hours() {
        assert_eq!(NetworkPolicies::default().ticket_lifetime(), Duration::from_secs(168 * 3600));
        let p = NetworkPolicies { ticket_expiration_hours: 24, ..Default::default() };
        assert_eq!(p.ticket_lifetime(), Duration::from_secs(24 * 3600));
    }
}
