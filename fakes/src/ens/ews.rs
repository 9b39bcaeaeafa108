//! ENS's side of EWS: read the inbox and subscribe to push, for one device, with the
//! device's own authentication and the device header SEG checks compliance by.

use super::{Ens, MailAuth, DEVICE_HEADER};
use crate::ews_answer::{EwsRefusal, VERSION_REFUSED};
use base64::Engine;
use bytes::Bytes;
use mailconform_auth::http_client::send_ntlm;
use mailconform_auth::{NtlmInitiator, Scheme};
use mailconform_ews::{
    parse_get_folder_response, parse_subscribe_response, write_request, EventType, FolderInfo, FolderRef, Operation,
    PushSubscriptionRequest, SchemaVersion,
};
use mailconform_sim::pki::Credential;
use mailconform_sim::{ClientIdentity, RequestOptions};
use std::time::Duration;

/// Versions ENS speaks, newest first; a server that refuses one gets the next.
const VERSIONS: [SchemaVersion; 3] = [SchemaVersion::Exchange2013, SchemaVersion::Exchange2010Sp1, SchemaVersion::Exchange2007Sp1];

/// Why an EWS call failed: the HTTP status (0 when none came back) and what was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EwsFailure {
    pub status: u16,
    pub detail: String,
}

impl std::fmt::Display for EwsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.status == 0 {
            write!(f, "{}", self.detail)
        } else {
            write!(f, "HTTP {}: {}", self.status, self.detail)
        }
    }
}

fn failure(status: u16, detail: impl Into<String>) -> EwsFailure {
    EwsFailure { status, detail: detail.into() }
}

impl Ens {
    async fn ews_call(&self, device_id: &str, auth: &MailAuth, version: SchemaVersion, op: &Operation) -> Result<Bytes, EwsFailure> {
        let mut builder = http::Request::post(&self.config.ews_url)
            .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header(http::header::USER_AGENT, "ENS2")
            .header(DEVICE_HEADER, device_id);
        let mut opts = RequestOptions { timeout: Duration::from_secs(60), ..Default::default() };
        match auth {
            MailAuth::Basic { username, password } => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
                builder = builder.header(http::header::AUTHORIZATION, format!("Basic {encoded}"));
            }
            MailAuth::Oauth { token } => builder = builder.header(http::header::AUTHORIZATION, format!("Bearer {token}")),
            MailAuth::Certificate { cert_pem, key_pem } => {
                let credential = Credential::from_pem(cert_pem, key_pem).map_err(|e| failure(0, format!("Boxer's certificate: {e}")))?;
                opts.identity = Some(ClientIdentity { id: format!("ens-device:{device_id}"), credential });
            }
            MailAuth::Ntlm { .. } => {}
        }
        let req = builder.body(Bytes::from(write_request(version, op))).map_err(|e| failure(0, e.to_string()))?;
        let sent = match auth {
            MailAuth::Ntlm { username, password } => {
                let mut initiator = NtlmInitiator::new(username, password, "ENS2");
                let client_challenge = self.env.rng.next_u64().to_le_bytes();
                send_ntlm(&self.env.http, &req, &opts, &mut initiator, Scheme::Ntlm, client_challenge).await
            }
            _ => self.env.http.send(req, &opts).await,
        };
        let resp = sent.map_err(|e| failure(0, format!("EWS unreachable: {e}")))?;
        crate::ews_answer::read(resp).map_err(|refusal| {
            let detail = match &refusal {
                EwsRefusal::Unauthorized { offered } => {
                    format!(
                        "EWS refused {} authentication (it offers {})",
                        auth.method(),
                        if offered.is_empty() { "nothing".into() } else { offered.join(", ") }
                    )
                }
                EwsRefusal::VersionRefused => VERSION_REFUSED.to_string(),
                EwsRefusal::Fault { code, message } => format!("EWS fault {code}: {message}"),
                EwsRefusal::FaultlessError => "EWS answered 500 without a SOAP fault".to_string(),
                EwsRefusal::Status { body, .. } => body.clone(),
            };
            failure(refusal.status(), detail)
        })
    }

    async fn ews(&self, device_id: &str, auth: &MailAuth, op: &Operation) -> Result<Bytes, EwsFailure> {
        let mut last = failure(0, "no EWS schema version");
        for v in VERSIONS {
            match self.ews_call(device_id, auth, v, op).await {
                Err(e) if e.detail == VERSION_REFUSED => last = e,
                other => return other,
            }
        }
        Err(last)
    }

    pub(crate) async fn inbox(&self, device_id: &str, auth: &MailAuth) -> Result<FolderInfo, EwsFailure> {
        let op = Operation::GetFolder {
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
            base_shape: Some("AllProperties".into()),
        };
        let body = self.ews(device_id, auth, &op).await?;
        match parse_get_folder_response(&body).map_err(|e| failure(200, e.to_string()))?.into_iter().next() {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(failure(200, format!("GetFolder failed: {} {}", e.code, e.message))),
            None => Err(failure(200, "GetFolder answered no folder")),
        }
    }

    pub(crate) async fn subscribe(&self, device_id: &str, auth: &MailAuth, inbox_id: &str) -> Result<String, EwsFailure> {
        let op = Operation::Subscribe(PushSubscriptionRequest {
            subscribe_to_all_folders: false,
            folder_ids: vec![FolderRef::Id { id: inbox_id.to_string(), change_key: None }],
            event_types: vec![EventType::NewMail, EventType::Created, EventType::Modified],
            watermark: None,
            status_frequency: Some("15".into()),
            url: Some(self.notify_url(device_id)),
            caller_data: None,
        });
        let body = self.ews(device_id, auth, &op).await?;
        match parse_subscribe_response(&body).map_err(|e| failure(200, e.to_string()))? {
            Ok((id, _watermark)) => Ok(id),
            Err(e) => Err(failure(200, format!("Subscribe failed: {} {}", e.code, e.message))),
        }
    }
}
