//! Secure Mail's MDX network policies as features write them (seed 001): the values of
//! "Network access", the seed's three connection types, and the route a connection took.

use super::closed_vocabulary;
use mailconform_fakes::defaults;
use mailconform_fakes::mdx::{self, NetworkPolicies, ServiceAddress};

/// A value of the "Network access" policy, as the console names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "network_access", regex = "Unrestricted|Tunneled to the internal network|Blocked")]
pub struct NetworkAccess(pub mdx::NetworkAccess);

closed_vocabulary!(NetworkAccess, "a value of the MDX policy Network access", {
    "Unrestricted" => NetworkAccess(mdx::NetworkAccess::Unrestricted),
    "Tunneled to the internal network" => NetworkAccess(mdx::NetworkAccess::Tunneled),
    "Blocked" => NetworkAccess(mdx::NetworkAccess::Blocked),
});

/// One of the seed's three connection types, each with the policy list it gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "connection_type", regex = "direct connection|micro VPN|STA")]
pub enum ConnectionType {
    /// "Connexion directe": Unrestricted.
    Direct,
    /// Micro VPN: tunneled, no background policies.
    MicroVpn,
    /// STA: tunneled, the mail server as background service, the gateway as background gateway.
    Sta,
}

closed_vocabulary!(ConnectionType, "one of the seed's three connection types", {
    "direct connection" => ConnectionType::Direct,
    "micro VPN" => ConnectionType::MicroVpn,
    "STA" => ConnectionType::Sta,
});

impl ConnectionType {
    /// The policies the seed lists for it, with the default world's hosts for its
    /// `mail.exemple.com: 443` and `gateway3.exemple.com:443`.
    pub fn policies(self) -> NetworkPolicies {
        match self {
            ConnectionType::Direct => NetworkPolicies::direct(),
            ConnectionType::MicroVpn => NetworkPolicies::micro_vpn(),
            ConnectionType::Sta => {
                NetworkPolicies::sta(ServiceAddress::new(defaults::EXCHANGE_HOST, 443), ServiceAddress::new(defaults::GATEWAY_HOST, 443))
            }
        }
    }
}

/// How a connection left the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "route", regex = "directly|through the micro VPN|through the background gateway|nowhere")]
pub enum RouteTaken {
    /// Straight to the host.
    Direct,
    /// In the micro VPN.
    MicroVpn,
    /// Through the background gateway with the ticket.
    Sta,
    /// Blocked on the phone.
    Blocked,
}

closed_vocabulary!(RouteTaken, "how a connection left the phone", {
    "directly" => RouteTaken::Direct,
    "through the micro VPN" => RouteTaken::MicroVpn,
    "through the background gateway" => RouteTaken::Sta,
    "nowhere" => RouteTaken::Blocked,
});

impl RouteTaken {
    /// Whether `route` is this one.
    pub fn is(self, route: &mdx::Route) -> bool {
        matches!(
            (self, route),
            (RouteTaken::Direct, mdx::Route::Direct)
                | (RouteTaken::MicroVpn, mdx::Route::MicroVpn)
                | (RouteTaken::Sta, mdx::Route::Sta { .. })
                | (RouteTaken::Blocked, mdx::Route::Blocked)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn vocabularies() {
        closed::<NetworkAccess>();
        closed::<ConnectionType>();
        closed::<RouteTaken>();
        rejects::<NetworkAccess>("Tunneled");
        for (word, v) in NetworkAccess::WORDS {
            assert_eq!(word.parse::<mdx::NetworkAccess>().unwrap(), v.0, "the console name reads as the policy's value");
        }
    }

    #[test]
    fn the_seeds_sta_list_names_the_mail_server_and_the_gateway() {
        let p = ConnectionType::Sta.policies();
        assert_eq!(p.background_services, vec![ServiceAddress::new(defaults::EXCHANGE_HOST, 443)]);
        assert_eq!(p.background_gateway, Some(ServiceAddress::new(defaults::GATEWAY_HOST, 443)));
        assert_eq!(p.ticket_expiration_hours, 168);
    }
}

/// What a gateway tunnel rested on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "tunnel_basis", regex = "logon session|ticket")]
pub enum TunnelBasis {
    /// The micro VPN's logon session.
    Session,
    /// The background services ticket.
    Ticket,
}

closed_vocabulary!(TunnelBasis, "what a gateway tunnel rests on", {
    "logon session" => TunnelBasis::Session,
    "ticket" => TunnelBasis::Ticket,
});

impl TunnelBasis {
    /// The gateway's name for it.
    pub fn kind(self) -> mailconform_fakes::gateway::contract::TunnelKind {
        match self {
            TunnelBasis::Session => mailconform_fakes::gateway::contract::TunnelKind::MicroVpn,
            TunnelBasis::Ticket => mailconform_fakes::gateway::contract::TunnelKind::Sta,
        }
    }
}
