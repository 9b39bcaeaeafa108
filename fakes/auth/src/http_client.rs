//! Connection-oriented authentication from the client side, for fakes that call a server
//! protected by NTLM (a notification service, a gateway): the two legs of the handshake sent
//! through one [`HttpClient`].
//!
//! The AUTHENTICATE leg reaches the server on the connection that carried the NEGOTIATE only
//! when the client's pool hands the same keep-alive connection out again — true for a client
//! that sends one request at a time. A client that shares its pool between concurrent
//! requests can put the two legs on different connections, and then the server refuses the
//! second leg: that is exactly the failure of a proxy that pools upstream connections.

use crate::challenge::{self, Scheme};
use crate::ntlm::NtlmInitiator;
use crate::spnego;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use mailconform_sim::{HttpClient, Request, RequestOptions, Response, SimError};

fn with_authorization(req: &Request, value: &str) -> Result<Request, SimError> {
    let mut b = http::Request::builder().method(req.method().clone()).uri(req.uri().clone()).version(req.version());
    for (k, v) in req.headers() {
        if k != http::header::AUTHORIZATION {
            b = b.header(k, v);
        }
    }
    b.header(http::header::AUTHORIZATION, value)
        .body(req.body().clone())
        .map_err(|e| SimError::BadUrl { url: req.uri().to_string(), reason: e.to_string() })
}

/// The NTLM message of a `<scheme> <token>` challenge in a 401, if there is one.
fn challenge_message(resp: &Response, scheme: &Scheme) -> Option<Vec<u8>> {
    if resp.status() != http::StatusCode::UNAUTHORIZED {
        return None;
    }
    let token =
        challenge::challenges(resp.headers()).ok()?.into_iter().find(|c| &c.scheme == scheme && c.token.is_some())?.decoded_token().ok()?;
    match spnego::classify(&token) {
        Ok(spnego::NegotiateToken::Ntlm { message, .. }) => Some(message),
        _ => None,
    }
}

/// Sends `req` authenticated by NTLM under `scheme` (`NTLM`, or `Negotiate` carrying raw
/// NTLMSSP as requests-ntlm does). Returns the server's last answer: the response to the
/// AUTHENTICATE leg, or the first answer when the server did not send a CHALLENGE.
/// `client_challenge` should come from the run's seeded randomness.
pub async fn send_ntlm(
    http: &HttpClient,
    req: &Request,
    opts: &RequestOptions,
    initiator: &mut NtlmInitiator,
    scheme: Scheme,
    client_challenge: [u8; 8],
) -> Result<Response, SimError> {
    let first = http.send(with_authorization(req, &format!("{scheme} {}", B64.encode(initiator.negotiate())))?, opts).await?;
    let Some(type2) = challenge_message(&first, &scheme) else { return Ok(first) };
    let Ok(type3) = initiator.authenticate(&type2, client_challenge) else { return Ok(first) };
    http.send(with_authorization(req, &format!("{scheme} {}", B64.encode(type3)))?, opts).await
}
