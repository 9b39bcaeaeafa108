//! Authentication of the EWS virtual directory, answering the way IIS does for the methods the
//! configuration enables: Basic, NTLM, Negotiate (Kerberos, or NTLM inside Negotiate),
//! client-certificate mapping by UPN, and OAuth Bearer tokens.
//!
//! A 401 carries one `WWW-Authenticate` line per enabled scheme, in IIS order: Negotiate,
//! NTLM, Basic, Bearer. NTLM state belongs to the TCP connection ([`ConnInfo::id`]): the
//! CHALLENGE is sent on one connection and only an AUTHENTICATE on that connection is checked
//! against it; a connection that completed NTLM stays authenticated (HTTP.sys credential
//! caching). Bad input gets 400 and never disturbs another connection's state.

use super::mailbox::User;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use mailconform_auth::challenge::{self, AuthMethod, Challenge, Scheme};
use mailconform_auth::ntlm::{NtlmAcceptor, ServerIdentity, Step};
use mailconform_auth::spnego::{self, NegotiateToken};
use mailconform_auth::{AuthError, Keytab, OAuthTrust};
use mailconform_sim::http::response;
use mailconform_sim::{ConnInfo, FakeEnv, Request, Response};
use std::sync::Mutex;

/// Authorization values longer than this are refused with 400, as HTTP.sys refuses a request
/// whose headers exceed its 16 KB field limit (MaxFieldLength).
pub(crate) const MAX_AUTHORIZATION: usize = 16 * 1024;

/// Exchange Online's application id, which its Bearer challenge names as `client_id`.
const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";

/// Who a request authenticated as, how, and a header to add to the answer (the final
/// Negotiate token of mutual authentication).
pub(crate) struct Authenticated {
    pub(crate) user: User,
    pub(crate) method: AuthMethod,
    pub(crate) reply: Option<(http::HeaderName, String)>,
}

/// The EWS directory's authentication settings and state.
pub(crate) struct EwsAuth {
    methods: Mutex<Vec<AuthMethod>>,
    oauth: Mutex<Option<OAuthTrust>>,
    keytab: Option<Keytab>,
    ntlm: NtlmAcceptor,
}

impl EwsAuth {
    pub(crate) fn new(methods: Vec<AuthMethod>, oauth: Option<OAuthTrust>, keytab: Option<Keytab>, identity: ServerIdentity) -> Self {
        EwsAuth { methods: Mutex::new(challenge::normalize(methods)), oauth: Mutex::new(oauth), keytab, ntlm: NtlmAcceptor::new(identity) }
    }

    pub(crate) fn methods(&self) -> Vec<AuthMethod> {
        self.methods.lock().expect("auth poisoned").clone()
    }

    pub(crate) fn set_methods(&self, methods: Vec<AuthMethod>) {
        *self.methods.lock().expect("auth poisoned") = challenge::normalize(methods);
    }

    pub(crate) fn oauth(&self) -> Option<OAuthTrust> {
        self.oauth.lock().expect("auth poisoned").clone()
    }

    pub(crate) fn set_oauth(&self, trust: Option<OAuthTrust>) {
        *self.oauth.lock().expect("auth poisoned") = trust;
    }

    pub(crate) fn keytab(&self) -> Option<&Keytab> {
        self.keytab.as_ref()
    }
}

/// What IIS sends for a request it does not accept, with the challenges of `methods`.
/// `bearer_error` marks a rejected token (RFC 6750 `error="invalid_token"`).
pub(crate) fn unauthorized(methods: &[AuthMethod], host: &str, oauth: Option<&OAuthTrust>, bearer_error: Option<&AuthError>) -> Response {
    let mut r = response(401, "text/html", "<html><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>");
    for c in challenges(methods, host, oauth, bearer_error) {
        if let Ok(v) = c.to_string().parse() {
            r.headers_mut().append(http::header::WWW_AUTHENTICATE, v);
        }
    }
    r.headers_mut().insert("x-feserver", "EXCH01".parse().expect("static"));
    r
}

