//! ENS's side of EWS: read the inbox and subscribe to push, for one device, with the
//! device's own authentication and the device header SEG checks compliance by.

use super::{Ens, MailAuth, DEVICE_HEADER};
use crate::ews_answer::{offered_list, EwsCallError, EwsRefusal};
use crate::role_error::{ErrorKind, Kinded};
use bytes::Bytes;
use mailconform_auth::http_client::send_ntlm;
use mailconform_auth::{AuthMethod, NtlmInitiator, Scheme};
use mailconform_ews::{
    parse_get_folder_response, parse_subscribe_response, write_request, EventType, FolderInfo, FolderRef, Operation,
    PushSubscriptionRequest, SchemaVersion,
};
use mailconform_sim::{ClientIdentity, Credential, RequestOptions, SimError};
use std::time::Duration;

/// Versions ENS speaks, newest first; a server that refuses one gets the next.
const VERSIONS: [SchemaVersion; 3] = [SchemaVersion::Exchange2013, SchemaVersion::Exchange2010Sp1, SchemaVersion::Exchange2007Sp1];

/// Why ENS could not act over EWS for a device.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EwsFailure {
    /// The certificate Boxer handed over does not load.
    #[error("Boxer's certificate: {0}")]
    Certificate(SimError),
    /// EWS answered 401 to the device's authentication method.
    #[error("EWS refused {method} authentication (it offers {})", offered_list(offered))]
    AuthRefused { method: AuthMethod, offered: Vec<String> },
    #[error(transparent)]
    Call(EwsCallError),
}

impl EwsFailure {
    /// The HTTP status EWS (or SEG in front of it) answered; 0 when none came back.
    pub(crate) fn status(&self) -> u16 {
        match self {
            EwsFailure::Certificate(_) => 0,
            EwsFailure::AuthRefused { .. } => 401,
            EwsFailure::Call(EwsCallError::Refused(r)) => r.status(),
            EwsFailure::Call(EwsCallError::Unreadable(_) | EwsCallError::Operation { .. } | EwsCallError::NoFolder) => 200,
            EwsFailure::Call(EwsCallError::NoSchemaVersion { .. }) => 500,
            EwsFailure::Call(EwsCallError::Transport(_) | EwsCallError::Request(_)) => 0,
        }
    }

    fn of(method: AuthMethod, e: EwsCallError) -> EwsFailure {
        match e {
            EwsCallError::Refused(EwsRefusal::Unauthorized { offered }) => EwsFailure::AuthRefused { method, offered },
            other => EwsFailure::Call(other),
        }
    }
}

impl Kinded for EwsFailure {
    fn kind(&self) -> ErrorKind {
        match self {
            EwsFailure::Certificate(_) => ErrorKind::NotConfigured,
            // A challenge for the device's own scheme means the method is there and the
            // credentials (or the handshake) failed; none means the method is not offered.
            EwsFailure::AuthRefused { method, offered } => {
                let offers_it = method.scheme().is_some_and(|s| offered.iter().any(|o| Scheme::parse(o) == s));
                if offers_it {
                    ErrorKind::Unauthorized
                } else {
                    ErrorKind::AuthMethodRefused { method: *method }
                }
            }
            EwsFailure::Call(e) => e.kind(),
        }
    }
}

impl Ens {
    async fn ews_call(&self, device_id: &str, auth: &MailAuth, version: SchemaVersion, op: &Operation) -> Result<Bytes, EwsFailure> {
        let mut builder = http::Request::post(self.ews_url())
            .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header(http::header::USER_AGENT, "ENS2")
            .header(DEVICE_HEADER, device_id);
        let mut opts = RequestOptions { timeout: Duration::from_secs(60), ..Default::default() };
        match auth {
            MailAuth::Basic { username, password } => {
                builder = builder.header(http::header::AUTHORIZATION, mailconform_sim::basic_authorization(username, password));
            }
            MailAuth::Oauth { token } => builder = builder.header(http::header::AUTHORIZATION, format!("Bearer {token}")),
            MailAuth::Certificate { cert_pem, key_pem } => {
                let credential = Credential::from_pem(cert_pem, key_pem).map_err(EwsFailure::Certificate)?;
                opts.identity = Some(ClientIdentity { id: format!("ens-device:{device_id}"), credential });
            }
            MailAuth::Ntlm { .. } => {}
        }
        let call = |e: EwsCallError| EwsFailure::of(auth.method(), e);
        let req = builder.body(Bytes::from(write_request(version, op))).map_err(|e| call(e.into()))?;
        let sent = match auth {
            MailAuth::Ntlm { username, password } => {
                let mut initiator = NtlmInitiator::new(username, password, "ENS2");
                let client_challenge = self.env.rng.next_u64().to_le_bytes();
                send_ntlm(&self.env.http, &req, &opts, &mut initiator, Scheme::Ntlm, client_challenge).await
            }
            _ => self.env.http.send(req, &opts).await,
        };
        let resp = sent.map_err(|e| call(e.into()))?;
        crate::ews_answer::read(resp).map_err(|refusal| call(refusal.into()))
    }

    async fn ews(&self, device_id: &str, auth: &MailAuth, op: &Operation) -> Result<Bytes, EwsFailure> {
        let mut last = EwsFailure::Call(EwsCallError::NoSchemaVersion { tried: Vec::new() });
        for v in VERSIONS {
            match self.ews_call(device_id, auth, v, op).await {
                Err(e @ EwsFailure::Call(EwsCallError::Refused(EwsRefusal::VersionRefused))) => last = e,
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
        let call = |e: EwsCallError| EwsFailure::of(auth.method(), e);
        match parse_get_folder_response(&body).map_err(|e| call(e.into()))?.into_iter().next() {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(call(EwsCallError::Operation { operation: "GetFolder", code: e.code.to_string(), message: e.message })),
            None => Err(call(EwsCallError::NoFolder)),
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
        match parse_subscribe_response(&body).map_err(|e| EwsFailure::of(auth.method(), e.into()))? {
            Ok((id, _watermark)) => Ok(id),
            Err(e) => Err(EwsFailure::of(
                auth.method(),
                EwsCallError::Operation { operation: "Subscribe", code: e.code.to_string(), message: e.message },
            )),
        }
    }
}
