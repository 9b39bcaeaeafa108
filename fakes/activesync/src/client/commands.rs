//! The other commands a device sends: Ping, MeetingResponse, SendMail, ItemOperations
//! Fetch, GetItemEstimate and Settings.

use super::wire::find_status;
use super::{EasClient, EasError, MeetingAnswer, PingOutcome, SyncItem, COMMAND_TIMEOUT, POLL_MARGIN};
use crate::http::{Command, ProtocolVersion};
use crate::status::ping as ps;
use crate::{
    el, empty, leaf, opaque, AirSync as A, AirSyncBase as AB, ComposeMail as CM, Document, GetItemEstimate as GE, ItemOperations as IO,
    MeetingResponse as MR, Ping as P, Settings as S,
};
use std::time::Duration;

impl EasClient {
    /// Ping: `folders` are (ServerId, Class) pairs; `None`s use what the server cached.
    pub async fn ping(&self, folders: Option<&[(&str, &str)]>, heartbeat_secs: Option<u32>) -> Result<PingOutcome, EasError> {
        const C: Command = Command::Ping;
        let mut children = Vec::new();
        if let Some(h) = heartbeat_secs {
            children.push(leaf(P::HeartbeatInterval, h.to_string()));
        }
        if let Some(f) = folders {
            children.push(el(P::Folders, f.iter().map(|(id, class)| el(P::Folder, [leaf(P::Id, *id), leaf(P::Class, *class)]))));
        }
        let body = (!children.is_empty()).then(|| Document::new(el(P::Ping, children)));
        let wait = Duration::from_secs(u64::from(heartbeat_secs.unwrap_or(3540))) + POLL_MARGIN;
        let doc = self.command(C, body, wait).await?.ok_or(EasError::Protocol { command: C, reason: "empty Ping answer".into() })?;
        let status = find_status(&doc.root, &["Status"]);
        let number = |name: &str| doc.find(&[name]).and_then(|v| v.trim().parse::<u32>().ok());
        match status {
            Some(ps::EXPIRED) => Ok(PingOutcome::Expired),
            Some(ps::CHANGES) => Ok(PingOutcome::Changed(
                doc.find_all(&["Folders", "Folder"]).into_iter().filter_map(|f| f.text().map(str::to_string)).collect(),
            )),
            Some(ps::HEARTBEAT_OUT_OF_RANGE) => Ok(PingOutcome::HeartbeatOutOfRange { limit: number("HeartbeatInterval").unwrap_or(0) }),
            Some(ps::TOO_MANY_FOLDERS) => Ok(PingOutcome::TooManyFolders { max: number("MaxFolders").unwrap_or(0) }),
            other => Err(EasError::Status { command: C, status: other.unwrap_or(0) }),
        }
    }

    /// Answers a meeting request; returns the calendar item's ServerId on accept/tentative.
    pub async fn meeting_response(&self, collection_id: &str, request_id: &str, answer: MeetingAnswer) -> Result<Option<String>, EasError> {
        const C: Command = Command::MeetingResponse;
        let mut request = vec![
            leaf(MR::UserResponse, (answer as u8).to_string()),
            leaf(MR::CollectionId, collection_id),
            leaf(MR::RequestId, request_id),
        ];
        if self.version >= ProtocolVersion::V16_0 {
            request.push(empty(MR::SendResponse));
        }
        let body = Document::new(el(MR::MeetingResponse, [el(MR::Request, request)]));
        let doc = self
            .command(C, Some(body), COMMAND_TIMEOUT)
            .await?
            .ok_or(EasError::Protocol { command: C, reason: "empty MeetingResponse answer".into() })?;
        let result = doc.find_element(&["Result"]).ok_or(EasError::Protocol { command: C, reason: "no Result".into() })?;
        let status = find_status(result, &["Status"]);
        if status != Some(crate::status::meeting_response::SUCCESS) {
            return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
        }
        Ok(result.find(&["CalendarId"]).map(str::to_string))
    }

