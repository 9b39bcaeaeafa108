//! The APNs host: provider requests on `/3/device/<token>`, control calls under
//! [`mailconform_sim::CONTROL_PREFIX`].
//!
//! One provider request goes through, in order: HTTP/2 or nothing; headers and method
//! ([`request::check_headers`]); path; provider token (on a connection without a client
//! certificate); device state (unknown, uninstalled, other app); what the certificate
//! allows; payload; throttling; delivery. Authentication comes before the device token is
//! looked up, so a caller without credentials cannot tell a registered token from an unknown one.
//! Every answer carries `apns-id` (the client's, or one drawn from the run's randomness), and
//! every error answer is `{"reason": ...}` as `application/json` in one DATA frame, with an
//! integer `timestamp` in milliseconds for 410 — a body too large to be read at all included.

use crate::auth::{AuthMode, CertificateInfo, TokenAuth};
use crate::devices::{DeliveredNotification, Devices, TokenProblem};
use crate::log::{LogEntry, RequestLog};
use crate::reason::Reason;
use crate::request;
use crate::{ApnsConfig, ApnsError, Environment};
use bytes::Bytes;
use mailconform_sim::{ConnInfo, FakeEnv, Handler, HandlerFuture, Request, Response};
use std::sync::Arc;

/// The fake APNs: Apple's HTTP/2 provider API on `/3/device/<token>` and the control API of its simulated devices.
pub struct Apns {
    pub(crate) env: FakeEnv,
    pub(crate) environment: Environment,
    pub(crate) tokens: TokenAuth,
    pub(crate) devices: Devices,
    pub(crate) log: RequestLog,
    /// What each connection's client certificate says, read once per connection: providers
    /// keep one connection and send thousands of pushes on it.
    cert_infos: std::sync::Mutex<std::collections::HashMap<u64, CertificateInfo>>,
}

/// The state database's table of devices, by token.
pub(crate) const KEPT_DEVICES: &str = "devices";

/// The state database's table of the sequence number of the last notification delivered to
/// each device, by token: a device reading its notifications reads on after a restart.
pub(crate) const KEPT_DELIVERED: &str = "delivered";

/// Connections whose certificate reading is remembered; older entries are dropped wholesale.
const CERT_CACHE: usize = 4096;

/// Why a push was refused, and for 410 since when.
struct Rejection {
    reason: Reason,
    timestamp_ms: Option<u64>,
}

impl From<Reason> for Rejection {
    fn from(reason: Reason) -> Self {
        Rejection { reason, timestamp_ms: None }
    }
}

impl Apns {
    /// An APNs trusting `config.teams`. A team key that does not parse is left out (and
    /// reported through `tracing`); use [`Apns::try_new`] to fail on it instead.
    pub fn new(env: FakeEnv, config: ApnsConfig) -> Arc<Apns> {
        let apns = Apns::empty(env, config.environment);
        for team in &config.teams {
            if let Err(e) = apns.tokens.add_team(team) {
                tracing::error!(error = %e, "APNs team key left out");
            }
        }
        Arc::new(apns)
    }

    /// Like [`Apns::new`], but an unusable team key is an error.
    pub fn try_new(env: FakeEnv, config: ApnsConfig) -> Result<Arc<Apns>, ApnsError> {
        let apns = Apns::empty(env, config.environment);
        for team in &config.teams {
            apns.tokens.add_team(team)?;
        }
        Ok(Arc::new(apns))
    }

    fn empty(env: FakeEnv, environment: Environment) -> Apns {
        // Device tokens outlive a restart of APNs: a served APNs reads back the devices it
        // kept, uninstalls included (their pushes still get 410 with the same timestamp).
        let devices = Devices::default();
        let delivered: std::collections::BTreeMap<String, u64> = env.store.load(KEPT_DELIVERED).into_iter().collect();
        for (token, d) in env.store.load::<crate::contract::DeviceInfo>(KEPT_DEVICES) {
            let last = delivered.get(&token).copied().unwrap_or(0);
            let device = devices.register_continuing(token, &d.bundle_id, d.environment, last);
            if let Some(at) = d.uninstalled_at_ms {
                device.uninstall(at);
            }
        }
        let log = RequestLog::new(env.journal_capacity);
        Apns { env, environment, tokens: TokenAuth::default(), devices, log, cert_infos: Default::default() }
    }

