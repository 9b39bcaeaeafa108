//! The client side of an identity provider, as Boxer's modern authentication and a resource
//! that trusts the provider use it: OpenID Connect discovery (the provider's configuration,
//! then its signing keys) and the OAuth 2.0 password grant (RFC 6749 §4.3). The same code
//! reaches the fake issuer ([`crate::issuer_host`]) and a real provider (Microsoft Entra ID,
//! Keycloak, ...), so a run can put either under the scenarios.
//!
//! Every answer is checked for what it must be (JSON of the expected shape, or the OAuth
//! error body), and an answer of another kind (a sign-in page, a proxy's error) is an error
//! that names the URL, the status and the content type, never a parse failure deep inside.

use crate::issuer_host::contract::{OAuthErrorBody, OpenIdConfiguration, TokenAnswer};
use crate::jwt::OAuthTrust;
use bytes::Bytes;
use mailconform_sim::{HttpClient, RequestOptions, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;

/// Where OpenID Connect Discovery 1.0 §4 puts the configuration, below the issuer.
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The scope Exchange's EWS asks of an identity provider for the resource `audience`, its
/// delegated permission for a user's mailbox (`https://outlook.office365.com/EWS.AccessAsUser.All`
/// for Exchange Online).
pub fn ews_scope(audience: &str) -> String {
    format!("{}/EWS.AccessAsUser.All", audience.trim_end_matches('/'))
}

/// Why the identity provider could not be used. Each message names the URL and what to check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// No answer: the connection, TLS or the request failed, or the time ran out.
    #[error("{url}: {reason} (check the url, that the provider is up, and the CA it is trusted with)")]
    Unreachable {
        /// What was asked for.
        url: String,
        /// What went wrong on the way.
        reason: String,
    },
    /// An answer that is not the JSON asked for: a sign-in page, a proxy's error, another server.
    #[error("{url} answered HTTP {status} ({content_type}) instead of {what} (check that the url is the provider's issuer, the part before {DISCOVERY_PATH})")]
    NotTheProtocol {
        /// What was asked for.
        url: String,
        /// The answer's status.
        status: u16,
        /// Its `Content-Type`, or "no content type".
        content_type: String,
        /// What was expected (`the OpenID configuration`, `a JWKS`, `a token answer`).
        what: &'static str,
    },
    /// JSON that lacks what the protocol requires of it.
    #[error("{url}: {what} is malformed: {why}")]
    Malformed {
        /// What was asked for.
        url: String,
        /// What it should have been.
        what: &'static str,
        /// What is wrong with it.
        why: String,
    },
    /// The token endpoint refused the grant with an OAuth error (RFC 6749 §5.2).
    #[error("the token endpoint refused the password grant for {user}: {error}: {description} ({})", grant_advice(error))]
    Refused {
        /// The user the grant was for.
        user: String,
        /// The OAuth `error` code (`invalid_grant`, `invalid_client`, ...).
        error: String,
        /// Its `error_description`.
        description: String,
    },
}

impl OidcError {
    /// Whether the provider said the user's credentials are wrong (`invalid_grant`).
    pub fn is_wrong_password(&self) -> bool {
        matches!(self, OidcError::Refused { error, .. } if error == "invalid_grant")
    }
}

/// What to change for an OAuth error code of the token endpoint.
fn grant_advice(error: &str) -> &'static str {
    match error {
        "invalid_grant" => "check the mailbox's login and password",
        "invalid_client" | "unauthorized_client" => {
            "check client_id: the application must exist and be allowed the password grant as a public client"
        }
        "invalid_scope" => "check scope: it must name a resource and permission the provider knows",
        "unsupported_grant_type" => "the provider does not offer the password grant",
        _ => "see the provider's documentation of this error",
    }
}