    /// Sends a message (RFC 5322 bytes), keeping a copy in Sent Items.
    pub async fn send_mail(&self, mime: &[u8]) -> Result<(), EasError> {
        const C: Command = Command::SendMail;
        let answer = if self.version >= ProtocolVersion::V14_0 {
            let client_id = {
                let mut s = self.lock();
                s.next_client_id += 1;
                format!("{}-{}", self.device_id, s.next_client_id)
            };
            let body = Document::new(el(
                CM::SendMail,
                [leaf(CM::ClientId, client_id), empty(CM::SaveInSentItems), el(CM::Mime, [opaque(mime.to_vec())])],
            ));
            self.command(C, Some(body), COMMAND_TIMEOUT).await?
        } else {
            if self.is_wiped() {
                return Err(EasError::Wiped);
            }
            let mut req = self.request(C, None, self.policy_key());
            req.mime = Some(bytes::Bytes::copy_from_slice(mime));
            req.params.save_in_sent = true;
            self.exchange(req, COMMAND_TIMEOUT).await?
        };
        match answer {
            None => Ok(()),
            Some(doc) => match find_status(&doc.root, &["Status"]) {
                Some(1) | None => Ok(()),
                Some(s) => Err(EasError::Status { command: C, status: s }),
            },
        }
    }

    /// ItemOperations Fetch of one item with its whole body.
    pub async fn fetch(&self, collection_id: &str, server_id: &str) -> Result<SyncItem, EasError> {
        self.fetch_with(collection_id, server_id, 1).await
    }

    /// ItemOperations Fetch of one item with its whole body of `body_type` (1 text, 2 HTML,
    /// 4 MIME: the whole message, as a client reading S/MIME asks for it).
    pub async fn fetch_with(&self, collection_id: &str, server_id: &str, body_type: u8) -> Result<SyncItem, EasError> {
        const C: Command = Command::ItemOperations;
        let body = Document::new(el(
            IO::ItemOperations,
            [el(
                IO::Fetch,
                [
                    leaf(IO::Store, "Mailbox"),
                    leaf(A::CollectionId, collection_id),
                    leaf(A::ServerId, server_id),
                    el(IO::Options, [el(AB::BodyPreference, [leaf(AB::Type, body_type.to_string())])]),
                ],
            )],
        ));
        let doc = self
            .command(C, Some(body), COMMAND_TIMEOUT)
            .await?
            .ok_or(EasError::Protocol { command: C, reason: "empty ItemOperations answer".into() })?;
        let top = find_status(&doc.root, &["Status"]);
        if top != Some(1) {
            return Err(EasError::Status { command: C, status: top.unwrap_or(0) });
        }
        let fetch =
            doc.find_element(&["Response", "Fetch"]).ok_or(EasError::Protocol { command: C, reason: "no Response/Fetch".into() })?;
        let status = find_status(fetch, &["Status"]);
        if status != Some(1) {
            return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
        }
        let properties = fetch.child("Properties").cloned().unwrap_or_else(|| empty(IO::Properties));
        Ok(SyncItem { server_id: server_id.to_string(), data: properties })
    }

    /// GetItemEstimate for one synced collection.
    pub async fn estimate(&self, collection_id: &str) -> Result<u32, EasError> {
        const C: Command = Command::GetItemEstimate;
        let key = self.sync_key(collection_id).unwrap_or_else(|| "0".into());
        let body = Document::new(el(
            GE::GetItemEstimate,
            [el(GE::Collections, [el(GE::Collection, [leaf(A::SyncKey, key), leaf(GE::CollectionId, collection_id)])])],
        ));
        let doc = self
            .command(C, Some(body), COMMAND_TIMEOUT)
            .await?
            .ok_or(EasError::Protocol { command: C, reason: "empty GetItemEstimate answer".into() })?;
        let status = find_status(&doc.root, &["Response", "Status"]);
        if status != Some(1) {
            return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
        }
        doc.find(&["Response", "Collection", "Estimate"])
            .and_then(|e| e.trim().parse().ok())
            .ok_or(EasError::Protocol { command: C, reason: "no Estimate".into() })
    }

    /// Settings UserInformation Get: the user's SMTP addresses.
    pub async fn user_addresses(&self) -> Result<Vec<String>, EasError> {
        const C: Command = Command::Settings;
        let body = Document::new(el(S::Settings, [el(S::UserInformation, [empty(S::Get)])]));
        let doc = self
            .command(C, Some(body), COMMAND_TIMEOUT)
            .await?
            .ok_or(EasError::Protocol { command: C, reason: "empty Settings answer".into() })?;
        let status = find_status(&doc.root, &["Status"]);
        if status != Some(1) {
            return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
        }
        let mut addresses: Vec<String> = Vec::new();
        for path in [
            &["UserInformation", "Get", "EmailAddresses", "SMTPAddress"][..],
            &["UserInformation", "Get", "Accounts", "Account", "EmailAddresses", "SMTPAddress"][..],
        ] {
            addresses.extend(doc.find_all(path).into_iter().filter_map(|e| e.text().map(str::to_string)));
        }
        Ok(addresses)
    }
}
