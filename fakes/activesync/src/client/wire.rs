//! The wire: OPTIONS, building a request with credentials and policy key, sending it, sorting the
//! answer into WBXML / empty / one of the [`EasError`] kinds, and the provision-and-retry
//! reaction to 449 and Status 140–144.

use super::Credentials;
use super::{EasClient, EasError, ProvisionOutcome, ServerOptions, COMMAND_TIMEOUT};
use crate::http::{response::header, Command, EasRequest, WBXML_CONTENT_TYPE};
use crate::status::common;
use crate::{decode, Document, Element};
use mailconform_sim::{RequestOptions, Response};
use std::time::Duration;

impl EasClient {
    pub(super) fn request(&self, command: Command, body: Option<Document>, policy_key: Option<String>) -> EasRequest {
        let mut r = EasRequest::new(command, &self.login, &self.device_id, &self.device_type, self.version).with_policy_key(policy_key);
        r.body = body;
        r.user_agent = Some(self.lock().device_information.user_agent.clone());
        r
    }

    /// Sends one request and classifies the answer. `Ok(None)` is a 200 with no body.
    pub(super) async fn exchange(&self, req: EasRequest, timeout: Duration) -> Result<Option<Document>, EasError> {
        let command = req.command;
        let mut redirects = 0;
        loop {
            let (base_url, base64) = {
                let s = self.lock();
                (s.base_url.clone(), s.base64_query && self.version.allows_base64_query())
            };
            let mut http_req = if base64 { req.to_http_base64(&base_url)? } else { req.to_http(&base_url)? };
            let opts = self.authorize(&mut http_req, timeout);
            let resp = self.http.send(http_req, &opts).await?;
            let status = resp.status().as_u16();
            if status == crate::http::code::REDIRECT && redirects < 3 {
                if let Some(location) = header_value(&resp, header::LOCATION) {
                    self.lock().base_url = location;
                    redirects += 1;
                    continue;
                }
            }
            return classify(Some(command), &resp);
        }
    }

    /// Sends a command with the current policy key; provisions and retries once when the
    /// server asks for it (and auto-provisioning is on).
    pub(super) async fn command(&self, command: Command, body: Option<Document>, timeout: Duration) -> Result<Option<Document>, EasError> {
        if self.is_wiped() {
            return Err(EasError::Wiped);
        }
        let mut provisioned = false;
        loop {
            let key = self.policy_key();
            let result = self.exchange(self.request(command, body.clone(), key), timeout).await;
            let wants_provision = match &result {
                Err(e) => e.http_status() == Some(crate::http::code::NEEDS_PROVISIONING),
                Ok(Some(doc)) => root_status(doc).is_some_and(|s| common::PROVISIONING.contains(&s)),
                Ok(None) => false,
            };
            if wants_provision && !provisioned && self.lock().auto_provision {
                provisioned = true;
                if self.provision().await? == ProvisionOutcome::Wiped {
                    return Err(EasError::Wiped);
                }
                continue;
            }
            if let (Ok(Some(doc)), true) = (&result, wants_provision) {
                return Err(EasError::Status { command, status: root_status(doc).unwrap_or(0) });
            }
            return result;
        }
    }

    /// Puts the account's credentials on a request: a Basic or Bearer `Authorization`
    /// header, or a client certificate for the TLS handshake (certificate-based
    /// authentication sends no header).
    fn authorize(&self, req: &mut mailconform_sim::Request, timeout: std::time::Duration) -> RequestOptions {
        let mut opts = RequestOptions { timeout, ..Default::default() };
        let value = match &self.lock().credentials {
            Credentials::Basic => Some(mailconform_sim::basic_authorization(&self.login, &self.password)),
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
            Credentials::Certificate(identity) => {
                opts.identity = Some(identity.clone());
                None
            }
        };
        if let Some(v) = value.and_then(|v| ::http::HeaderValue::from_str(&v).ok()) {
            req.headers_mut().insert(::http::header::AUTHORIZATION, v);
        }
        opts
    }

    /// OPTIONS: the versions and commands the server advertises.
    pub async fn options(&self) -> Result<ServerOptions, EasError> {
        let base_url = self.base_url();
        let mut req = ::http::Request::builder()
            .method(::http::Method::OPTIONS)
            .uri(&base_url)
            .body(bytes::Bytes::new())
            .map_err(|e| EasError::Request(crate::http::RequestError::Build(e.to_string())))?;
        let opts = self.authorize(&mut req, COMMAND_TIMEOUT);
        let resp = self.http.send(req, &opts).await?;
        let status = resp.status().as_u16();
        if is_login_page(&resp) {
            return Err(EasError::LoginForm { command: None, status, location: header_value(&resp, "location") });
        }
        if status != 200 {
            return Err(EasError::Http {
                command: None,
                status,
                retry_after: header_value(&resp, header::RETRY_AFTER),
                location: header_value(&resp, header::LOCATION),
            });
        }
        let list = |name: &str| {
            header_value(&resp, name)
                .map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default()
        };
        Ok(ServerOptions {
            versions: list(header::PROTOCOL_VERSIONS),
            commands: list(header::PROTOCOL_COMMANDS),
            server_version: header_value(&resp, header::SERVER_VERSION),
        })
    }
}

pub(super) fn find_status(e: &Element, path: &[&str]) -> Option<u16> {
    e.find(path).and_then(|s| s.trim().parse().ok())
}

/// The Status directly under the root (where global failures such as 142 are reported).
fn root_status(doc: &Document) -> Option<u16> {
    doc.root.child("Status").and_then(Element::text).and_then(|s| s.trim().parse().ok())
}

fn header_value(resp: &Response, name: &str) -> Option<String> {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn is_html(resp: &Response) -> bool {
    header_value(resp, "content-type").is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("text/html"))
}

/// A page served in place of ActiveSync (a forms login answers 200 with HTML). An error status
/// with an HTML body is the status: Domino's 401 Basic challenge and its 404 come as HTML.
fn is_login_page(resp: &Response) -> bool {
    resp.status().is_success() && is_html(resp)
}

/// Sorts an answer into "ActiveSync WBXML", "empty", or one of the failures.
fn classify(command: Option<Command>, resp: &Response) -> Result<Option<Document>, EasError> {
    let status = resp.status().as_u16();
    let content_type = header_value(resp, "content-type");
    if is_login_page(resp) {
        return Err(EasError::LoginForm { command, status, location: header_value(resp, "location") });
    }
    if (300..400).contains(&status) {
        let location = header_value(resp, "location");
        if location.as_deref().is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("login") || l.contains("names.nsf") || l.contains("logon")
        }) {
            return Err(EasError::LoginForm { command, status, location });
        }
    }
    if status != 200 {
        return Err(EasError::Http {
            command,
            status,
            retry_after: header_value(resp, header::RETRY_AFTER),
            location: header_value(resp, header::LOCATION),
        });
    }
    if resp.body().is_empty() {
        return Ok(None);
    }
    if !content_type.as_deref().is_some_and(crate::http::response::is_wbxml_content_type) {
        return Err(EasError::NotWbxml { command, content_type, reason: format!("expected {WBXML_CONTENT_TYPE}") });
    }
    decode(resp.body()).map(Some).map_err(|e| EasError::NotWbxml { command, content_type, reason: e.to_string() })
}
