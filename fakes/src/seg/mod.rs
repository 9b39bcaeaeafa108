//! Workspace ONE Secure Email Gateway V2 as a reverse proxy for ActiveSync and, when
//! `enable.boxer.ens.ews.proxy=true`, for EWS (`/EWS` and `/ews`) on behalf of ENS2.
//!
//! Per request it asks the UEM console whether the device may have mail (a blocked device
//! gets [`SegConfig::blocked_status`]), reads the client certificate's UPN, and forwards the
//! request over a pool of upstream connections that requests take in turn — connections are
//! not pinned to the client's, which is why NTLM (bound to one connection) fails through it.
//! With `remove.unsupported.auth.for.ews=true` it removes the NTLM challenge from EWS
//! answers, and the Negotiate challenge too when the client presented no certificate with a
//! UPN. With a UPN and KCD configured it obtains a Kerberos ticket for the user by
//! constrained delegation and sends `Authorization: Negotiate` to Exchange itself.
//!
//! Its control API is listed with its bodies in [`contract`].

mod config;
pub mod contract;
mod error;

pub use config::{KcdConfig, SegConfig, SegVersion};
pub use contract::{MemConfiguration, SegControl, SegRecord, SegSettings, Service};
pub(crate) use error::Blocked;
pub use error::SegError;

use crate::ens::DEVICE_HEADER;
use crate::uem::{ComplianceState, ConsoleClient};
use contract::{Op, PropertiesApplied, ROUTES};
use mailconform_activesync::http::query;
use mailconform_auth::challenge::{self, Scheme};
use mailconform_auth::krb5::{KdcUrl, Krb5Client};
use mailconform_auth::KdcClient;
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::http::response;
use mailconform_sim::{
    ConnInfo, ControlClient, ControlError, FakeEnv, HandlerFuture, HttpClient, Journal, PageQuery, Request, RequestOptions, Response,
    SharedHandler,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// SEG V2: the reverse proxy handler and its control API.
pub(crate) struct Seg {
    env: FakeEnv,
    config: Mutex<SegConfig>,
    upstream: Mutex<Vec<HttpClient>>,
    next: AtomicUsize,
    /// Every request the gateway answered, newest `FakeEnv::journal_capacity` kept.
    log: Mutex<Journal<SegRecord>>,
}

/// The upstream pool: each client keeps its own connection, so consecutive requests land on
/// different connections.
fn upstream_pool(env: &FakeEnv, config: &SegConfig) -> Result<Vec<HttpClient>, SegError> {
    let make = || -> Result<HttpClient, SegError> {
        if config.ignore_ssl_errors_with_exch {
            return Ok(env.http.accepting_any_certificate());
        }
        let mut roots = (**env.http.roots()).clone();
        for pem in &config.trusted_certificates {
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.map_err(SegError::TrustedNotPem)?;
                roots.add(cert).map_err(SegError::TrustedRefused)?;
            }
        }
        Ok(env.http.with_roots(Arc::new(roots)))
    };
    (0..config.upstream_pool.max(1)).map(|_| make()).collect()
}

impl Seg {
    pub(crate) fn new(env: FakeEnv, config: SegConfig) -> Result<Arc<Seg>, SegError> {
        let pool = upstream_pool(&env, &config)?;
        let log = Mutex::new(env.journal());
        Ok(Arc::new(Seg { env, config: Mutex::new(config), upstream: Mutex::new(pool), next: AtomicUsize::new(0), log }))
    }