/// A provider as discovered: its configuration and the keys it signs with.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityProvider {
    /// Its OpenID configuration (issuer, token endpoint, JWKS URI).
    pub configuration: OpenIdConfiguration,
    /// Its JWKS (`{"keys": [...]}`), as published at `jwks_uri`.
    pub jwks: Value,
}

impl IdentityProvider {
    /// What a resource known to the provider as `audience` needs to accept its tokens.
    pub fn trust(&self, audience: &str) -> OAuthTrust {
        OAuthTrust { issuer: self.configuration.issuer.clone(), audience: audience.to_string(), jwks: self.jwks.clone() }
    }

    /// The number of keys it publishes.
    pub fn key_count(&self) -> usize {
        self.jwks["keys"].as_array().map_or(0, Vec::len)
    }
}

/// How users sign in at a real identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// By the password grant, as Boxer does, as an application the provider knows.
    PasswordGrant {
        /// The application (`client_id`).
        client_id: String,
        /// Its secret, for a confidential client.
        client_secret: Option<String>,
    },
    /// By a command of the operator's that prints each user's token (a flow the harness cannot
    /// run itself: multi-factor, device code, a token cache).
    Command(String),
}

impl std::fmt::Display for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignIn::PasswordGrant { client_id, .. } => write!(f, "by the password grant as {client_id}"),
            SignIn::Command(command) => write!(f, "by the command `{command}`"),
        }
    }
}

/// The password grant's request: the client (application) asking, for whom, and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordGrant {
    /// The application's client ID at the provider.
    pub client_id: String,
    /// The application's secret, for a confidential client (RFC 6749 §2.3.1, in the body).
    pub client_secret: Option<String>,
    /// The scopes asked for, space-separated (`https://mail.example.test/EWS.AccessAsUser.All`).
    pub scope: String,
    /// The user's sign-in name (a UPN).
    pub username: String,
    /// The user's password.
    pub password: String,
}

async fn send(http: &HttpClient, request: http::Request<Bytes>, timeout: Duration) -> Result<Response, OidcError> {
    let url = request.uri().to_string();
    let options = RequestOptions { timeout, ..RequestOptions::default() };
    http.send(request, &options).await.map_err(|e| OidcError::Unreachable { url, reason: e.to_string() })
}

/// The answer's body as `T` when it is JSON, else why not.
fn json<T: DeserializeOwned>(url: &str, answer: &Response, what: &'static str) -> Result<T, OidcError> {
    let content_type = answer.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no content type");
    if !content_type.to_ascii_lowercase().contains("json") {
        return Err(OidcError::NotTheProtocol {
            url: url.to_string(),
            status: answer.status().as_u16(),
            content_type: content_type.to_string(),
            what,
        });
    }
    serde_json::from_slice(answer.body()).map_err(|e| OidcError::Malformed { url: url.to_string(), what, why: e.to_string() })
}

/// A GET of JSON that must answer 200.
async fn get_json<T: DeserializeOwned>(http: &HttpClient, url: &str, what: &'static str, timeout: Duration) -> Result<T, OidcError> {
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, "application/json")
        .body(Bytes::new())
        .map_err(|e| OidcError::Unreachable { url: url.to_string(), reason: format!("not a URL: {e}") })?;
    let answer = send(http, request, timeout).await?;
    if answer.status() != http::StatusCode::OK {
        let content_type = answer.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no content type");
        return Err(OidcError::NotTheProtocol {
            url: url.to_string(),
            status: answer.status().as_u16(),
            content_type: content_type.to_string(),
            what,
        });
    }
    json(url, &answer, what)
}

