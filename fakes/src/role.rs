//! Every role a scenario, `serve` or a target configuration can address: its name, its kind,
//! its host in the default world and the protocols it serves.
//!
//! This is the one place role names are spelled. The simulation's topology, `serve ROLE`,
//! `endpoints.json`, the command line's help and `docs/conventions.md` all read them from here,
//! so that "the EMEA listener" is `listener.eu-west-1` everywhere.

use crate::defaults;
use crate::listener::Region;
use std::fmt;

/// What a role is, whatever backs it (an in-process fake, a served fake, a real component).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleKind {
    /// Microsoft Exchange: EWS (push subscriptions) and ActiveSync.
    Exchange,
    /// IBM Notes Traveler: ActiveSync on 443 and 80.
    Traveler,
    /// The vendor's cloud push listener service, one per region.
    Listener,
    /// Apple's push service, production and sandbox.
    Apns,
    /// The Kerberos KDC of the default realm.
    Kdc,
    /// The OAuth issuer (Microsoft Entra ID's role).
    OAuthIssuer,
    /// The Workspace ONE UEM console (device compliance).
    Uem,
    /// Secure Email Gateway V2, proxying ActiveSync and EWS.
    Seg,
    /// Email Notification Service 2.
    Ens,
    /// Active Directory Certificate Services with web enrollment, and the directory it
    /// publishes users' certificates to.
    Adcs,
    /// NetScaler Gateway: the micro VPN and background services on STA tickets.
    Gateway,
    /// Citrix Endpoint Management: background services tickets and the STA.
    Xms,
    /// A phone running Secure Mail.
    SecureMail,
    /// A phone running Boxer.
    Boxer,
}

/// A protocol a role serves (beyond its control API, which every fake has).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// Exchange Web Services: SOAP over HTTPS, push notifications ([MS-OXWSNTIF]).
    Ews,
    /// Exchange ActiveSync: WBXML over HTTPS ([MS-ASHTTP], [MS-ASCMD]).
    ActiveSync,
    /// The listener service's registration API and its SendNotification endpoint.
    ListenerApi,
    /// Apple's HTTP/2 provider API.
    ApnsProvider,
    /// Kerberos ticket issuing (AS/TGS and S4U) over HTTPS.
    Kerberos,
    /// OAuth 2.0 token issuing.
    OAuth,
    /// The console's compliance API.
    UemApi,
    /// ENS2's registration API and its EWS notification endpoint.
    EnsApi,
    /// AD CS web enrollment (`/certsrv/`): PKCS#10 requests in, certificates out.
    CertEnrollment,
    /// Tunnels by HTTP `CONNECT`, on a logon session or an STA ticket.
    Tunnel,
    /// Background services tickets and their validation (`CtxSTAProtocol`).
    Sta,
}

impl Protocol {
    /// The word used for it in help texts and documents.
    pub fn word(self) -> &'static str {
        match self {
            Protocol::Ews => "EWS",
            Protocol::ActiveSync => "ActiveSync",
            Protocol::ListenerApi => "listener API",
            Protocol::ApnsProvider => "APNs provider API",
            Protocol::Kerberos => "Kerberos",
            Protocol::OAuth => "OAuth 2.0",
            Protocol::UemApi => "UEM API",
            Protocol::EnsApi => "ENS API",
            Protocol::CertEnrollment => "AD CS web enrollment",
            Protocol::Tunnel => "gateway tunnels",
            Protocol::Sta => "STA tickets",
        }
    }

    /// The suffix that picks this protocol of a role serving several (`exchange.eas`,
    /// `seg.ews`) in a target configuration.
    pub fn key(self) -> &'static str {
        match self {
            Protocol::Ews => "ews",
            Protocol::ActiveSync => "eas",
            Protocol::ListenerApi => "api",
            Protocol::ApnsProvider => "provider",
            Protocol::Kerberos => "kerberos",
            Protocol::OAuth => "oauth",
            Protocol::UemApi => "api",
            Protocol::EnsApi => "api",
            Protocol::CertEnrollment => "certsrv",
            Protocol::Tunnel => "tunnel",
            Protocol::Sta => "sta",
        }
    }
}

