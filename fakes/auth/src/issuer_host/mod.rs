//! The fake OAuth issuer as a simulation host (`login.example.test`), so that a client or a
//! gateway can obtain access tokens over HTTP as it would from an identity provider.
//! [`contract`] lists its routes and bodies and holds the typed client.

pub mod contract;

use crate::jwt::{OAuthTrust, TokenIssuer};
use contract::{OAuthErrorBody, Op, OpenIdConfiguration, TokenAnswer, UserAdded, API_ROUTES, CONTROL_ROUTES};
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::{Clock, ConnInfo, HandlerFuture, Journal, PageQuery, Request, Response, SharedHandler};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub use contract::{IssuedToken, IssuerControl};

fn oauth_error(error: &str, description: &str) -> Response {
    reply(400, &OAuthErrorBody { error: error.into(), error_description: description.into() })
}

/// The issuer's HTTP side: its signing key, its users, its log.
pub struct IssuerServer {
    issuer: TokenIssuer,
    base_url: String,
    clock: Clock,
    lifetime_secs: u64,
    users: Mutex<BTreeMap<String, (String, String)>>,
    /// Every token issued, newest [`mailconform_sim::journal::DEFAULT_CAPACITY`] kept.
    issued: Mutex<Journal<IssuedToken>>,
}

impl IssuerServer {
    /// `base_url` is where the host answers (`https://login.example.test`); tokens live an hour.
    pub fn new(issuer: TokenIssuer, base_url: &str, clock: Clock) -> Arc<Self> {
        Arc::new(IssuerServer {
            issuer,
            base_url: base_url.trim_end_matches('/').into(),
            clock,
            lifetime_secs: 3600,
            users: Mutex::default(),
            issued: Mutex::default(),
        })
    }

    /// Registers a user who may use the password grant (UPN matched case-insensitively).
    pub fn add_user(&self, upn: &str, password: &str) {
        self.users.lock().expect("issuer poisoned").insert(upn.to_ascii_lowercase(), (upn.into(), password.into()));
    }

    /// What a resource named `audience` needs to accept this issuer's tokens.
    pub fn trust(&self, audience: &str) -> OAuthTrust {
        self.issuer.trust(audience)
    }

    /// Where a client reaches this host, for the URLs of its OpenID configuration: the
    /// request's own host (a served issuer is reached at an address and port of its machine,
    /// not at its name in the default world), else the base it was made with.
    fn public_base(&self, req: &Request) -> String {
        let host = req
            .uri()
            .authority()
            .map(|a| a.to_string())
            .or_else(|| req.headers().get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string));
        match host {
            Some(host) if !host.is_empty() && !host.contains(['/', ' ']) => format!("https://{host}"),
            _ => self.base_url.clone(),
        }
    }

    fn token(&self, form: &BTreeMap<String, String>) -> Response {
        let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
        if field("grant_type") != "password" {
            return oauth_error("unsupported_grant_type", "this issuer supports grant_type=password");
        }
        let audience = if !field("resource").is_empty() {
            field("resource").to_string()
        } else {
            // A scope names its resource: `https://mail.example.test/EWS.AccessAsUser.All`.
            let scope = field("scope").split(' ').find(|s| s.starts_with("https://")).unwrap_or_default();
            match scope.rfind('/') {
                Some(i) if i > "https://".len() => scope[..i].to_string(),
                _ => scope.to_string(),
            }
        };
        if audience.is_empty() {
            return oauth_error("invalid_request", "name the resource with `scope` (https://host/Scope) or `resource`");
        }
        let user = {
            let users = self.users.lock().expect("issuer poisoned");
            match users.get(&field("username").to_ascii_lowercase()) {
                Some((upn, pw)) if pw == field("password") => upn.clone(),
                _ => return oauth_error("invalid_grant", "AADSTS50126: Error validating credentials due to invalid username or password."),
            }
        };
        let now = self.clock.unix_secs();
        let token = self.issuer.issue(&user, &audience, now, self.lifetime_secs);
        self.issued.lock().expect("issuer poisoned").push(IssuedToken { at: now, user, audience, expires: now + self.lifetime_secs });
        reply(200, &TokenAnswer { access_token: token, token_type: "Bearer".into(), expires_in: self.lifetime_secs })
    }
}

