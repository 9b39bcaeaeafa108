//! The directory over LDAPv3 (RFC 4511, messages by `ldap3_proto`), as Active Directory answers
//! what Secure Mail asks: a simple bind as a domain user (or anonymous), then a search of the
//! base DN for a recipient's `mail`, reading `userCertificate;binary` (RFC 4523). A search
//! before any bind is refused as AD refuses it unless anonymous access is allowed. With a
//! certificate it also speaks LDAP over TLS: StartTLS on the LDAP port (RFC 4511 §4.14) and
//! LDAPS, TLS from the first byte, on a port of its own ([`LdapServer::ldaps`], 636).

use super::{dn, Directory, BASE_DN};
use crate::traveler::Person;
use futures::{SinkExt, StreamExt};
use ldap3_proto::proto::{
    LdapBindCred, LdapBindRequest, LdapBindResponse, LdapFilter, LdapMsg, LdapOp, LdapPartialAttribute, LdapResult, LdapResultCode,
    LdapSearchRequest, LdapSearchResultEntry, LdapSearchScope,
};
use ldap3_proto::LdapCodec;
use mailconform_sim::{BoxIo, ServiceFuture, StreamService};
use std::sync::Arc;
use tokio_util::codec::Framed;

/// The largest message the server reads (a request, not a certificate upload).
const MAX_REQUEST: usize = 64 * 1024;

/// AD's answer to a search on a connection that has not bound.
pub const BIND_FIRST: &str =
    "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563";

/// The StartTLS extended operation's name (RFC 4511 §4.14.1).
pub const START_TLS: &str = "1.3.6.1.4.1.1466.20037";

/// The LDAP port of the directory.
pub struct LdapServer {
    directory: Arc<Directory>,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

impl LdapServer {
    /// Serves `directory` over plain LDAP only (StartTLS answered `unavailable`).
    pub fn new(directory: Arc<Directory>) -> Arc<Self> {
        Arc::new(LdapServer { directory, tls: None })
    }

    /// Serves `directory`, with StartTLS and LDAPS under `tls`'s certificate.
    pub fn with_tls(directory: Arc<Directory>, tls: Arc<rustls::ServerConfig>) -> Arc<Self> {
        Arc::new(LdapServer { directory, tls: Some(tokio_rustls::TlsAcceptor::from(tls)) })
    }

    /// The same directory over LDAPS: TLS from the first byte, then LDAP.
    pub fn ldaps(self: &Arc<Self>) -> Arc<Ldaps> {
        Arc::new(Ldaps(self.clone()))
    }

    async fn session(&self, io: BoxIo) {
        let mut framed = Framed::new(io, LdapCodec::new(Some(MAX_REQUEST)));
        let mut bound = false;
        while let Some(Ok(msg)) = framed.next().await {
            let id = msg.msgid;
            if let LdapOp::ExtendedRequest(req) = &msg.op {
                if req.name == START_TLS {
                    framed = match self.start_tls(id, framed).await {
                        Some(upgraded) => upgraded,
                        None => return,
                    };
                    continue;
                }
            }
            let answers = match msg.op {
                LdapOp::BindRequest(req) => {
                    let (ok, res) = self.bind(&req);
                    bound = ok;
                    vec![LdapOp::BindResponse(LdapBindResponse { res, saslcreds: None })]
                }
                LdapOp::SearchRequest(req) if bound || self.directory.anonymous_search() => self.search(&req),
                LdapOp::SearchRequest(_) => vec![LdapOp::SearchResultDone(result(LdapResultCode::OperationsError, BIND_FIRST))],
                LdapOp::UnbindRequest => return,
                _ => vec![LdapOp::ExtendedResponse(ldap3_proto::proto::LdapExtendedResponse {
                    res: result(LdapResultCode::UnwillingToPerform, "this directory answers bind, search and unbind only"),
                    name: None,
                    value: None,
                })],
            };
            for op in answers {
                if framed.send(LdapMsg::new(id, op)).await.is_err() {
                    return;
                }
            }
        }
    }