/// The challenges of `methods`, in IIS order.
pub(crate) fn challenges(
    methods: &[AuthMethod],
    host: &str,
    oauth: Option<&OAuthTrust>,
    bearer_error: Option<&AuthError>,
) -> Vec<Challenge> {
    let mut out = Vec::new();
    for m in challenge::normalize(methods.to_vec()) {
        match m {
            AuthMethod::Negotiate => out.push(Challenge::bare(Scheme::Negotiate)),
            AuthMethod::Ntlm => out.push(Challenge::bare(Scheme::Ntlm)),
            AuthMethod::Basic => out.push(Challenge::with_params(Scheme::Basic, &[("realm", host)])),
            AuthMethod::OAuth => {
                let mut c = Challenge::with_params(Scheme::Bearer, &[("client_id", EXCHANGE_APP_ID)]);
                if let Some(t) = oauth {
                    c.params.push(("trusted_issuers".into(), t.issuer.clone()));
                    c.params.push(("authorization_uri".into(), format!("{}/oauth2/authorize", t.issuer.trim_end_matches('/'))));
                }
                if let Some(e) = bearer_error {
                    c.params.push(("error".into(), "invalid_token".into()));
                    c.params.push(("error_description".into(), e.to_string()));
                }
                out.push(c);
            }
            AuthMethod::Certificate => {}
        }
    }
    out
}

fn bad_request(what: &str) -> Box<Response> {
    Box::new(response(400, "text/html", format!("<html><body><h2>Bad Request</h2><p>HTTP Error 400. {what}</p></body></html>")))
}

/// The continuation of a handshake: 401 with only this scheme's token.
fn continue_with(scheme: Scheme, token: &[u8]) -> Box<Response> {
    let mut r = response(401, "text/html", "<html><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>");
    let c = Challenge::with_token(scheme, B64.encode(token));
    r.headers_mut().insert(http::header::WWW_AUTHENTICATE, c.to_string().parse().expect("base64 is a valid header value"));
    Box::new(r)
}

/// The user `req` authenticates as on connection `conn`, or the answer IIS gives.
pub(crate) fn authenticate(
    auth: &EwsAuth,
    env: &FakeEnv,
    users: &[User],
    host: &str,
    req: &Request,
    conn: &ConnInfo,
) -> Result<Authenticated, Box<Response>> {
    let methods = auth.methods();
    let oauth = auth.oauth();
    let refuse = |bearer_error: Option<&AuthError>| Box::new(unauthorized(&methods, host, oauth.as_ref(), bearer_error));
    let find = |name: &str| users.iter().find(|u| u.answers_to(name)).cloned();
    let ok = |user: User, method: AuthMethod| Ok(Authenticated { user, method, reply: None });

    let header = req.headers().get(http::header::AUTHORIZATION);
    if header.is_some_and(|h| h.len() > MAX_AUTHORIZATION) {
        return Err(bad_request("The size of the request headers is too long."));
    }
    if methods.contains(&AuthMethod::Certificate) {
        if let Some(cert) = conn.peer_certificates.first() {
            // The TLS layer already checked the chain; IIS maps the certificate's UPN to an account.
            if let Some(user) = mailconform_auth::certificate::upn(cert).ok().flatten().and_then(|upn| find(&upn)) {
                return ok(user, AuthMethod::Certificate);
            }
            // A certificate that maps to nobody: with other methods enabled IIS challenges for them.
            if header.is_none() && methods == [AuthMethod::Certificate] {
                return Err(Box::new(response(
                    403,
                    "text/html",
                    "<html><body>403.16 - Forbidden: Client certificate is untrusted or invalid.</body></html>",
                )));
            }
        } else if header.is_none() && methods == [AuthMethod::Certificate] {
            return Err(Box::new(response(403, "text/html", "<html><body>403.7 - Forbidden: Client certificate required.</body></html>")));
        }
    }
    let windows = methods.contains(&AuthMethod::Ntlm) || methods.contains(&AuthMethod::Negotiate);
    let Some(header) = header else {
        if windows {
            if let Some(id) = auth.ntlm.authenticated(conn.id) {
                if let Some(u) = find(&id.qualified()).or_else(|| find(&id.user)) {
                    return ok(u, AuthMethod::Ntlm);
                }
            }
        }
        return Err(refuse(None));
    };
    let Ok(value) = header.to_str() else { return Err(bad_request("The Authorization header is not ASCII.")) };
    // A value that is not one credential names no scheme IIS knows: it challenges again.
    let Ok(cred) = challenge::parse_authorization(value) else { return Err(refuse(None)) };
    let enabled = |m: AuthMethod| methods.contains(&m);
    match cred.scheme {
        Scheme::Basic if enabled(AuthMethod::Basic) => {
            let decoded = cred.decoded_token().map_err(|_| bad_request("Malformed Basic credentials."))?;
            let text = String::from_utf8_lossy(&decoded);
            let Some((name, password)) = text.split_once(':') else { return Err(refuse(None)) };
            match users.iter().find(|u| u.answers_to(name) && u.password == password) {
                Some(u) => ok(u.clone(), AuthMethod::Basic),
                None => Err(refuse(None)),
            }
        }
        Scheme::Ntlm if enabled(AuthMethod::Ntlm) => {
            let token = cred.decoded_token().map_err(|e| bad_request(&e.to_string()))?;
            ntlm(auth, env, users, conn, &token, Scheme::Ntlm, false, AuthMethod::Ntlm).map_err(|e| e.unwrap_or_else(|| refuse(None)))
        }
        Scheme::Negotiate if enabled(AuthMethod::Negotiate) => {
            let token = cred.decoded_token().map_err(|e| bad_request(&e.to_string()))?;
            match spnego::classify(&token) {
                Err(e) => Err(bad_request(&e.to_string())),
                // Negotiate falls back to NTLM when the client has no Kerberos ticket.
                Ok(NegotiateToken::Ntlm { message, wrapped }) => {
                    ntlm(auth, env, users, conn, &message, Scheme::Negotiate, wrapped, AuthMethod::Negotiate)
                        .map_err(|e| e.unwrap_or_else(|| refuse(None)))
                }
                Ok(NegotiateToken::Kerberos(ap_req)) => {
                    let Some(keytab) = auth.keytab() else { return Err(refuse(None)) };
                    let now = env.clock.unix_secs();
                    match keytab.accept(&ap_req, now) {
                        Ok(ticket) => match find(&ticket.client) {
                            Some(u) => {
                                let done = spnego::neg_token_resp(spnego::state::ACCEPT_COMPLETED, Some(spnego::Mech::Kerberos), None);
                                Ok(Authenticated {
                                    user: u,
                                    method: AuthMethod::Negotiate,
                                    reply: Some((http::header::WWW_AUTHENTICATE, format!("Negotiate {}", B64.encode(done)))),
                                })
                            }
                            None => Err(refuse(None)),
                        },
                        Err(AuthError::TicketMalformed(m)) => Err(bad_request(&format!("Malformed Kerberos ticket: {m}"))),
                        Err(_) => Err(refuse(None)),
                    }
                }
            }
        }
        Scheme::Bearer if enabled(AuthMethod::OAuth) => {
            let token = cred.token.clone().unwrap_or_default();
            let Some(trust) = oauth.as_ref() else { return Err(refuse(None)) };
            match trust.verify(&token, env.clock.unix_secs()) {
                Ok(t) => match find(&t.user) {
                    Some(u) => ok(u, AuthMethod::OAuth),
                    None => Err(refuse(Some(&AuthError::JwtNoUser))),
                },
                Err(e) => Err(refuse(Some(&e))),
            }
        }
        // A scheme that is not enabled is ignored: the client is challenged again.
        _ => Err(refuse(None)),
    }
}

