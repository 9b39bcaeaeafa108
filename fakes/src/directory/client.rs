//! Secure Mail's LDAP lookup of a recipient's certificates: bind (as the user, or anonymously
//! when the "LDAP anonymous access" policy says so), search the base DN for the address, read
//! `userCertificate;binary` (seed 002, "Configuration de sources de certificat public").

use futures::{SinkExt, StreamExt};
use ldap3_proto::proto::{
    LdapBindCred, LdapBindRequest, LdapDerefAliases, LdapFilter, LdapMsg, LdapOp, LdapResultCode, LdapSearchRequest, LdapSearchScope,
};
use ldap3_proto::LdapCodec;
use mailconform_sim::HttpClient;
use openssl::x509::X509;
use std::time::Duration;
use tokio_util::codec::Framed;

/// How long a lookup may take before it counts as failed.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a lookup gave no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The LDAP server could not be reached.
    #[error("the LDAP server {server} cannot be reached: {reason}")]
    Unreachable {
        /// `host:port`.
        server: String,
        /// Why.
        reason: String,
    },
    /// The bind was refused.
    #[error("the LDAP server refused the bind as {who}: {message}")]
    Bind {
        /// Who bound.
        who: String,
        /// The server's diagnostic message.
        message: String,
    },
    /// The search was refused.
    #[error("the LDAP server refused the search ({code:?}): {message}")]
    Search {
        /// The result code.
        code: String,
        /// The server's diagnostic message.
        message: String,
    },
    /// The server answered out of protocol, or closed the connection.
    #[error("the LDAP server answered out of protocol: {0}")]
    Protocol(String),
    /// No answer within [`LOOKUP_TIMEOUT`].
    #[error("the LDAP server did not answer within {} s", LOOKUP_TIMEOUT.as_secs())]
    TimedOut,
}

/// How the connection to the directory is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LdapSecurity {
    /// Plain LDAP (`ldap://`, port 389).
    Plain,
    /// StartTLS on the LDAP port before anything else.
    StartTls,
    /// LDAPS: TLS from the first byte (`ldaps://`, port 636).
    Ldaps,
}

/// Where and how Secure Mail looks recipients up: its LDAP policies.
#[derive(Clone)]
pub struct LdapLookup {
    /// Reaches the server.
    pub http: HttpClient,
    /// "LDAP server address": host.
    pub host: String,
    /// Its port (389).
    pub port: u16,
    /// "LDAP base DN".
    pub base_dn: String,
    /// Who binds: `None` for anonymous access, else the user's name and password.
    pub bind: Option<(String, String)>,
    /// How the connection is protected.
    pub security: LdapSecurity,
    /// The clock certificates are checked against.
    pub clock: mailconform_sim::Clock,
}

impl LdapLookup {
    /// A lookup at the directory an "LDAP server address" policy names (see [`Self::address`]),
    /// under `base_dn`, bound as `bind` (`None`: anonymously).
    pub fn at(http: HttpClient, address: &str, base_dn: &str, bind: Option<(String, String)>, clock: mailconform_sim::Clock) -> Self {
        let (host, port, security) = Self::address(address);
        LdapLookup { http, host, port, base_dn: base_dn.to_string(), bind, security, clock }
    }

    /// The host, port and protection an "LDAP server address" policy names: `host:port`,
    /// `ldap://host[:port]` or `ldaps://host[:port]` (ports 389 and 636 by default).
    pub fn address(policy: &str) -> (String, u16, LdapSecurity) {
        let (security, rest) = match policy.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("ldaps") => (LdapSecurity::Ldaps, rest),
            Some((_, rest)) => (LdapSecurity::Plain, rest),
            None => (LdapSecurity::Plain, policy),
        };
        let rest = rest.trim_end_matches('/');
        let default = if security == LdapSecurity::Ldaps { 636 } else { 389 };
        match rest.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), port.parse().unwrap_or(default), security),
            None => (rest.to_string(), default, security),
        }
    }

    async fn tls(&self, io: mailconform_sim::BoxIo) -> Result<mailconform_sim::BoxIo, LookupError> {
        let server = format!("{}:{}", self.host, self.port);
        let failed = |reason: String| LookupError::Unreachable { server: server.clone(), reason };
        let cfg =
            mailconform_sim::tls::client_config(self.http.roots().clone(), None, &self.clock, &[]).map_err(|e| failed(e.to_string()))?;
        let name = rustls_pki_types::ServerName::try_from(self.host.clone()).map_err(|e| failed(e.to_string()))?;
        let tls = tokio_rustls::TlsConnector::from(cfg).connect(name, io).await.map_err(|e| failed(format!("TLS failed: {e}")))?;
        Ok(Box::new(tls))
    }
}

