//! The identity provider check (`[target.login]`): its OpenID configuration and signing keys,
//! found as a resource finds them, then the password grant for each mailbox, whose token is
//! verified as the scenario's Exchange verifies it (signature, issuer, audience, time, user).

use super::config::{Mailbox, Target, NO_SIGN_IN};
use super::report::{CheckLine, Step};
use mailconform_auth::oidc::{self, IdentityProvider, OidcError, PasswordGrant, SignIn};
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
    let (audience, scope) = target.audience_and_scope();
    let token = match &target.sign_in {
        Some(SignIn::Command(command)) => {
            match mailconform_fakes::driver::access_token(command, &mailbox.user, &mailbox.login, &scope).await {
                Ok(token) => token,
                Err(e) => {
                    return CheckLine::problem(
                        Step::Auth,
                        format!("{}: {e}", mailbox.user),
                        "run the command by hand: it must print the user's access token alone",
                    )
                }
            }
        }
        Some(SignIn::PasswordGrant { client_id, client_secret }) => {
            let grant = PasswordGrant {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                scope,
                username: mailbox.login.clone(),
                password: mailbox.password.clone(),
            };
            match granted(http, provider, mailbox, &grant, timeout).await {
                Ok(token) => token,
                Err(line) => return line,
            }
        }
        None => return CheckLine::problem(Step::Auth, format!("{}: no way to sign in", mailbox.user), NO_SIGN_IN),
    };
    let now = mailconform_sim::Clock::real().unix_secs();
    match provider.trust(&audience).verify(&token, now) {
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

/// The password grant's access token for `mailbox`, or the line that says why there is none.
async fn granted(
    http: &HttpClient,
    provider: &IdentityProvider,
    mailbox: &Mailbox,
    grant: &PasswordGrant,
    timeout: Duration,
) -> Result<String, CheckLine> {
    match oidc::password_grant(http, &provider.configuration.token_endpoint, grant, timeout).await {
        Ok(t) => Ok(t.access_token),
        Err(e) => {
            let fix = match e.is_wrong_password() {
                true => format!("check {} and the login {:?} (a UPN signs in)", mailbox.password_source, mailbox.login),
                false => "see the provider's error above".to_string(),
            };
            Err(CheckLine::problem(Step::Auth, format!("{}: {e}", mailbox.user), fix))
        }
    }
}