    /// Answers StartTLS and runs the TLS handshake on the same connection; `None` when the
    /// connection ended. Without a certificate the answer is `unavailable` and LDAP goes on
    /// in the clear.
    async fn start_tls(&self, id: i32, mut framed: Framed<BoxIo, LdapCodec>) -> Option<Framed<BoxIo, LdapCodec>> {
        let response = |code, message: &str| {
            LdapMsg::new(
                id,
                LdapOp::ExtendedResponse(ldap3_proto::proto::LdapExtendedResponse {
                    res: result(code, message),
                    name: Some(START_TLS.into()),
                    value: None,
                }),
            )
        };
        let Some(acceptor) = &self.tls else {
            framed.send(response(LdapResultCode::Unavailable, "this directory has no certificate for TLS")).await.ok()?;
            return Some(framed);
        };
        framed.send(response(LdapResultCode::Success, "")).await.ok()?;
        let tls = acceptor.accept(framed.into_inner()).await.ok()?;
        Some(Framed::new(Box::new(tls) as BoxIo, LdapCodec::new(Some(MAX_REQUEST))))
    }

    /// A simple bind: anonymous (empty name and password) or a domain user by DN, address or
    /// logon name with its password.
    fn bind(&self, req: &LdapBindRequest) -> (bool, LdapResult) {
        let LdapBindCred::Simple(password) = &req.cred else {
            return (false, result(LdapResultCode::AuthMethodNotSupported, "only simple binds are accepted"));
        };
        if req.dn.is_empty() && password.is_empty() {
            return (false, result(LdapResultCode::Success, ""));
        }
        match self.directory.person(&req.dn) {
            Some(p) if &p.http_password == password => (true, result(LdapResultCode::Success, "")),
            _ => (
                false,
                result(
                    LdapResultCode::InvalidCredentials,
                    "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563",
                ),
            ),
        }
    }

    fn search(&self, req: &LdapSearchRequest) -> Vec<LdapOp> {
        let base = req.base.to_ascii_lowercase();
        if !base.ends_with(&BASE_DN.to_ascii_lowercase()) {
            return vec![LdapOp::SearchResultDone(LdapResult {
                code: LdapResultCode::NoSuchObject,
                matcheddn: String::new(),
                message: format!(
                    "0000208D: NameErr: DSID-0310021B, problem 2001 (NO_OBJECT), the base {} is not under {BASE_DN}",
                    req.base
                ),
                referral: Vec::new(),
            })];
        }
        let mut out: Vec<LdapOp> = self
            .directory
            .people()
            .iter()
            .filter(|p| in_scope(&dn(p), &base, &req.scope))
            .map(|p| (p, self.attributes(p)))
            .filter(|(_, attrs)| matches(&req.filter, attrs))
            .map(|(p, attrs)| LdapOp::SearchResultEntry(LdapSearchResultEntry { dn: dn(p), attributes: selected(attrs, &req.attrs) }))
            .collect();
        out.push(LdapOp::SearchResultDone(result(LdapResultCode::Success, "")));
        out
    }