impl LdapLookup {
    /// The certificates in the `userCertificate` of the entry whose `mail` is `email` (none when
    /// there is no such entry or the attribute is empty).
    pub async fn user_certificates(&self, email: &str) -> Result<Vec<X509>, LookupError> {
        tokio::time::timeout(LOOKUP_TIMEOUT, self.lookup(email)).await.unwrap_or(Err(LookupError::TimedOut))
    }

    async fn lookup(&self, email: &str) -> Result<Vec<X509>, LookupError> {
        let server = format!("{}:{}", self.host, self.port);
        let io = self
            .http
            .open_stream(&self.host, self.port)
            .await
            .map_err(|e| LookupError::Unreachable { server: server.clone(), reason: e.to_string() })?;
        let io = match self.security {
            LdapSecurity::Ldaps => self.tls(io).await?,
            _ => io,
        };
        let mut conn = Framed::new(io, LdapCodec::default());
        let closed = || LookupError::Protocol("the connection closed".into());
        if self.security == LdapSecurity::StartTls {
            let start = ldap3_proto::proto::LdapExtendedRequest { name: super::ldap::START_TLS.into(), value: None };
            conn.send(LdapMsg::new(9, LdapOp::ExtendedRequest(start))).await.map_err(|e| LookupError::Protocol(e.to_string()))?;
            match conn.next().await.ok_or_else(closed)?.map_err(|e| LookupError::Protocol(e.to_string()))?.op {
                LdapOp::ExtendedResponse(r) if r.res.code == LdapResultCode::Success => {}
                LdapOp::ExtendedResponse(r) => {
                    return Err(LookupError::Search { code: format!("{:?}", r.res.code), message: r.res.message })
                }
                other => return Err(LookupError::Protocol(format!("{other:?} in answer to StartTLS"))),
            }
            conn = Framed::new(self.tls(conn.into_inner()).await?, LdapCodec::default());
        }
        if let Some((who, password)) = &self.bind {
            let bind = LdapBindRequest { dn: who.clone(), cred: LdapBindCred::Simple(password.clone()) };
            conn.send(LdapMsg::new(1, LdapOp::BindRequest(bind))).await.map_err(|e| LookupError::Protocol(e.to_string()))?;
            match conn.next().await.ok_or_else(closed)?.map_err(|e| LookupError::Protocol(e.to_string()))?.op {
                LdapOp::BindResponse(r) if r.res.code == LdapResultCode::Success => {}
                LdapOp::BindResponse(r) => return Err(LookupError::Bind { who: who.clone(), message: r.res.message }),
                other => return Err(LookupError::Protocol(format!("{other:?} in answer to a bind"))),
            }
        }
        let search = LdapSearchRequest {
            base: self.base_dn.clone(),
            scope: LdapSearchScope::Subtree,
            aliases: LdapDerefAliases::Never,
            sizelimit: 10,
            timelimit: 30,
            typesonly: false,
            filter: LdapFilter::And(vec![
                LdapFilter::Equality("objectClass".into(), "user".into()),
                LdapFilter::Equality("mail".into(), email.into()),
            ]),
            attrs: vec!["userCertificate;binary".into()],
        };
        conn.send(LdapMsg::new(2, LdapOp::SearchRequest(search))).await.map_err(|e| LookupError::Protocol(e.to_string()))?;
        let mut certs = Vec::new();
        loop {
            match conn.next().await.ok_or_else(closed)?.map_err(|e| LookupError::Protocol(e.to_string()))?.op {
                LdapOp::SearchResultEntry(entry) => {
                    for value in entry.attributes.iter().flat_map(|a| a.vals.iter()) {
                        let cert = X509::from_der(value)
                            .map_err(|e| LookupError::Protocol(format!("a userCertificate value does not parse: {e}")))?;
                        certs.push(cert);
                    }
                }
                LdapOp::SearchResultReference(_) => {}
                LdapOp::SearchResultDone(r) if r.code == LdapResultCode::Success => break,
                LdapOp::SearchResultDone(r) => return Err(LookupError::Search { code: format!("{:?}", r.code), message: r.message }),
                other => return Err(LookupError::Protocol(format!("{other:?} in answer to a search"))),
            }
        }
        let _ = conn.send(LdapMsg::new(3, LdapOp::UnbindRequest)).await;
        Ok(certs)
    }
}

#[cfg(test)]
mod tests {
    use super::super::ldap::{LdapServer, BIND_FIRST};
    use super::super::{Directory, BASE_DN};
    use super::*;
    use mailconform_smime::authority::{CertificateAuthority, Template};
    use std::sync::Arc;

    struct Dc {
        sim: mailconform_sim::Simulation,
        directory: Arc<Directory>,
        gate: mailconform_sim::FaultGate,
    }