/// Discovers the provider whose issuer URL is `issuer`: its configuration at
/// [`DISCOVERY_PATH`] below it, then its keys at the configuration's `jwks_uri`. Each request
/// gets `timeout`.
pub async fn discover(http: &HttpClient, issuer: &str, timeout: Duration) -> Result<IdentityProvider, OidcError> {
    let url = format!("{}{DISCOVERY_PATH}", issuer.trim_end_matches('/'));
    let configuration: OpenIdConfiguration = get_json(http, &url, "the OpenID configuration", timeout).await?;
    let malformed = |why: &str| OidcError::Malformed { url: url.clone(), what: "the OpenID configuration", why: why.to_string() };
    for (field, value) in
        [("issuer", &configuration.issuer), ("token_endpoint", &configuration.token_endpoint), ("jwks_uri", &configuration.jwks_uri)]
    {
        if !value.starts_with("https://") && !value.starts_with("http://") {
            return Err(malformed(&format!("its {field} {value:?} is not a URL")));
        }
    }
    let jwks: Value = get_json(http, &configuration.jwks_uri, "a JWKS", timeout).await?;
    if !jwks["keys"].is_array() {
        return Err(OidcError::Malformed { url: configuration.jwks_uri.clone(), what: "a JWKS", why: "it has no \"keys\" array".into() });
    }
    Ok(IdentityProvider { configuration, jwks })
}