impl RoleKind {
    /// Every kind, in the order help texts list them.
    pub const ALL: [RoleKind; 14] = [
        RoleKind::Exchange,
        RoleKind::Traveler,
        RoleKind::Listener,
        RoleKind::Apns,
        RoleKind::Kdc,
        RoleKind::OAuthIssuer,
        RoleKind::Uem,
        RoleKind::Seg,
        RoleKind::Ens,
        RoleKind::Adcs,
        RoleKind::Gateway,
        RoleKind::Xms,
        RoleKind::SecureMail,
        RoleKind::Boxer,
    ];

    /// The first segment of its role names (`listener` in `listener.eu-west-1`).
    pub fn word(self) -> &'static str {
        match self {
            RoleKind::Exchange => EXCHANGE,
            RoleKind::Traveler => TRAVELER,
            RoleKind::Listener => "listener",
            RoleKind::Apns => APNS,
            RoleKind::Kdc => KDC,
            RoleKind::OAuthIssuer => LOGIN,
            RoleKind::Uem => UEM,
            RoleKind::Seg => SEG,
            RoleKind::Ens => ENS,
            RoleKind::Adcs => ADCS,
            RoleKind::Gateway => GATEWAY,
            RoleKind::Xms => XMS,
            RoleKind::SecureMail => "device",
            RoleKind::Boxer => "boxer",
        }
    }

    /// One line for help texts.
    pub fn summary(self) -> &'static str {
        match self {
            RoleKind::Exchange => "Exchange: EWS and ActiveSync",
            RoleKind::Traveler => "Notes Traveler (also port 80)",
            RoleKind::Listener => "push listener, one region",
            RoleKind::Apns => "APNs, production and sandbox",
            RoleKind::Kdc => "the Kerberos KDC of EXAMPLE.TEST",
            RoleKind::OAuthIssuer => "the OAuth issuer",
            RoleKind::Uem => "Workspace ONE UEM console",
            RoleKind::Seg => "SEG V2: ActiveSync and EWS proxy",
            RoleKind::Ens => "ENS2",
            RoleKind::Adcs => "AD CS web enrollment and the directory",
            RoleKind::Gateway => "NetScaler Gateway: micro VPN and STA",
            RoleKind::Xms => "Endpoint Management: STA tickets",
            RoleKind::SecureMail => "a phone running Secure Mail",
            RoleKind::Boxer => "a phone running Boxer",
        }
    }

    /// The protocols a role of this kind serves.
    pub fn protocols(self) -> &'static [Protocol] {
        match self {
            RoleKind::Exchange => &[Protocol::Ews, Protocol::ActiveSync],
            RoleKind::Traveler => &[Protocol::ActiveSync],
            RoleKind::Listener => &[Protocol::ListenerApi],
            RoleKind::Apns => &[Protocol::ApnsProvider],
            RoleKind::Kdc => &[Protocol::Kerberos],
            RoleKind::OAuthIssuer => &[Protocol::OAuth],
            RoleKind::Uem => &[Protocol::UemApi],
            RoleKind::Seg => &[Protocol::ActiveSync, Protocol::Ews],
            RoleKind::Ens => &[Protocol::EnsApi],
            RoleKind::Adcs => &[Protocol::CertEnrollment],
            RoleKind::Gateway => &[Protocol::Tunnel],
            RoleKind::Xms => &[Protocol::Sta],
            RoleKind::SecureMail | RoleKind::Boxer => &[],
        }
    }
}

