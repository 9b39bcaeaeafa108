//! The contract of the OAuth issuer host (`login.example.test`): the endpoints a client or a
//! gateway calls as it would an identity provider's, and the control API. Routes, bodies and
//! the typed client.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/oauth2/v2.0/token` | form: `grant_type=password`, `username`, `password`, `scope` (e.g. `https://mail.example.test/EWS.AccessAsUser.All`) or `resource` | [`TokenAnswer`]; 400 [`OAuthErrorBody`] |
//! | `GET` | `/discovery/v2.0/keys` | | the JWKS (RFC 7517) |
//! | `GET` | `/.well-known/openid-configuration` | | [`OpenIdConfiguration`] |
//! | `POST` | `/_mailconform/users` | [`NewUser`] | 201 [`UserAdded`] |
//! | `GET` | `/_mailconform/trust` | query `audience=<resource>` | [`OAuthTrust`]: what a resource needs to accept the tokens |
//! | `GET` | `/_mailconform/issued` | query `after`, `limit` ([`PageQuery`]) | [`IssuedTokenPage`]: the tokens issued after `after` (user, audience, expiry; the newest 10,000 are kept) |
//!
//! A wrong password answers 400 `{"error":"invalid_grant"}`, as the Microsoft identity
//! platform does for the password grant. A control body that does not parse is refused with
//! 400 and an example of the expected one.

use crate::jwt::OAuthTrust;
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, Page, CONTROL_PREFIX};

pub use mailconform_sim::PageQuery;

/// A page of the issuer's journal of tokens.
pub type IssuedTokenPage = Page<IssuedToken>;
use serde::{Deserialize, Serialize};

pub use crate::kdc_host::contract::{NewUser, UserAdded};

/// Where the password grant is posted (the Microsoft identity platform's path).
pub const TOKEN_PATH: &str = "/oauth2/v2.0/token";

/// The operations of both APIs, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Token,
    Keys,
    OpenIdConfiguration,
    AddUser,
    Trust,
    Issued,
}

pub(crate) const API_ROUTES: Routes<Op> = Routes::new(
    "",
    &[
        Route::new(Op::Token, "POST", TOKEN_PATH),
        Route::new(Op::Keys, "GET", "/discovery/v2.0/keys"),
        Route::new(Op::OpenIdConfiguration, "GET", "/.well-known/openid-configuration"),
    ],
);

pub(crate) const CONTROL_ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[Route::new(Op::AddUser, "POST", "/users"), Route::new(Op::Trust, "GET", "/trust"), Route::new(Op::Issued, "GET", "/issued")],
);

/// An access token for the password grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenAnswer {
    /// The ES256 JWT to send as `Authorization: Bearer` (RFC 6749 §5.1).
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: u64,
}

/// An OAuth 2.0 error answer (RFC 6749 5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    /// `invalid_grant`, `invalid_request`, `unsupported_grant_type`, `not_found`.
    pub error: String,
    /// Human-readable detail; for `invalid_grant` Microsoft's AADSTS50126 text.
    pub error_description: String,
}

/// The OpenID Connect discovery document, as far as this issuer fills it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenIdConfiguration {
    /// The `iss` of every token (OpenID Connect Discovery 1.0 §3).
    pub issuer: String,
    /// Where the password grant is posted.
    pub token_endpoint: String,
    /// Where the JWKS is published.
    pub jwks_uri: String,
    /// Always `["ES256"]`.
    pub id_token_signing_alg_values_supported: Vec<String>,
}

/// One token the issuer handed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    /// When it was issued (unix seconds, the run's clock).
    pub at: u64,
    /// The UPN it names.
    pub user: String,
    /// The resource it is for (`aud`).
    pub audience: String,
    /// Its `exp` (unix seconds).
    pub expires: u64,
}

impl Body for TokenAnswer {
    fn example() -> Self {
        TokenAnswer { access_token: "eyJhbGciOiJFUzI1NiJ9...".into(), token_type: "Bearer".into(), expires_in: 3600 }
    }
}

impl Body for OAuthErrorBody {
    fn example() -> Self {
        OAuthErrorBody {
            error: "invalid_grant".into(),
            error_description: "AADSTS50126: Error validating credentials due to invalid username or password.".into(),
        }
    }
}

impl Body for OpenIdConfiguration {
    fn example() -> Self {
        OpenIdConfiguration {
            issuer: "https://login.example.test/tenant/v2.0".into(),
            token_endpoint: "https://login.example.test/oauth2/v2.0/token".into(),
            jwks_uri: "https://login.example.test/discovery/v2.0/keys".into(),
            id_token_signing_alg_values_supported: vec!["ES256".into()],
        }
    }
}

impl Body for OAuthTrust {
    fn example() -> Self {
        OAuthTrust {
            issuer: "https://login.example.test/tenant/v2.0".into(),
            audience: "https://mail.example.test".into(),
            jwks: serde_json::json!({"keys": [{"kty": "EC", "crv": "P-256", "kid": "k", "x": "...", "y": "..."}]}),
        }
    }
}

impl Body for IssuedToken {
    fn example() -> Self {
        IssuedToken {
            at: 1_767_600_000,
            user: "alice@example.test".into(),
            audience: "https://mail.example.test".into(),
            expires: 1_767_603_600,
        }
    }
}

/// Typed client of the issuer's control API, for steps.
#[derive(Clone)]
pub struct IssuerControl(pub ControlClient);

impl IssuerControl {
    /// `POST /users`.
    pub async fn add_user(&self, upn: &str, password: &str) -> Result<UserAdded, ControlError> {
        self.0.post("/users", &NewUser { upn: upn.into(), password: password.into() }).await
    }
    /// `GET /trust?audience=`: what a resource named `audience` needs to accept the tokens.
    pub async fn trust(&self, audience: &str) -> Result<OAuthTrust, ControlError> {
        self.0.get(&format!("/trust?audience={audience}")).await
    }
    /// `GET /issued`.
    pub async fn issued(&self) -> Result<Vec<IssuedToken>, ControlError> {
        self.0.get_journal("/issued").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<TokenAnswer>();
        check_round_trip::<OAuthErrorBody>();
        check_round_trip::<OpenIdConfiguration>();
        check_round_trip::<NewUser>();
        check_round_trip::<UserAdded>();
        check_round_trip::<OAuthTrust>();
        check_round_trip::<IssuedToken>();
        check_round_trip::<IssuedTokenPage>();
    }

    #[tokio::test]
    async fn every_documented_route_reaches_the_handler() {
        use mailconform_sim::SharedHandler;
        let issuer = crate::jwt::TokenIssuer::new("https://login.example.test/t/v2.0", "k").unwrap();
        let server = super::super::IssuerServer::new(issuer, "https://login.example.test", mailconform_sim::Clock::simulated());
        mailconform_sim::contract::check_served(include_str!("contract.rs"), |req| {
            server.clone().handle(req, mailconform_sim::ConnInfo::default())
        })
        .await;
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[API_ROUTES.listing(), CONTROL_ROUTES.listing()]);
    }
}
