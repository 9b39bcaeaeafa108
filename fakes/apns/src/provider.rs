//! An APNs provider: what the other fakes (the cloud listener) use to push.
//!
//! It behaves as Apple asks providers to: HTTP/2 on one pooled connection per identity, and
//! in token mode one JWT reused until it is 40 minutes old (Apple: refresh "no more than once
//! every 20 minutes and no less than once every 60 minutes"), so it never trips
//! `TooManyProviderTokenUpdates` nor `ExpiredProviderToken`.

use crate::error::ApnsError;
use crate::jwt;
use aws_lc_rs::signature::EcdsaKeyPair;
use bytes::Bytes;
use mailconform_sim::{ClientIdentity, Clock, FakeEnv, HttpClient, RequestOptions, SimError};
use std::sync::Mutex;
use std::time::Duration;

/// A provider token is re-signed once it is this old, unless the provider says otherwise.
pub const TOKEN_REFRESH: Duration = Duration::from_secs(40 * 60);

/// How a provider proves who it is.
#[derive(Clone)]
pub enum ProviderAuth {
    /// A push certificate presented in the TLS handshake (subject UID = bundle id).
    Certificate(ClientIdentity),
    /// A signing key (an AuthKey `.p8` file's PKCS#8 DER) for ES256 provider tokens.
    Token {
        /// The 10-character team id, sent as the token's `iss`.
        team_id: String,
        /// The 10-character key id, sent as the token's `kid`.
        key_id: String,
        /// The private key, PKCS#8 DER (the `.p8` file's PEM body decoded).
        pkcs8_der: Vec<u8>,
    },
}

impl std::fmt::Debug for ProviderAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProviderAuth::Certificate(id) => f.debug_tuple("Certificate").field(&id.id).finish(),
            ProviderAuth::Token { team_id, key_id, .. } => {
                f.debug_struct("Token").field("team_id", team_id).field("key_id", key_id).finish_non_exhaustive()
            }
        }
    }
}

/// APNs's answer to one push. Rejections are outcomes, not errors: scenarios assert on them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushOutcome {
    /// The response's HTTP status: 200 accepted, else the error status of Apple's "Handling notification responses from APNs".
    pub status: u16,
    /// The response's `apns-id` (or the request's, if a faulted host answered without one;
    /// empty if neither).
    pub apns_id: String,
    /// `reason` of an error body.
    pub reason: Option<String>,
    /// `timestamp` of a 410 body, UNIX milliseconds.
    pub timestamp_ms: Option<u64>,
    /// `apns-unique-id`, which Apple sends only from its development (sandbox) environment.
    pub unique_id: Option<String>,
    /// The response's `Content-Type`: `application/json` on an error, none on a 200 (no body).
    pub content_type: Option<String>,
}

impl PushOutcome {
    /// Whether APNs accepted the push (status 200).
    pub fn accepted(&self) -> bool {
        self.status == 200
    }
}

/// One push with every header a provider can set. `None` leaves a header out.
#[derive(Clone, Debug, Default)]
pub struct Notification {
    /// The hex device token the path `/3/device/<token>` addresses.
    pub device_token: String,
    /// `apns-topic`: the bundle id, suffixed per push type (required in token mode).
    pub topic: Option<String>,
    /// `apns-push-type` (`alert`, `background`, `voip`, ...), as a string so invalid values can be sent.
    pub push_type: Option<String>,
    /// `apns-priority`: 10, 5 or 1.
    pub priority: Option<u8>,
    /// `apns-id`: a canonical UUID the response echoes; APNs makes one up when absent.
    pub apns_id: Option<String>,
    /// `apns-collapse-id`: at most 64 bytes.
    pub collapse_id: Option<String>,
    /// `apns-expiration`: UNIX seconds until which APNs retries delivery; 0 means once.
    pub expiration: Option<u64>,
    /// Sent as is, so that malformed bodies can be sent too.
    pub payload: Bytes,
}

enum Signer {
    Certificate(ClientIdentity),
    Token { team_id: String, key_id: String, key: EcdsaKeyPair, cached: Mutex<Option<(String, u64)>> },
}

/// A provider's connection to APNs: signs tokens (or presents its certificate) and sends pushes.
pub struct ProviderClient {
    http: HttpClient,
    clock: Clock,
    base: String,
    signer: Signer,
    timeout: Duration,
    token_refresh: Duration,
}

impl ProviderClient {
    /// A provider pushing to `base_url` (e.g. `https://api.push.apple.test`). A token key that
    /// is not a PKCS#8 P-256 key is refused here rather than at the first push.
    pub fn new(http: HttpClient, clock: Clock, base_url: &str, auth: ProviderAuth) -> Result<Self, ApnsError> {
        let signer = match auth {
            ProviderAuth::Certificate(id) => Signer::Certificate(id),
            ProviderAuth::Token { team_id, key_id, pkcs8_der } => {
                Signer::Token { team_id, key_id, key: jwt::signing_key(&pkcs8_der)?, cached: Mutex::new(None) }
            }
        };
        Ok(ProviderClient {
            http,
            clock,
            base: base_url.trim_end_matches('/').to_string(),
            signer,
            timeout: Duration::from_secs(30),
            token_refresh: TOKEN_REFRESH,
        })
    }

