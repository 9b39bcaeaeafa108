//! The little EWS the app speaks: read the inbox, subscribe to push. Only for the subscription;
//! mail itself travels over ActiveSync (FAQ Configuration Q7).

use super::SecureMail;
use crate::ews_answer::{EwsCallError, EwsRefusal};
use bytes::Bytes;
use mailconform_ews::{
    parse_get_folder_response, parse_subscribe_response, write_request, EventType, FolderInfo, FolderRef, Operation,
    PushSubscriptionRequest, SchemaVersion,
};
use mailconform_sim::RequestOptions;
use std::time::Duration;

impl SecureMail {
    async fn ews_call(&self, version: SchemaVersion, op: &Operation) -> Result<Bytes, EwsCallError> {
        let url = self.config.ews_url();
        let (login, password) = self.config.ews_credentials();
        let req = http::Request::post(&url)
            .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header(http::header::AUTHORIZATION, mailconform_sim::basic_authorization(login, password))
            .header(http::header::USER_AGENT, "SecureMail/iOS")
            .body(Bytes::from(write_request(version, op)))?;
        let resp = self.env.http.send(req, &RequestOptions { timeout: Duration::from_secs(60), ..Default::default() }).await?;
        Ok(crate::ews_answer::read(resp)?)
    }

    /// Find the newest schema version the server takes, the way EWS clients probe.
    async fn ews_with_version(&self, op: &Operation) -> Result<(SchemaVersion, Bytes), EwsCallError> {
        let known = self.state.lock().expect("state poisoned").ews_version.clone().and_then(|v| SchemaVersion::parse(&v));
        let candidates: Vec<SchemaVersion> = match known {
            Some(v) => vec![v],
            None => self.config.ews_versions.clone(),
        };
        let mut tried = Vec::new();
        for v in candidates {
            match self.ews_call(v, op).await {
                Ok(b) => {
                    self.state.lock().expect("state poisoned").ews_version = Some(v.as_str().to_string());
                    return Ok((v, b));
                }
                Err(EwsCallError::Refused(EwsRefusal::VersionRefused)) => tried.push(v),
                Err(e) => return Err(e),
            }
        }
        Err(EwsCallError::NoSchemaVersion { tried })
    }

    pub(crate) async fn get_inbox(&self) -> Result<FolderInfo, EwsCallError> {
        let op = Operation::GetFolder {
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
            base_shape: Some("AllProperties".into()),
        };
        let (_, body) = self.ews_with_version(&op).await?;
        match parse_get_folder_response(&body)?.into_iter().next() {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(EwsCallError::Operation { operation: "GetFolder", code: e.code.to_string(), message: e.message }),
            None => Err(EwsCallError::NoFolder),
        }
    }

    pub(crate) async fn subscribe(&self, inbox_id: &str, url: &str) -> Result<String, EwsCallError> {
        let op = Operation::Subscribe(PushSubscriptionRequest {
            subscribe_to_all_folders: false,
            folder_ids: vec![FolderRef::Id { id: inbox_id.to_string(), change_key: None }],
            event_types: vec![EventType::NewMail, EventType::Created, EventType::Modified, EventType::Deleted, EventType::Moved],
            watermark: None,
            status_frequency: Some(self.config.status_frequency_minutes.to_string()),
            url: Some(url.to_string()),
            caller_data: None,
        });
        let (_, body) = self.ews_with_version(&op).await?;
        match parse_subscribe_response(&body)? {
            Ok((id, _watermark)) => Ok(id),
            Err(e) => Err(EwsCallError::Operation { operation: "Subscribe", code: e.code.to_string(), message: e.message }),
        }
    }
}