    /// Answer one provider request (anything outside the control prefix) and log it.
    fn provider(&self, req: &Request, conn: &ConnInfo) -> Response {
        self.answer_provider(req.headers(), conn, |apns_id, now_ms, mode, entry| self.push(req, conn, mode, apns_id, now_ms, entry))
    }

    /// Answer a provider request with `outcome` (delivered, or why not), in APNs's form, and
    /// log it: the `apns-id` echoed or drawn, HTTP/2 required, errors as `{"reason": ...}`.
    fn answer_provider(
        &self,
        headers: &http::HeaderMap,
        conn: &ConnInfo,
        outcome: impl FnOnce(&str, u64, AuthMode, &mut LogEntry) -> Result<(), Rejection>,
    ) -> Response {
        let now_ms = self.env.clock.unix_millis();
        let mode = if conn.peer_certificates.is_empty() { AuthMode::Token } else { AuthMode::Certificate };
        let apns_id = request::apns_id_to_echo(headers).unwrap_or_else(|| self.env.rng.uuid());
        let mut entry = LogEntry {
            at_ms: now_ms,
            token: None,
            topic: None,
            push_type: None,
            apns_id: apns_id.clone(),
            status: 200,
            reason: None,
            auth: mode,
        };
        let resp = if !conn.http2 {
            // APNs speaks only HTTP/2 (Apple: "HTTP/2 and TLS 1.2 or later"); no reason string
            // exists for an HTTP/1.1 request, so it gets the plain HTTP status for it.
            entry.status = 505;
            mailconform_sim::http::response(505, "text/plain", "APNs requires HTTP/2")
        } else {
            match outcome(&apns_id, now_ms, mode, &mut entry) {
                Ok(()) => {
                    // Apple: apns-unique-id is "only available in the Development environment".
                    let unique = (self.environment == Environment::Sandbox).then(|| self.env.rng.uuid());
                    answer(200, &apns_id, None, unique)
                }
                Err(r) => {
                    entry.status = r.reason.status();
                    entry.reason = Some(r.reason.as_str().to_string());
                    let mut body = serde_json::json!({"reason": r.reason.as_str()});
                    if let Some(ts) = r.timestamp_ms.filter(|_| r.reason.status() == 410) {
                        body["timestamp"] = serde_json::Value::from(ts);
                    }
                    answer(r.reason.status(), &apns_id, Some(body), None)
                }
            }
        };
        tracing::debug!(status = entry.status, reason = ?entry.reason, token = ?entry.token, topic = ?entry.topic, "APNs provider request");
        self.log.push(entry);
        resp
    }