    /// A provider using a fake's HTTP client and clock.
    pub fn from_env(env: &FakeEnv, base_url: &str, auth: ProviderAuth) -> Result<Self, ApnsError> {
        ProviderClient::new(env.http.clone(), env.clock.clone(), base_url, auth)
    }

    /// How old its provider token may get before it is signed anew ([`TOKEN_REFRESH`] unless
    /// changed). Apple's bounds are 20 and 60 minutes; a provider outside them is what the
    /// provider-API scenarios use to show APNs's `TooManyProviderTokenUpdates` and
    /// `ExpiredProviderToken`.
    pub fn with_token_refresh(mut self, every: Duration) -> Self {
        self.token_refresh = every;
        self
    }

    /// How long one push may take, connection included (30 s unless changed).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Push `payload` to a device with the usual headers.
    pub async fn push(
        &self,
        device_token: &str,
        topic: &str,
        push_type: &str,
        priority: u8,
        payload: &serde_json::Value,
    ) -> Result<PushOutcome, ApnsError> {
        self.send(&Notification {
            device_token: device_token.to_string(),
            topic: Some(topic.to_string()),
            push_type: Some(push_type.to_string()),
            priority: Some(priority),
            payload: Bytes::from(serde_json::to_vec(payload).unwrap_or_default()),
            ..Default::default()
        })
        .await
    }

    /// Send one notification exactly as described.
    pub async fn send(&self, n: &Notification) -> Result<PushOutcome, ApnsError> {
        let url = format!("{}/3/device/{}", self.base, n.device_token);
        let headers = [
            ("apns-topic", n.topic.clone()),
            ("apns-push-type", n.push_type.clone()),
            ("apns-priority", n.priority.map(|p| p.to_string())),
            ("apns-id", n.apns_id.clone()),
            ("apns-collapse-id", n.collapse_id.clone()),
            ("apns-expiration", n.expiration.map(|e| e.to_string())),
            ("authorization", self.bearer()?.map(|t| format!("bearer {t}"))),
        ];
        let mut b = http::Request::post(&url);
        for (name, value) in headers {
            if let Some(v) = value {
                b = b.header(name, v);
            }
        }
        let req = b.body(n.payload.clone()).map_err(|e| ApnsError::Request(format!("{url}: {e}")))?;
        let identity = match &self.signer {
            Signer::Certificate(id) => Some(id.clone()),
            Signer::Token { .. } => None,
        };
        let opts = RequestOptions { timeout: self.timeout, identity, http2: true };
        let resp = self.http.send(req, &opts).await.map_err(|source| match (&self.signer, &source) {
            (Signer::Certificate(id), SimError::Http { .. } | SimError::Tls { .. }) => {
                ApnsError::CertificateRefused { url: url.clone(), identity: id.id.clone(), source }
            }
            _ => ApnsError::Transport { url: url.clone(), source },
        })?;
        Ok(outcome(&resp, n.apns_id.as_deref()))
    }

    /// The current provider token, signed anew when none is cached or it is
    /// as old as its refresh interval.
    fn bearer(&self) -> Result<Option<String>, ApnsError> {
        let Signer::Token { team_id, key_id, key, cached } = &self.signer else {
            return Ok(None);
        };
        let now = self.clock.unix_secs();
        let mut c = cached.lock().expect("token cache poisoned");
        match &*c {
            Some((t, iat)) if now.saturating_sub(*iat) < self.token_refresh.as_secs() => Ok(Some(t.clone())),
            _ => {
                let t = jwt::sign_with(key, team_id, key_id, now)?;
                *c = Some((t.clone(), now));
                Ok(Some(t))
            }
        }
    }
}

fn outcome(resp: &mailconform_sim::Response, sent_id: Option<&str>) -> PushOutcome {
    let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let apns_id = header("apns-id").or_else(|| sent_id.map(str::to_string)).unwrap_or_default();
    let body: Option<serde_json::Value> = serde_json::from_slice(resp.body()).ok();
    let field = |k: &str| body.as_ref().and_then(|b| b.get(k).cloned());
    PushOutcome {
        status: resp.status().as_u16(),
        apns_id,
        reason: field("reason").and_then(|r| r.as_str().map(str::to_string)),
        timestamp_ms: field("timestamp").and_then(|t| t.as_u64()),
        unique_id: header("apns-unique-id"),
        content_type: header("content-type"),
    }
}