/// One NTLM leg. `Err(None)` is "401 with the full challenge set".
#[allow(clippy::too_many_arguments)]
fn ntlm(
    auth: &EwsAuth,
    env: &FakeEnv,
    users: &[User],
    conn: &ConnInfo,
    token: &[u8],
    scheme: Scheme,
    wrapped: bool,
    method: AuthMethod,
) -> Result<Authenticated, Option<Box<Response>>> {
    let password = |user: &str, domain: &str| {
        let name = if domain.is_empty() { user.to_string() } else { format!("{domain}\\{user}") };
        users
            .iter()
            .find(|u| u.answers_to(&name) || (u.answers_to(user) && u.domain.eq_ignore_ascii_case(domain)))
            .map(|u| u.password.clone())
    };
    let mut server_challenge = [0u8; 8];
    server_challenge.copy_from_slice(&env.rng.bytes(8));
    match auth.ntlm.step(conn.id, token, server_challenge, env.clock.unix_millis(), password) {
        Ok(Step::Challenge(type2)) => {
            let token = if wrapped {
                spnego::neg_token_resp(spnego::state::ACCEPT_INCOMPLETE, Some(spnego::Mech::Ntlm), Some(&type2))
            } else {
                type2
            };
            Err(Some(continue_with(scheme, &token)))
        }
        Ok(Step::Authenticated(id)) => {
            let name = id.qualified();
            let user = users.iter().find(|u| u.answers_to(&name) || u.answers_to(&id.user)).cloned().ok_or(None)?;
            let reply = wrapped.then(|| {
                (
                    http::header::WWW_AUTHENTICATE,
                    format!("Negotiate {}", B64.encode(spnego::neg_token_resp(spnego::state::ACCEPT_COMPLETED, None, None))),
                )
            });
            Ok(Authenticated { user, method, reply })
        }
        Err(e @ (AuthError::NtlmMalformed(_) | AuthError::NtlmUnexpected { .. } | AuthError::NtlmVersion(_))) => {
            Err(Some(bad_request(&e.to_string())))
        }
        Err(_) => Err(None),
    }
}