    fn push(
        &self,
        req: &Request,
        conn: &ConnInfo,
        mode: AuthMode,
        apns_id: &str,
        now_ms: u64,
        entry: &mut LogEntry,
    ) -> Result<(), Rejection> {
        let cert = conn.peer_certificates.first().map(|c| {
            let mut cache = self.cert_infos.lock().expect("certificate cache poisoned");
            if cache.len() >= CERT_CACHE {
                cache.clear();
            }
            cache.entry(conn.id).or_insert_with(|| CertificateInfo::parse(c.as_ref())).clone()
        });
        let default_topic = match &cert {
            Some(info) => info.default_topic(),
            None => Err(Reason::MissingTopic),
        };
        let headers = request::check_headers(req.method(), req.headers(), default_topic)?;
        entry.topic = Some(headers.topic.clone());
        entry.push_type = headers.push_type.map(|t| t.as_str().to_string());

        let token = request::parse_path(req.uri().path())?;
        entry.token = Some(token.clone());

        // The provider is authenticated before its device token is looked up, so an
        // unauthenticated caller learns nothing of which tokens exist: 403
        // MissingProviderToken or InvalidProviderToken whatever well-formed token the path
        // names. Apple's provider API trusts a token connection only once it "post[s] a
        // request with a valid authentication token" (Establishing a connection to APNs); a
        // certificate connection was authenticated by the TLS handshake itself.
        if cert.is_none() {
            self.tokens.verify(conn.id, req.headers().get(http::header::AUTHORIZATION), now_ms / 1000)?;
        }
        let device = self.devices.target(&token, request::topic_bundle(&headers.topic), self.environment).map_err(|p| match p {
            TokenProblem::Unknown => Rejection::from(Reason::BadDeviceToken),
            TokenProblem::Unregistered(at) => Rejection { reason: Reason::Unregistered, timestamp_ms: Some(at) },
            TokenProblem::NotForTopic => Rejection::from(Reason::DeviceTokenNotForTopic),
        })?;

        // What the certificate allows (its environment, its topics) is checked against the
        // device's topic once the device is known.
        if let (AuthMode::Certificate, Some(info)) = (mode, &cert) {
            info.check(self.environment, &headers.topic)?;
        }

        let payload = request::check_payload(req.body(), headers.push_type)?;
        if device.take_throttle() {
            return Err(Reason::TooManyRequests.into());
        }
        let seq = device.deliver(DeliveredNotification {
            seq: 0,
            apns_id: apns_id.to_string(),
            topic: headers.topic,
            push_type: headers.push_type.map(|t| t.as_str().to_string()),
            priority: headers.priority,
            collapse_id: headers.collapse_id,
            expiration: headers.expiration,
            payload: serde_json::Value::Object(payload),
            received_at_ms: now_ms,
        });
        self.env.store.put(KEPT_DELIVERED, &device.token, &seq);
        Ok(())
    }
}

/// An APNs response: status, `apns-id`, and for errors a JSON body.
fn answer(status: u16, apns_id: &str, body: Option<serde_json::Value>, unique_id: Option<String>) -> Response {
    let bytes = body.map(|b| Bytes::from(serde_json::to_vec(&b).unwrap_or_default())).unwrap_or_default();
    let has_body = !bytes.is_empty();
    let mut resp = http::Response::new(bytes);
    *resp.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if let Ok(v) = http::HeaderValue::from_str(apns_id) {
        h.insert("apns-id", v);
    }
    if let Some(v) = unique_id.and_then(|u| http::HeaderValue::from_str(&u).ok()) {
        h.insert("apns-unique-id", v);
    }
    if has_body {
        h.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    }
    resp
}

impl Handler for Apns {
    fn handle(&self, req: Request, conn: ConnInfo) -> HandlerFuture {
        if req.uri().path().starts_with(mailconform_sim::CONTROL_PREFIX) {
            return crate::control::handle(self, req);
        }
        let resp = self.provider(&req, &conn);
        Box::pin(async move { resp })
    }

    /// A body over the server's limit is `413 PayloadTooLarge` like any payload over APNs's
    /// own (4 KB, 5 KB for VoIP): with `apns-id` and the JSON `reason`, logged.
    fn body_too_large(&self, head: &http::request::Parts, conn: &ConnInfo) -> Response {
        if head.uri.path().starts_with(mailconform_sim::CONTROL_PREFIX) {
            return mailconform_sim::http::body_too_large();
        }
        self.answer_provider(&head.headers, conn, |_, _, _, entry| {
            entry.token = request::parse_path(head.uri.path()).ok();
            Err(Reason::PayloadTooLarge.into())
        })
    }

    /// APNs' stream limit and keep-alive.
    fn limits(&self) -> mailconform_sim::ConnLimits {
        mailconform_sim::ConnLimits::APNS
    }
}

#[cfg(test)]
mod tests;