/// Exchange of the default world; Exchanges on other hosts are `exchange.<host>` ([`exchange_on`]).
pub const EXCHANGE: &str = "exchange";
/// IBM Notes Traveler of the default world.
pub const TRAVELER: &str = "traveler";
/// APNs production environment.
pub const APNS: &str = "apns";
/// APNs development (sandbox) environment; `serve apns` starts it with production.
pub const APNS_SANDBOX: &str = "apns.sandbox";
/// The KDC of the default Kerberos realm.
pub const KDC: &str = "kdc";
/// The OAuth issuer (Microsoft Entra ID's role for Office 365 modern authentication).
pub const LOGIN: &str = "login";
/// The Workspace ONE UEM console.
pub const UEM: &str = "uem";
/// The SEG of the default world; further SEGs are `seg.<host>`.
pub const SEG: &str = "seg";
/// ENS2 of the default world.
pub const ENS: &str = "ens";
/// Active Directory Certificate Services of the default domain.
pub const ADCS: &str = "adcs";
/// NetScaler Gateway.
pub const GATEWAY: &str = "gateway";
/// Citrix Endpoint Management (XenMobile Server) and its STA.
pub const XMS: &str = "xms";

/// The listener of `region`: `listener.us-east-1`, `listener.eu-west-1`, ...
pub fn listener(region: Region) -> String {
    format!("listener.{}", region.code())
}

/// Whether `name` is the listener of a region (`listener.us-east-1`, ...).
pub fn is_listener(name: &str) -> bool {
    Region::ALL.into_iter().any(|r| listener(r) == name)
}

/// Exchange answering on another host name (a separate EWS FQDN, another Exchange).
pub fn exchange_on(host: &str) -> String {
    if host == defaults::EXCHANGE_HOST {
        EXCHANGE.to_string()
    } else {
        format!("{EXCHANGE}.{host}")
    }
}

/// A SEG on another host than the default world's.
pub fn seg_on(host: &str) -> String {
    if host == defaults::SEG_HOST {
        SEG.to_string()
    } else {
        format!("{SEG}.{host}")
    }
}

/// The phone named `name` running Secure Mail.
pub fn device(name: &str) -> String {
    format!("device.{name}")
}

/// The phone named `name` running Boxer.
pub fn boxer(name: &str) -> String {
    format!("boxer.{name}")
}

/// The kind of the role called `name`, from its first segment; `None` for a name no kind has.
pub fn kind_of(name: &str) -> Option<RoleKind> {
    let first = name.split('.').next().unwrap_or(name);
    RoleKind::ALL.into_iter().find(|k| k.word() == first)
}

/// A role of a deployment: its name, its host name and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// Role name, the key steps and `endpoints.json` address it by (`listener.eu-west-1`).
    pub name: String,
    /// Host name it answers on (its TLS certificate's name).
    pub host: String,
    /// What it is, whatever backs it.
    pub kind: RoleKind,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.host)
    }
}

/// Every server role of the default world with its host, in the order `serve all` starts them.
/// Devices are not listed: a scenario or a test names its own.
pub fn default_world() -> Vec<Role> {
    let mut roles = vec![
        Role { name: LOGIN.into(), host: defaults::LOGIN_HOST.into(), kind: RoleKind::OAuthIssuer },
        Role { name: EXCHANGE.into(), host: defaults::EXCHANGE_HOST.into(), kind: RoleKind::Exchange },
        Role { name: KDC.into(), host: defaults::KDC_HOST.into(), kind: RoleKind::Kdc },
        Role { name: APNS.into(), host: defaults::APNS_HOST.into(), kind: RoleKind::Apns },
        Role { name: APNS_SANDBOX.into(), host: defaults::APNS_SANDBOX_HOST.into(), kind: RoleKind::Apns },
    ];
    roles.extend(Region::ALL.map(|r| Role { name: listener(r), host: r.host(defaults::DOMAIN), kind: RoleKind::Listener }));
    roles.extend([
        Role { name: TRAVELER.into(), host: defaults::TRAVELER_HOST.into(), kind: RoleKind::Traveler },
        Role { name: UEM.into(), host: defaults::UEM_HOST.into(), kind: RoleKind::Uem },
        Role { name: SEG.into(), host: defaults::SEG_HOST.into(), kind: RoleKind::Seg },
        Role { name: ENS.into(), host: defaults::ENS_HOST.into(), kind: RoleKind::Ens },
        Role { name: ADCS.into(), host: defaults::ADCS_HOST.into(), kind: RoleKind::Adcs },
        Role { name: XMS.into(), host: defaults::XMS_HOST.into(), kind: RoleKind::Xms },
        Role { name: GATEWAY.into(), host: defaults::GATEWAY_HOST.into(), kind: RoleKind::Gateway },
    ]);
    roles
}