    /// Every attribute of `p`'s entry (an attribute without values is left out, as LDAP does).
    fn attributes(&self, p: &Person) -> Vec<LdapPartialAttribute> {
        let text = |atype: &str, vals: &[&str]| LdapPartialAttribute {
            atype: atype.into(),
            vals: vals.iter().map(|v| v.as_bytes().to_vec()).collect(),
        };
        let cn = format!("{} {}", p.first_name, p.last_name);
        let mut attrs = vec![
            text("objectClass", &["top", "person", "organizationalPerson", "user"]),
            text("cn", &[&cn]),
            text("sAMAccountName", &[&p.short_name]),
            text("userPrincipalName", &[&p.internet_address]),
            text("mail", &[&p.internet_address]),
        ];
        let certs: Vec<Vec<u8>> = self.directory.certificates(p).iter().filter_map(|c| c.to_der().ok()).collect();
        if !certs.is_empty() {
            attrs.push(LdapPartialAttribute { atype: "userCertificate".into(), vals: certs });
        }
        attrs
    }
}

impl StreamService for LdapServer {
    fn serve(self: Arc<Self>, io: BoxIo) -> ServiceFuture {
        Box::pin(async move { self.session(io).await })
    }
}

/// The directory over LDAPS (its own port, 636).
pub struct Ldaps(Arc<LdapServer>);

impl StreamService for Ldaps {
    fn serve(self: Arc<Self>, io: BoxIo) -> ServiceFuture {
        Box::pin(async move {
            let Some(acceptor) = self.0.tls.clone() else { return };
            if let Ok(tls) = acceptor.accept(io).await {
                self.0.session(Box::new(tls)).await;
            }
        })
    }
}

fn result(code: LdapResultCode, message: &str) -> LdapResult {
    LdapResult { code, matcheddn: String::new(), message: message.into(), referral: Vec::new() }
}

/// The attribute's name without options (`userCertificate;binary` is `usercertificate`).
fn base_name(atype: &str) -> String {
    atype.split(';').next().unwrap_or(atype).to_ascii_lowercase()
}

fn in_scope(entry: &str, base: &str, scope: &LdapSearchScope) -> bool {
    let entry = entry.to_ascii_lowercase();
    match scope {
        LdapSearchScope::Base => entry == base,
        LdapSearchScope::OneLevel => entry.split_once(',').is_some_and(|(_, parent)| parent == base),
        LdapSearchScope::Subtree => entry == base || entry.ends_with(&format!(",{base}")),
        LdapSearchScope::Children => entry.ends_with(&format!(",{base}")),
    }
}

fn values<'a>(attrs: &'a [LdapPartialAttribute], name: &str) -> Vec<&'a [u8]> {
    let name = base_name(name);
    attrs.iter().filter(|a| base_name(&a.atype) == name).flat_map(|a| a.vals.iter().map(Vec::as_slice)).collect()
}

fn matches(filter: &LdapFilter, attrs: &[LdapPartialAttribute]) -> bool {
    let text = |v: &[u8]| String::from_utf8_lossy(v).to_ascii_lowercase();
    match filter {
        LdapFilter::And(all) => all.iter().all(|f| matches(f, attrs)),
        LdapFilter::Or(any) => any.iter().any(|f| matches(f, attrs)),
        LdapFilter::Not(f) => !matches(f, attrs),
        LdapFilter::Equality(a, v) => values(attrs, a).iter().any(|x| text(x) == v.to_ascii_lowercase()),
        LdapFilter::Present(a) => !values(attrs, a).is_empty(),
        LdapFilter::Substring(a, s) => values(attrs, a).iter().any(|x| {
            let x = text(x);
            let mut rest = x.as_str();
            if let Some(i) = &s.initial {
                let Some(r) = rest.strip_prefix(i.to_ascii_lowercase().as_str()) else { return false };
                rest = r;
            }
            for part in &s.any {
                let part = part.to_ascii_lowercase();
                let Some(at) = rest.find(&part) else { return false };
                rest = &rest[at + part.len()..];
            }
            s.final_.as_ref().is_none_or(|f| rest.ends_with(&f.to_ascii_lowercase()))
        }),
        _ => false,
    }
}

/// The requested attributes of an entry, each under the name the request gave
/// (`userCertificate;binary`); all of them for `*` or none requested.
fn selected(attrs: Vec<LdapPartialAttribute>, requested: &[String]) -> Vec<LdapPartialAttribute> {
    if requested.is_empty() || requested.iter().any(|r| r == "*") {
        return attrs;
    }
    requested
        .iter()
        .filter_map(|r| {
            let vals: Vec<Vec<u8>> = values(&attrs, r).into_iter().map(<[u8]>::to_vec).collect();
            (!vals.is_empty()).then(|| LdapPartialAttribute { atype: r.clone(), vals })
        })
        .collect()
}