    fn dc(anonymous: bool) -> Dc {
        let mut sim = mailconform_sim::Simulation::new(5).unwrap();
        let directory = Arc::new(Directory::new(crate::deployment::default_people(), anonymous));
        let adcs = {
            let _rt = sim.enter();
            crate::adcs::AdCs::new(crate::deployment::env(&sim, "adcs"), directory.clone(), mailconform_smime::KeySource::kept(1)).unwrap()
        };
        let gate = sim.add_host("adcs", "ad.example.test", Arc::new(adcs), mailconform_sim::tls::ClientAuth::None, false).unwrap();
        let leaf = sim.pki.ca.server_leaf(&["ad.example.test"], sim.clock.offset_date_time()).unwrap();
        let tls = mailconform_sim::tls::server_config(&leaf, mailconform_sim::tls::ClientAuth::None, &sim.clock, &[]).unwrap();
        let server = LdapServer::with_tls(directory.clone(), tls);
        mailconform_sim::Hosting::add_service(&mut sim, "adcs", "ldap", 389, server.clone()).unwrap();
        mailconform_sim::Hosting::add_service(&mut sim, "adcs", "ldaps", 636, server.ldaps()).unwrap();
        Dc { sim, directory, gate }
    }

    impl Dc {
        fn lookup(&self, email: &str, bind: Option<(&str, &str)>) -> Result<Vec<X509>, LookupError> {
            self.lookup_over(LdapSecurity::Plain, email, bind)
        }

        fn lookup_over(&self, security: LdapSecurity, email: &str, bind: Option<(&str, &str)>) -> Result<Vec<X509>, LookupError> {
            let port = if security == LdapSecurity::Ldaps { 636 } else { 389 };
            let l = LdapLookup {
                http: self.sim.client(),
                host: "ad.example.test".into(),
                port,
                base_dn: BASE_DN.into(),
                bind: bind.map(|(u, p)| (u.to_string(), p.to_string())),
                security,
                clock: self.sim.clock.clone(),
            };
            self.sim.block_on(l.user_certificates(email))
        }
    }

    #[test]
    fn a_bound_search_reads_the_published_certificate() {
        let dc = dc(false);
        let ca = CertificateAuthority::new("Root").unwrap();
        let bob = ca.issue("Bob Sample", "bob@example.test", &Template::encryption("Enc")).unwrap();
        let person = dc.directory.person("bob").unwrap().clone();
        dc.directory.publish(&person, bob.certificate().clone());
        let found = dc.lookup("bob@example.test", Some(("alice@example.test", "alice-pw"))).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].to_der().unwrap(), bob.certificate().to_der().unwrap());
        assert!(dc.lookup("alice@example.test", Some(("alice@example.test", "alice-pw"))).unwrap().is_empty(), "empty attribute");
        assert!(dc.lookup("carol@example.test", Some(("alice@example.test", "alice-pw"))).unwrap().is_empty(), "no entry");
    }

    #[test]
    fn without_a_bind_the_search_is_refused_unless_anonymous_access_is_allowed() {
        let e = dc(false).lookup("bob@example.test", None).unwrap_err();
        assert_eq!(e, LookupError::Search { code: "OperationsError".into(), message: BIND_FIRST.into() });
        assert_eq!(dc(true).lookup("bob@example.test", None).unwrap(), Vec::<X509>::new());
        let e = dc(false).lookup("bob@example.test", Some(("alice@example.test", "guess"))).unwrap_err();
        assert!(matches!(e, LookupError::Bind { .. }), "{e:?}");
    }

    #[test]
    fn ldaps_and_start_tls_carry_the_same_search() {
        let dc = dc(false);
        let ca = CertificateAuthority::new("Root").unwrap();
        let bob = ca.issue("Bob Sample", "bob@example.test", &Template::encryption("Enc")).unwrap();
        let person = dc.directory.person("bob").unwrap().clone();
        dc.directory.publish(&person, bob.certificate().clone());
        for security in [LdapSecurity::Ldaps, LdapSecurity::StartTls] {
            let found = dc.lookup_over(security, "bob@example.test", Some(("alice@example.test", "alice-pw"))).unwrap();
            assert_eq!(found.len(), 1, "{security:?}");
        }
        assert_eq!(LdapLookup::address("ldaps://ad.example.test"), ("ad.example.test".into(), 636, LdapSecurity::Ldaps));
        assert_eq!(LdapLookup::address("ad.example.test:3268"), ("ad.example.test".into(), 3268, LdapSecurity::Plain));
        assert_eq!(LdapLookup::address("ldap://ad.example.test"), ("ad.example.test".into(), 389, LdapSecurity::Plain));
    }

    #[test]
    fn a_cut_off_directory_is_unreachable() {
        let dc = dc(true);
        dc.gate.set(mailconform_sim::Fault::Unreachable);
        assert!(matches!(dc.lookup("bob@example.test", None).unwrap_err(), LookupError::Unreachable { .. }));
    }
}