/// A name `serve` accepts: a role of the default world, or a group of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selectable {
    /// The word `serve` takes.
    pub name: String,
    /// One line for `serve --help`.
    pub summary: String,
}

/// The names `serve` accepts, with one line each: `all`, every role of the default world, and
/// `listener` for the three regions. `apns` serves both APNs environments.
pub fn selectable() -> Vec<Selectable> {
    let mut out = vec![Selectable { name: "all".into(), summary: "every role below".into() }];
    for r in default_world() {
        if r.name == APNS_SANDBOX {
            continue;
        }
        if r.kind == RoleKind::Listener && !out.iter().any(|s| s.name == "listener") {
            out.push(Selectable { name: "listener".into(), summary: "the listeners of all three regions".into() });
        }
        out.push(Selectable { name: r.name.clone(), summary: format!("{:<37} {}", r.host, r.kind.summary()) });
        if let Some((alias, what)) = ALIASES.iter().find(|(_, role, _)| *role == r.name).map(|(a, _, w)| (a, w)) {
            out.push(Selectable { name: alias.to_string(), summary: format!("{:<37} {what}", r.host) });
        }
    }
    out
}

/// Names that stand for a role serving what they name as well: (alias, role, what for help).
/// The directory answers LDAP on the domain controller, as Active Directory does; Endpoint
/// Management is the STA.
pub const ALIASES: [(&str, &str, &str); 2] =
    [("ldap", ADCS, "the directory, LDAP and LDAPS (with adcs)"), ("sta", XMS, "the STA (with xms)")];

/// The default world's roles a selection of names stands for, in start order; the error names
/// the first unknown word.
pub fn select(names: &[String]) -> Result<Vec<Role>, UnknownRole> {
    let known = selectable();
    if let Some(bad) = names.iter().find(|n| !known.iter().any(|s| &s.name == *n)) {
        return Err(UnknownRole { name: bad.clone(), known: known.into_iter().map(|s| s.name).collect() });
    }
    let wanted = |r: &Role| {
        names.iter().any(|n| {
            n == "all"
                || *n == r.name
                || (n == "listener" && r.kind == RoleKind::Listener)
                || (n == APNS && r.kind == RoleKind::Apns)
                || ALIASES.iter().any(|(alias, role, _)| n == alias && r.name == *role)
        })
    };
    Ok(default_world().into_iter().filter(wanted).collect())
}

/// A role name that is not one of the default world's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{name}`; known roles: {}", known.join(", "))]
pub struct UnknownRole {
    /// The word given.
    pub name: String,
    /// Every name `serve` accepts, for the message.
    pub known: Vec<String>,
}

/// A role a target configuration can name, and the protocols of it that get checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetRole {
    /// The role of the default world the name stands for.
    pub role: Role,
    /// Every protocol of the role, or the one a `.<protocol>` suffix picked.
    pub protocols: Vec<Protocol>,
}

/// Every name a target configuration accepts: each server role of the default world, and for
/// a role serving several protocols also `<role>.<protocol>` (`exchange.eas`, `exchange.ews`).
pub fn target_names() -> Vec<String> {
    let mut out = Vec::new();
    for r in default_world() {
        out.push(r.name.clone());
        if r.kind.protocols().len() > 1 {
            out.extend(r.kind.protocols().iter().map(|p| format!("{}.{}", r.name, p.key())));
        }
    }
    out
}

