//! The identity provider check (`[target.login]`): its OpenID configuration and signing keys,
//! found as a resource finds them, then the password grant for each mailbox, whose token is
//! verified as the scenario's Exchange verifies it (signature, issuer, audience, time, user).

use super::config::{Mailbox, Target};
use super::report::{CheckLine, Step};
use mailconform_auth::oidc::{self, IdentityProvider, OidcError, PasswordGrant};
use mailconform_sim::HttpClient;
use std::time::Duration;

/// What to check for a failed discovery.
fn discovery_fix(e: &OidcError) -> &'static str {
    match e {
        OidcError::Unreachable { .. } => "check the url, that the provider is up, and ca",
        _ => "give url as the provider's issuer: the part before /.well-known/openid-configuration",
    }
}

/// Discovers the provider at `target`'s url: a line, and the provider when it was found.
pub(crate) async fn discovery(http: &HttpClient, url: &str, timeout: Duration) -> (CheckLine, Option<IdentityProvider>) {
    match oidc::discover(http, url, timeout).await {
        Ok(found) => {
            let line = CheckLine::ok(
                Step::Http,
                format!(
                    "the OpenID configuration names the issuer {} and the token endpoint {}; its JWKS publishes {} key(s)",
                    found.configuration.issuer,
                    found.configuration.token_endpoint,
                    found.key_count()
                ),
            );
            (line, Some(found))
        }
        Err(e) => (CheckLine::problem(Step::Http, e.to_string(), discovery_fix(&e)), None),
    }
}

/// The password grant for `mailbox`, its token verified for the scenarios' Exchange.
pub(crate) async fn sign_in(
    http: &HttpClient,
    target: &Target,
    provider: &IdentityProvider,
    mailbox: &Mailbox,
    timeout: Duration,
) -> CheckLine {
    let Some(client_id) = &target.client_id else {
        return CheckLine::problem(
            Step::Auth,
            format!("{}: no client_id to ask for a token with", mailbox.user),
            "give client_id: the application registered at the provider that may use the password grant",
        );
    };
    let (audience, scope) = target.audience_and_scope();
    let grant = PasswordGrant {
        client_id: client_id.clone(),
        client_secret: target.client_secret.clone(),
        scope,
        username: mailbox.login.clone(),
        password: mailbox.password.clone(),
    };
    let token = match oidc::password_grant(http, &provider.configuration.token_endpoint, &grant, timeout).await {
        Ok(t) => t,
        Err(e) => {
            let fix = match e.is_wrong_password() {
                true => format!("check {} and the login {:?} (a UPN signs in)", mailbox.password_source, mailbox.login),
                false => "see the provider's error above".to_string(),
            };
            return CheckLine::problem(Step::Auth, format!("{}: {e}", mailbox.user), fix);
        }
    };
    let now = mailconform_sim::Clock::real().unix_secs();
    match provider.trust(&audience).verify(&token.access_token, now) {
        Ok(v) => CheckLine::ok(
            Step::Auth,
            format!(
                "{}: signed in as {:?}; the token names {} for {}, signed with a published key, valid for {} s",
                mailbox.user,
                mailbox.login,
                v.user,
                audience,
                v.expires.saturating_sub(now)
            ),
        ),
        Err(e) => CheckLine::problem(
            Step::Auth,
            format!("{}: the token the provider issued would be refused by the scenarios' Exchange: {e}", mailbox.user),
            match e {
                mailconform_auth::AuthError::JwtAudience { .. } => {
                    "set audience to what the provider's tokens name the mail server as, or scope to ask for this audience"
                }
                mailconform_auth::AuthError::JwtTime { .. } => "check this machine's clock against the provider's",
                _ => "check that the provider signs its access tokens with ES256 or RS256 and a key its JWKS publishes",
            },
        ),
    }
}