    fn config(&self) -> SegConfig {
        self.config.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What restarting the service on a new configuration does: a new upstream pool (the trust
    /// store read again), then the configuration in force. A configuration the pool cannot be
    /// built from leaves the running one as it was.
    fn restart_on(&self, config: SegConfig) -> Result<(), SegError> {
        let pool = upstream_pool(&self.env, &config)?;
        *self.upstream.lock().unwrap_or_else(|p| p.into_inner()) = pool;
        *self.config.lock().unwrap_or_else(|p| p.into_inner()) = config;
        Ok(())
    }

    fn record(&self, r: SegRecord) {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).push(r);
    }

    async fn proxy(&self, req: Request, conn: &ConnInfo) -> Response {
        let config = self.config();
        let path = req.uri().path().to_string();
        let service = if path.eq_ignore_ascii_case(mailconform_activesync::http::DEFAULT_PATH) {
            Service::ActiveSync
        } else if config.enable_boxer_ens_ews_proxy
            && (path.starts_with("/EWS/") || path.starts_with("/ews/") || path == "/EWS" || path == "/ews")
        {
            Service::Ews
        } else {
            return response(
                404,
                "text/plain",
                format!("SEG serves no {path} (EWS only with {}=true)", config::property::ENABLE_EWS_PROXY),
            );
        };
        let device_id = match service {
            Service::ActiveSync => req.uri().query().and_then(activesync_device_id),
            Service::Ews => req.headers().get(DEVICE_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string),
        };
        let upn = conn.peer_certificates.first().and_then(|c| mailconform_auth::certificate::upn(c.as_ref()).ok().flatten());
        let mut record = SegRecord {
            at_ms: self.env.clock.unix_millis(),
            service,
            method: req.method().to_string(),
            path: req.uri().path_and_query().map(|p| p.to_string()).unwrap_or(path.clone()),
            device_id: device_id.clone(),
            upn: upn.clone(),
            routed_to: String::new(),
            blocked: false,
            upstream_auth: None,
            upstream_connection: None,
            status: 0,
            removed_challenges: Vec::new(),
        };

        // Compliance: OPTIONS names no device and passes; everything else must be allowed.
        if let Some(api) = &config.compliance_api {
            let exempt = service == Service::ActiveSync && req.method() == http::Method::OPTIONS && device_id.is_none();
            if !exempt {
                if let Err(why) = self.compliance(api, device_id.as_deref()).await {
                    record.routed_to = format!("blocked: {why}");
                    record.blocked = true;
                    record.status = config.blocked_status;
                    self.record(record);
                    return response(config.blocked_status, "text/plain", format!("SEG blocked this device: {why}"));
                }
            }
        }

        let base = match service {
            Service::ActiveSync => config.email_server.clone(),
            Service::Ews => config.ews_upstream().to_string(),
        };
        let url = format!("{base}{}", req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/"));
        record.routed_to = url.clone();
        let (parts, body) = req.into_parts();
        let mut upstream_req = http::Request::builder().method(parts.method.clone()).uri(&url);
        for (name, value) in &parts.headers {
            if matches!(name.as_str(), "host" | "connection" | "keep-alive" | "transfer-encoding" | "content-length")
                || name.as_str() == DEVICE_HEADER
            {
                continue;
            }
            upstream_req = upstream_req.header(name, value);
        }
        let mut upstream_req = match upstream_req.body(body) {
            Ok(r) => r,
            Err(e) => return response(400, "text/plain", format!("SEG could not forward the request: {e}")),
        };
        if let (Some(kcd), Some(user)) = (&config.kcd, &upn) {
            match kcd_authorization(&self.env, kcd, user).await {
                Ok(value) => {
                    if let Ok(v) = http::HeaderValue::from_str(&value) {
                        upstream_req.headers_mut().insert(http::header::AUTHORIZATION, v);
                        record.upstream_auth = Some("Negotiate (KCD)".into());
                    }
                }
                Err(e) => {
                    record.status = 502;
                    record.routed_to = format!("KCD failed: {e}");
                    self.record(record);
                    return response(502, "text/plain", format!("SEG could not obtain a Kerberos ticket for {user}: {e}"));
                }
            }
        }
        if record.upstream_auth.is_none() {
            record.upstream_auth = upstream_req
                .headers()
                .get(http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_whitespace().next())
                .map(str::to_string);
        }

        let (index, client) = {
            let pool = self.upstream.lock().unwrap_or_else(|p| p.into_inner());
            let i = self.next.fetch_add(1, Ordering::Relaxed) % pool.len();
            (i, pool[i].clone())
        };
        record.upstream_connection = Some(index);
        let opts = RequestOptions { timeout: config.server_timeout, ..Default::default() };
        let mut resp = match client.send(upstream_req, &opts).await {
            Ok(r) => r,
            Err(e) => {
                let (status, what) = match &e {
                    mailconform_sim::SimError::Timeout { .. } => {
                        (504, "the email server did not answer within the server timeout".to_string())
                    }
                    other => (502, format!("SEG could not reach the email server: {other}")),
                };
                record.status = status;
                record.routed_to = format!("{url}: {what}");
                self.record(record);
                return response(status, "text/plain", what);
            }
        };
        if service == Service::Ews && config.remove_unsupported_auth_for_ews {
            record.removed_challenges = remove_unsupported_challenges(resp.headers_mut(), upn.is_some());
        }
        record.status = resp.status().as_u16();
        self.record(record);
        resp
    }

    /// Whether the console lets this device have mail; why not otherwise.
    async fn compliance(&self, api: &str, device_id: Option<&str>) -> Result<(), Blocked> {
        let Some(id) = device_id else {
            return Err(Blocked::NoDevice);
        };
        let console = ConsoleClient(ControlClient::new(self.env.http.clone(), api));
        match console.compliance(id).await {
            Ok(c) if c.state == ComplianceState::Compliant => Ok(()),
            Ok(c) => Err(Blocked::NotCompliant { id: id.to_string(), state: state_name(c.state) }),
            Err(ControlError::Status { status: 404, .. }) => Err(Blocked::NotManaged { id: id.to_string() }),
            Err(ControlError::Json { .. }) => Err(Blocked::NoState { id: id.to_string() }),
            Err(e) => Err(Blocked::ConsoleUnreachable(e)),
        }
    }

    /// What `GET /_mailconform/config` shows.
    fn settings(&self) -> SegSettings {
        let c = self.config();
        SegSettings {
            version: c.version.to_string(),
            email_server: c.email_server.clone(),
            enable_boxer_ens_ews_proxy: c.enable_boxer_ens_ews_proxy,
            remove_unsupported_auth_for_ews: c.remove_unsupported_auth_for_ews,
            ews_email_server_host_and_port: c.ews_email_server_host_and_port.clone(),
            ews_upstream: c.ews_upstream().to_string(),
            ignore_ssl_errors_with_exch: c.ignore_ssl_errors_with_exch,
            server_timeout_secs: c.server_timeout.as_secs(),
            kcd: c.kcd.is_some(),
            ignored_properties: c.ignored_properties.clone(),
        }
    }

    fn control(&self, method: &str, path: &str, query: Option<&str>, body: &[u8]) -> Response {
        let op = match ROUTES.find(method, path) {
            Ok((op, _)) => op,
            Err(answer) => return *answer,
        };
        match op {
            Op::Config => reply(200, &self.settings()),
            Op::Properties => {
                // `{"properties": "<text>"}`, or the text itself.
                let text = if body.trim_ascii_start().starts_with(b"{") {
                    match parse::<contract::Properties>(body) {
                        Ok(p) => p.properties,
                        Err(answer) => return *answer,
                    }
                } else {
                    String::from_utf8_lossy(body).into_owned()
                };
                let mut c = self.config();
                c.ignored_properties.clear();
                if let Err(e) = c.apply_properties(&text) {
                    return error(400, e.to_string());
                }
                let ignored = c.ignored_properties.clone();
                match self.restart_on(c) {
                    Ok(()) => reply(200, &PropertiesApplied { ignored_properties: ignored }),
                    Err(e) => error(400, e.to_string()),
                }
            }
            Op::Mem => {
                let mem = match parse::<MemConfiguration>(body) {
                    Ok(m) => m,
                    Err(answer) => return *answer,
                };
                let mut c = self.config();
                c.set_mem(mem);
                match self.restart_on(c) {
                    Ok(()) => reply(200, &self.settings()),
                    Err(e) => error(400, e.to_string()),
                }
            }
            Op::Requests => match PageQuery::parse(query) {
                Ok(q) => reply(200, &self.log.lock().unwrap_or_else(|p| p.into_inner()).page(&q)),
                Err(e) => error(400, e),
            },
        }
    }
}

/// The console's word for a state, as SEG's log shows it.
fn state_name(state: ComplianceState) -> String {
    serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The DeviceId of an ActiveSync query, in either form.
fn activesync_device_id(q: &str) -> Option<String> {
    query::parse_plain(q).map(|p| p.device_id).or_else(|_| query::parse_base64(q).map(|b| b.device_id)).ok().filter(|d| !d.is_empty())
}

/// How long SEG waits for each exchange with a real KDC.
const KDC_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The `Authorization` value that presents `user`'s ticket to Exchange, obtained by KCD: from
/// a real KDC (`kerberos://HOST:PORT/REALM`, the protocol itself) or from the fake KDC's
/// ticket API.
async fn kcd_authorization(env: &FakeEnv, kcd: &KcdConfig, user: &str) -> Result<String, String> {
    match KdcUrl::parse(&kcd.kdc_url) {
        Some(Ok(kdc)) => {
            let client = Krb5Client::new(&kdc.address, &kdc.realm, KDC_TIMEOUT).over(env.http.clone());
            let ap_req = client
                .delegate(&kcd.service_spn, &kcd.service_password, user, &kcd.target_spn, env.clock.unix_secs())
                .await
                .map_err(|e| e.to_string())?;
            Ok(mailconform_auth::spnego::kerberos_authorization(&ap_req))
        }
        Some(Err(why)) => Err(why),
        None => KdcClient(ControlClient::new(env.http.clone(), &kcd.kdc_url))
            .s4u(&kcd.service_spn, &kcd.service_password, user, &kcd.target_spn)
            .await
            .map_err(|e| e.to_string()),
    }
}

/// Takes NTLM out of every `WWW-Authenticate`, and Negotiate too when the client has no
/// UPN (seed 003: without Kerberos, Negotiate would end as NTLM). Returns what was removed.
pub(crate) fn remove_unsupported_challenges(headers: &mut http::HeaderMap, client_has_upn: bool) -> Vec<String> {
    let values: Vec<http::HeaderValue> = headers.get_all(http::header::WWW_AUTHENTICATE).iter().cloned().collect();
    if values.is_empty() {
        return Vec::new();
    }
    headers.remove(http::header::WWW_AUTHENTICATE);
    let mut removed = Vec::new();
    for value in values {
        let text = value.to_str().unwrap_or_default().to_string();
        let Ok(parsed) = challenge::parse(&text) else {
            // Not a challenge list this gateway understands: pass it on untouched.
            headers.append(http::header::WWW_AUTHENTICATE, value);
            continue;
        };
        for c in parsed {
            let drop = match c.scheme {
                Scheme::Ntlm => true,
                Scheme::Negotiate => !client_has_upn,
                _ => false,
            };
            if drop {
                removed.push(c.scheme.as_str().to_string());
            } else if let Ok(v) = http::HeaderValue::from_str(&c.to_string()) {
                headers.append(http::header::WWW_AUTHENTICATE, v);
            }
        }
    }
    removed
}

impl SharedHandler for Seg {
    fn handle(self: Arc<Self>, req: Request, conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            if ROUTES.covers(req.uri().path()) {
                return self.control(req.method().as_str(), req.uri().path(), req.uri().query(), req.body());
            }
            self.proxy(req, &conn).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for v in values {
            h.append(http::header::WWW_AUTHENTICATE, v.parse().unwrap());
        }
        h
    }

    fn offered(h: &http::HeaderMap) -> Vec<String> {
        h.get_all(http::header::WWW_AUTHENTICATE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
    }

    #[test]
    fn ntlm_always_goes_and_negotiate_only_without_a_upn() {
        let mut h = headers(&["Negotiate", "NTLM", "Basic realm=\"mail.example.test\""]);
        assert_eq!(remove_unsupported_challenges(&mut h, false), ["Negotiate", "NTLM"]);
        assert_eq!(offered(&h), ["Basic realm=\"mail.example.test\""]);

        let mut h = headers(&["Negotiate", "NTLM", "Basic realm=\"mail.example.test\""]);
        assert_eq!(remove_unsupported_challenges(&mut h, true), ["NTLM"]);
        assert_eq!(offered(&h), ["Negotiate", "Basic realm=\"mail.example.test\""]);
    }

    #[test]
    fn challenges_listed_in_one_header_are_sorted_out_one_by_one() {
        let mut h = headers(&["NTLM, Basic realm=\"x\", Negotiate"]);
        remove_unsupported_challenges(&mut h, false);
        assert_eq!(offered(&h), ["Basic realm=\"x\""]);
        let mut none = http::HeaderMap::new();
        assert!(remove_unsupported_challenges(&mut none, false).is_empty());
    }

    #[test]
    fn the_device_of_an_activesync_request_is_read_from_either_query_form() {
        assert_eq!(activesync_device_id("Cmd=Sync&User=alice&DeviceId=Boxer1&DeviceType=iPhone").as_deref(), Some("Boxer1"));
        assert_eq!(activesync_device_id("garbage"), None);
    }
}