/// `application/x-www-form-urlencoded` fields.
pub fn parse_form(body: &[u8]) -> BTreeMap<String, String> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                },
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

impl SharedHandler for IssuerServer {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let me = self;
        Box::pin(async move {
            let path = req.uri().path();
            let routes = if CONTROL_ROUTES.covers(path) { CONTROL_ROUTES } else { API_ROUTES };
            let op = match routes.find(req.method().as_str(), path) {
                Ok((op, _)) => op,
                Err(answer) => return *answer,
            };
            match op {
                Op::Token => me.token(&parse_form(req.body())),
                Op::Keys => reply(200, &me.issuer.jwks()),
                Op::OpenIdConfiguration => {
                    let base = me.public_base(&req);
                    reply(
                        200,
                        &OpenIdConfiguration {
                            issuer: me.issuer.issuer().to_string(),
                            token_endpoint: format!("{base}{}", contract::TOKEN_PATH),
                            jwks_uri: format!("{base}/discovery/v2.0/keys"),
                            id_token_signing_alg_values_supported: vec!["ES256".into()],
                        },
                    )
                }
                Op::AddUser => match parse::<contract::NewUser>(req.body()) {
                    Ok(u) => {
                        me.add_user(&u.upn, &u.password);
                        reply(201, &UserAdded { upn: u.upn })
                    }
                    Err(answer) => *answer,
                },
                Op::Trust => {
                    let query = parse_form(req.uri().query().unwrap_or_default().as_bytes());
                    match query.get("audience") {
                        Some(a) => reply(200, &me.trust(a)),
                        None => error(400, "add ?audience=https://<resource host>"),
                    }
                }
                Op::Issued => match PageQuery::parse(req.uri().query()) {
                    Ok(q) => reply(200, &me.issued.lock().expect("issuer poisoned").page(&q)),
                    Err(e) => error(400, e),
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Request {
        http::Request::builder()
            .method("POST")
            .uri("/oauth2/v2.0/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(bytes::Bytes::from(body.to_string()))
            .unwrap()
    }

    use mailconform_sim::Handler;

    #[tokio::test]
    async fn password_grant_issues_a_token_for_the_scope_resource() {
        let clock = Clock::simulated();
        let issuer = TokenIssuer::new("https://login.example.test/t/v2.0", "k").unwrap();
        let server = IssuerServer::new(issuer, "https://login.example.test", clock.clone());
        server.add_user("alice@example.test", "alice-pw");
        let trust = server.trust("https://mail.example.test");
        let r = Handler::handle(&server, form("grant_type=password&username=alice%40example.test&password=alice-pw&scope=https%3A%2F%2Fmail.example.test%2FEWS.AccessAsUser.All+offline_access"), ConnInfo::default()).await;
        assert_eq!(r.status(), 200, "{:?}", r.body());
        let v: TokenAnswer = serde_json::from_slice(r.body()).unwrap();
        let t = trust.verify(&v.access_token, clock.unix_secs()).unwrap();
        assert_eq!(t.user, "alice@example.test");
        let r = Handler::handle(
            &server,
            form("grant_type=password&username=alice@example.test&password=nope&resource=https://mail.example.test"),
            ConnInfo::default(),
        )
        .await;
        assert_eq!(r.status(), 400);
        assert!(String::from_utf8_lossy(r.body()).contains("invalid_grant"));
        assert_eq!(Handler::handle(&server, form("grant_type=client_credentials"), ConnInfo::default()).await.status(), 400);
        assert_eq!(parse_form(b"a=%zz&b=%4").get("a").map(String::as_str), Some("%zz"));
    }
}