/// The role and protocols a target configuration's key names (see [`target_names`]); the error
/// lists every name accepted.
pub fn target(name: &str) -> Result<TargetRole, UnknownRole> {
    let world = default_world();
    if let Some(role) = world.iter().find(|r| r.name == name) {
        return Ok(TargetRole { protocols: role.kind.protocols().to_vec(), role: role.clone() });
    }
    let picked = name.rsplit_once('.').and_then(|(base, key)| {
        let role = world.iter().find(|r| r.name == base && r.kind.protocols().len() > 1)?;
        let protocol = role.kind.protocols().iter().copied().find(|p| p.key() == key)?;
        Some(TargetRole { role: role.clone(), protocols: vec![protocol] })
    });
    picked.ok_or_else(|| UnknownRole { name: name.to_string(), known: target_names() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_role_has_a_kind_from_its_name() {
        for r in default_world() {
            assert_eq!(kind_of(&r.name), Some(r.kind), "{r}");
        }
        assert_eq!(kind_of(&device("alice")), Some(RoleKind::SecureMail));
        assert_eq!(kind_of(&boxer("alice")), Some(RoleKind::Boxer));
        assert_eq!(kind_of(&exchange_on("ews.example.test")), Some(RoleKind::Exchange));
        assert_eq!(kind_of("nonsense"), None);
    }

    #[test]
    fn names_and_hosts_are_unique() {
        let world = default_world();
        for (i, a) in world.iter().enumerate() {
            for b in &world[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.host, b.host);
            }
        }
    }

    #[test]
    fn selection_expands_groups_and_refuses_unknown_names() {
        let all = select(&["all".into()]).unwrap();
        assert_eq!(all, default_world());
        let listeners = select(&["listener".into()]).unwrap();
        assert_eq!(listeners.len(), 3);
        assert!(listeners.iter().all(|r| r.kind == RoleKind::Listener));
        let apns = select(&["apns".into()]).unwrap();
        assert_eq!(apns.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), [APNS, APNS_SANDBOX]);
        let one = select(&[listener(Region::Emea)]).unwrap();
        assert_eq!(one[0].host, "eu-west-1.listener.example.test");
        let dc = select(&["ldap".into(), "adcs".into()]).unwrap();
        assert_eq!(dc.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), [ADCS], "an alias and its role serve once");
        let sta = select(&["gateway".into(), "xms".into(), "sta".into()]).unwrap();
        assert_eq!(sta.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), [XMS, GATEWAY]);
        let e = select(&["exchange".into(), "nope".into()]).unwrap_err();
        assert_eq!(e.name, "nope");
        assert!(e.known.contains(&"seg".to_string()) && e.known.contains(&"ens".to_string()));
    }

    #[test]
    fn other_hosts_get_qualified_names() {
        assert_eq!(exchange_on(defaults::EXCHANGE_HOST), EXCHANGE);
        assert_eq!(exchange_on("ews.example.test"), "exchange.ews.example.test");
        assert_eq!(seg_on(defaults::SEG_HOST), SEG);
        assert_eq!(seg_on("seg2.example.test"), "seg.seg2.example.test");
    }

    #[test]
    fn target_names_pick_a_protocol_of_a_role_serving_several() {
        let eas = target("exchange.eas").unwrap();
        assert_eq!((eas.role.name.as_str(), eas.protocols.as_slice()), (EXCHANGE, &[Protocol::ActiveSync][..]));
        assert_eq!(target("exchange").unwrap().protocols, [Protocol::Ews, Protocol::ActiveSync]);
        assert_eq!(target("seg.ews").unwrap().protocols, [Protocol::Ews]);
        assert_eq!(target(&listener(Region::Emea)).unwrap().role.kind, RoleKind::Listener);
        assert_eq!(target("apns.sandbox").unwrap().protocols, [Protocol::ApnsProvider]);
        for bad in ["exchange.smtp", "traveler.eas", "nope", "listener"] {
            let e = target(bad).unwrap_err();
            assert_eq!(e.name, bad);
            assert!(e.known.contains(&"exchange.eas".to_string()) && e.known.contains(&"traveler".to_string()), "{e}");
        }
    }
}