/// The password grant at `token_endpoint`: the access token, or the provider's refusal.
pub async fn password_grant(
    http: &HttpClient,
    token_endpoint: &str,
    grant: &PasswordGrant,
    timeout: Duration,
) -> Result<TokenAnswer, OidcError> {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "password")
        .append_pair("client_id", &grant.client_id)
        .extend_pairs(grant.client_secret.iter().map(|s| ("client_secret", s)))
        .append_pair("scope", &grant.scope)
        .append_pair("username", &grant.username)
        .append_pair("password", &grant.password)
        .finish();
    let request = http::Request::post(token_endpoint)
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(http::header::ACCEPT, "application/json")
        .body(Bytes::from(form))
        .map_err(|e| OidcError::Unreachable { url: token_endpoint.to_string(), reason: format!("not a URL: {e}") })?;
    let answer = send(http, request, timeout).await?;
    match answer.status().as_u16() {
        200 => {
            let token: TokenAnswer = json(token_endpoint, &answer, "a token answer")?;
            Ok(token)
        }
        400 | 401 => {
            let refusal: OAuthErrorBody = json(token_endpoint, &answer, "a token answer or an OAuth error")?;
            Err(OidcError::Refused { user: grant.username.clone(), error: refusal.error, description: refusal.error_description })
        }
        status => Err(OidcError::NotTheProtocol {
            url: token_endpoint.to_string(),
            status,
            content_type: answer
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("no content type")
                .to_string(),
            what: "a token answer",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issuer_host::IssuerServer;
    use crate::jwt::TokenIssuer;
    use mailconform_sim::tls::ClientAuth;
    use mailconform_sim::{Clock, ConnInfo, Handler, HandlerFuture, Request, SharedHandler, Simulation};
    use std::sync::Arc;

    const ISSUER: &str = "https://login.example.test/tenant/v2.0";

    /// A simulation with `handler` at `host`, and a client of it.
    fn serving(host: &str, handler: Arc<dyn Handler>) -> (Simulation, HttpClient) {
        let mut sim = Simulation::new(7).unwrap();
        sim.add_host("login", host, handler, ClientAuth::None, false).unwrap();
        let http = sim.client();
        (sim, http)
    }

    #[test]
    fn grant_advice_names_what_to_check_for_each_error() {
        let refused = |error: &str| OidcError::Refused { user: "alice".into(), error: error.into(), description: "d".into() }.to_string();
        assert!(refused("invalid_grant").contains("login and password"));
        assert!(refused("invalid_client").contains("client_id"));
        assert!(refused("unauthorized_client").contains("public client"));
        assert!(refused("invalid_scope").contains("check scope"));
        assert!(OidcError::Refused { user: "a".into(), error: "invalid_grant".into(), description: String::new() }.is_wrong_password());
        assert!(!OidcError::Refused { user: "a".into(), error: "invalid_client".into(), description: String::new() }.is_wrong_password());
    }

    #[test]
    fn discovery_and_the_grant_against_the_fake_issuer() {
        let server = IssuerServer::new(TokenIssuer::new(ISSUER, "k1").unwrap(), "https://login.example.test", Clock::simulated());
        server.add_user("alice@example.test", "alice-pw");
        let (sim, http) = serving("login.example.test", Arc::new(server));
        let found = sim.block_on(discover(&http, "https://login.example.test", Duration::from_secs(5))).unwrap();
        assert_eq!(found.configuration.issuer, ISSUER);
        assert_eq!(found.key_count(), 1);
        let grant = PasswordGrant {
            client_id: "app".into(),
            client_secret: None,
            scope: "https://mail.example.test/EWS.AccessAsUser.All".into(),
            username: "alice@example.test".into(),
            password: "alice-pw".into(),
        };
        let endpoint = &found.configuration.token_endpoint;
        let token = sim.block_on(password_grant(&http, endpoint, &grant, Duration::from_secs(5))).unwrap();
        let verified = found.trust("https://mail.example.test").verify(&token.access_token, sim.unix_millis() / 1000).unwrap();
        assert_eq!(verified.user, "alice@example.test");
        let wrong = PasswordGrant { password: "nope".into(), ..grant };
        let e = sim.block_on(password_grant(&http, endpoint, &wrong, Duration::from_secs(5))).unwrap_err();
        assert!(e.is_wrong_password(), "{e}");
    }

    /// A token endpoint that answers with the form it was posted, as the token.
    struct Echo;
    impl SharedHandler for Echo {
        fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
            Box::pin(async move {
                let form = String::from_utf8_lossy(req.body()).into_owned();
                let body = serde_json::json!({"access_token": form, "token_type": "Bearer", "expires_in": 1});
                http::Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(Bytes::from(body.to_string()))
                    .unwrap()
            })
        }
    }

    #[test]
    fn a_confidential_client_sends_its_secret_and_a_public_one_none() {
        let (sim, http) = serving("idp.example.test", Arc::new(Arc::new(Echo)));
        let mut grant = PasswordGrant {
            client_id: "app".into(),
            client_secret: Some("s3 cret".into()),
            scope: "s".into(),
            username: "alice@example.test".into(),
            password: "pw".into(),
        };
        let posted = |grant: &PasswordGrant| {
            sim.block_on(password_grant(&http, "https://idp.example.test/token", grant, Duration::from_secs(5))).unwrap().access_token
        };
        assert_eq!(
            posted(&grant),
            "grant_type=password&client_id=app&client_secret=s3+cret&scope=s&username=alice%40example.test&password=pw"
        );
        grant.client_secret = None;
        assert!(!posted(&grant).contains("client_secret"));
    }

    /// A server that answers every request with an HTML sign-in page.
    struct SignInPage;
    impl SharedHandler for SignInPage {
        fn handle(self: Arc<Self>, _req: Request, _conn: ConnInfo) -> HandlerFuture {
            Box::pin(async {
                http::Response::builder()
                    .status(200)
                    .header("content-type", "text/html; charset=utf-8")
                    .body(Bytes::from_static(b"<html>Sign in</html>"))
                    .unwrap()
            })
        }
    }

    #[test]
    fn an_html_page_is_named_as_not_the_protocol() {
        let (sim, http) = serving("idp.example.test", Arc::new(Arc::new(SignInPage)));
        let e = sim.block_on(discover(&http, "https://idp.example.test/", Duration::from_secs(5))).unwrap_err();
        assert_eq!(
            e,
            OidcError::NotTheProtocol {
                url: format!("https://idp.example.test{DISCOVERY_PATH}"),
                status: 200,
                content_type: "text/html; charset=utf-8".into(),
                what: "the OpenID configuration",
            }
        );
        assert!(e.to_string().contains("check that the url is the provider's issuer"), "{e}");
    }
}
