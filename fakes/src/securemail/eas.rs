//! Secure Mail as an ActiveSync client: mail, calendar and contacts travel over EAS to Exchange
//! or Notes Traveler, configured by the MDX "Secure Mail Exchange Server" policy.

use super::error::SecureMailError;
use super::SecureMail;
use crate::role_error::{Kinded, RoleError};
use mailconform_activesync::client::{MeetingAnswer, PingOutcome, ProvisionOutcome};
use mailconform_activesync::store::FolderType;
use mailconform_activesync::{EasClient, EasError, ProtocolVersion};
use mailconform_sim::SimError;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The phone the app runs on: it names the device type on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Platform {
    /// iOS (the default); serialized as `iOS`.
    #[default]
    #[serde(rename = "iOS")]
    Ios,
    /// Android.
    Android,
}

impl Platform {
    /// `iOS`, `ios`, `Android`, case-insensitive.
    pub fn parse(s: &str) -> Option<Platform> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ios" | "iphone" => Some(Platform::Ios),
            "android" => Some(Platform::Android),
            _ => None,
        }
    }

    fn device_type(self) -> &'static str {
        match self {
            Platform::Ios => "iPhone",
            Platform::Android => "Android",
        }
    }
}

/// The ActiveSync endpoint a "Secure Mail Exchange Server" policy value means: a bare FQDN is
/// `https://FQDN/Microsoft-Server-ActiveSync`; a URL is taken as it is (the standard path added
/// when it has none).
pub(crate) fn endpoint_of(policy: &str) -> String {
    let p = policy.trim().trim_end_matches('/');
    if p.starts_with("https://") || p.starts_with("http://") {
        let after_scheme = p.split_once("://").map(|(_, r)| r).unwrap_or(p);
        if after_scheme.contains('/') {
            p.to_string()
        } else {
            format!("{p}/Microsoft-Server-ActiveSync")
        }
    } else {
        format!("https://{p}/Microsoft-Server-ActiveSync")
    }
}

/// What the app shows of its ActiveSync account.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EasView {
    /// The ActiveSync URL the app derived from the Exchange Server policy.
    pub endpoint: String,
    /// The last Sync got the folders.
    pub synced: bool,
    /// Why the last ActiveSync action failed, if it did.
    pub error: Option<RoleError>,
    /// The ActiveSync version agreed from OPTIONS (`MS-ASProtocolVersions`).
    pub version: Option<String>,
    /// The EAS device policy the server sent, if any.
    pub policy: Option<mailconform_activesync::DevicePolicy>,
    /// Settings of that policy the device acknowledged as not applied (Policy Status 2).
    pub policy_not_applied: Vec<String>,
    /// The server ordered a remote wipe and the app deleted the account.
    pub wiped: bool,
    /// Subjects of the Inbox's messages, as synced.
    pub inbox: Vec<String>,
    /// Subjects of the calendar's events, as synced.
    pub calendar: Vec<String>,
    /// Display names of the contacts, as synced.
    pub contacts: Vec<String>,
    /// Ping commands answered ([MS-ASCMD] Ping, the ActiveSync push).
    pub pings: u32,
    /// Pings sent again because the connection holding them was cut (a server restart).
    pub pings_reissued: u32,
    /// The last Sync of the Inbox: what it brought, and under which SyncKeys.
    pub last_inbox_sync: Option<InboxSync>,
}

/// One Sync of the Inbox (with every MoreAvailable round), as the app saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxSync {
    /// The SyncKey the app presented (`0`: it had none, a first or a full resync).
    pub presented_key: String,
    /// The SyncKey the server gave it.
    pub sync_key: String,
    /// Subjects of the messages added.
    pub added: Vec<String>,
    /// Messages changed.
    pub changed: usize,
    /// Messages deleted.
    pub deleted: usize,
    /// Sync requests it took.
    pub requests: usize,
}

/// The ActiveSync versions Secure Mail speaks, oldest first.
pub(crate) const SPOKEN: &[ProtocolVersion] =
    &[ProtocolVersion::V12_1, ProtocolVersion::V14_0, ProtocolVersion::V14_1, ProtocolVersion::V16_0, ProtocolVersion::V16_1];

/// Heartbeat of the app's Ping, in seconds.
pub(crate) const HEARTBEAT_SECS: u32 = 480;

impl SecureMail {
    fn new_client(&self, version: ProtocolVersion) -> EasClient {
        let login = self.config.eas_login.clone().unwrap_or_else(|| self.config.login.clone());
        let c = EasClient::new(
            self.env.http.clone(),
            &endpoint_of(&self.config.exchange_server),
            &login,
            &self.config.password,
            &self.config.activesync_device_id,
            self.config.platform.device_type(),
            version,
        );
        c.set_unenforceable_policies(self.config.eas_unenforceable.clone());
        c
    }

    /// The account's client; before the first connect, one speaking the newest version.
    pub(super) fn eas_client(&self) -> Arc<EasClient> {
        let mut slot = self.eas.lock().expect("eas poisoned");
        if let Some(c) = slot.as_ref() {
            return c.clone();
        }
        let c = Arc::new(self.new_client(*SPOKEN.last().expect("at least one version")));
        *slot = Some(c.clone());
        self.state.lock().expect("state poisoned").eas.endpoint = endpoint_of(&self.config.exchange_server);
        c
    }

    /// Records the failure on the account: not synced, the error published.
    fn eas_fail(&self, e: impl Into<SecureMailError>) -> SecureMailError {
        let e = e.into();
        let mut s = self.state.lock().expect("state poisoned");
        s.eas.synced = false;
        s.eas.wiped |= matches!(e, SecureMailError::Eas(EasError::Wiped));
        s.eas.error = Some(e.published());
        drop(s);
        self.log(format!("ActiveSync: {e}"));
        e
    }

    /// OPTIONS → Provision (both phases, honouring whatever policy the server sends) →
    /// FolderSync → Sync of Inbox, Calendar and Contacts.
    pub(crate) async fn eas_connect(&self) -> Result<(), SecureMailError> {
        let probe = self.eas_client();
        let options = probe.options().await.map_err(|e| self.eas_fail(e))?;
        // The newest version both sides speak, as OPTIONS is there to tell.
        let Some(version) = ProtocolVersion::highest_common(SPOKEN, &options.protocol_versions()) else {
            return Err(self.eas_fail(SecureMailError::NoCommonEasVersion { offered: options.versions.clone() }));
        };
        let c = if probe.version() == version {
            probe
        } else {
            let c = Arc::new(self.new_client(version));
            *self.eas.lock().expect("eas poisoned") = Some(c.clone());
            c
        };
        match c.provision().await.map_err(|e| self.eas_fail(e))? {
            ProvisionOutcome::Provisioned { policy, .. } => {
                self.state.lock().expect("state poisoned").eas.policy = Some(policy);
            }
            ProvisionOutcome::NoPolicy => self.state.lock().expect("state poisoned").eas.policy = None,
            ProvisionOutcome::Wiped => return Err(self.eas_fail(EasError::Wiped)),
        }
        self.state.lock().expect("state poisoned").eas.version = Some(version.as_str().to_string());
        self.eas_sync().await
    }

    /// FolderSync, then Sync of the three collections the app shows.
    pub(crate) async fn eas_sync(&self) -> Result<(), SecureMailError> {
        let c = self.eas_client();
        c.folder_sync().await.map_err(|e| self.eas_fail(e))?;
        for t in [FolderType::Inbox, FolderType::Calendar, FolderType::Contacts] {
            let Some(id) = c.folder_id(t) else {
                return Err(self.eas_fail(EasError::Protocol {
                    command: mailconform_activesync::Command::FolderSync,
                    reason: format!("the server sent no {t:?} folder"),
                }));
            };
            self.sync_folder(&c, &id).await?;
        }
        self.refresh_eas_view(&c);
        Ok(())
    }

    /// Syncs one folder; for the Inbox, records what the Sync brought.
    async fn sync_folder(&self, c: &EasClient, id: &str) -> Result<(), SecureMailError> {
        let presented_key = c.sync_key(id).unwrap_or_else(|| "0".into());
        let result = c.sync(id).await.map_err(|e| self.eas_fail(e))?;
        if c.folder_id(FolderType::Inbox).as_deref() == Some(id) {
            self.state.lock().expect("state poisoned").eas.last_inbox_sync = Some(InboxSync {
                presented_key,
                sync_key: result.sync_key,
                added: result.added.iter().filter_map(|i| i.subject().map(str::to_string)).collect(),
                changed: result.changed.len(),
                deleted: result.deleted.len(),
                requests: result.requests,
            });
        }
        Ok(())
    }

    /// One Ping on the three folders; a change is synced at once. A Ping whose connection is
    /// cut before the server answers (the server restarted) is sent again once, as a device
    /// reissues its long poll: it holds the same SyncKeys, so nothing else is redone.
    pub(crate) async fn eas_ping(&self) -> Result<(), SecureMailError> {
        let c = self.eas_client();
        let ids: Vec<(String, &str)> =
            [(FolderType::Inbox, "Email"), (FolderType::Calendar, "Calendar"), (FolderType::Contacts, "Contacts")]
                .into_iter()
                .filter_map(|(t, class)| c.folder_id(t).map(|id| (id, class)))
                .collect();
        let folders: Vec<(&str, &str)> = ids.iter().map(|(id, class)| (id.as_str(), *class)).collect();
        self.state.lock().expect("state poisoned").eas.pings += 1;
        let mut outcome = c.ping(Some(&folders), Some(HEARTBEAT_SECS)).await;
        if let Err(EasError::Transport(SimError::Http { reason, .. })) = &outcome {
            self.log(format!("ActiveSync: the Ping's connection was cut ({reason}); reissuing it"));
            self.state.lock().expect("state poisoned").eas.pings_reissued += 1;
            outcome = c.ping(Some(&folders), Some(HEARTBEAT_SECS)).await;
        }
        match outcome.map_err(|e| self.eas_fail(e))? {
            PingOutcome::Changed(changed) => {
                for id in changed {
                    self.sync_folder(&c, &id).await?;
                }
                self.refresh_eas_view(&c);
                Ok(())
            }
            PingOutcome::Expired => Ok(()),
            other => {
                Err(self.eas_fail(EasError::Protocol { command: mailconform_activesync::Command::Ping, reason: format!("{other:?}") }))
            }
        }
    }

    /// The account's client, its Inbox's id and the synced Inbox message with `subject`.
    pub(super) fn inbox_item(
        &self,
        subject: &str,
    ) -> Result<(Arc<EasClient>, String, mailconform_activesync::client::SyncItem), SecureMailError> {
        let c = self.eas_client();
        let inbox = c.folder_id(FolderType::Inbox).ok_or(SecureMailError::NotSynced)?;
        let item = c
            .items(&inbox)
            .into_iter()
            .find(|i| i.subject() == Some(subject))
            .ok_or_else(|| SecureMailError::NoSuchMessage { subject: subject.to_string() })?;
        Ok((c, inbox, item))
    }

    /// Delete the Inbox item with this subject, as the user does with a swipe.
    pub(crate) async fn eas_delete(&self, subject: &str) -> Result<(), SecureMailError> {
        let (c, inbox, item) = self.inbox_item(subject)?;
        c.delete(&inbox, &item.server_id).await.map_err(|e| self.eas_fail(e))?;
        self.refresh_eas_view(&c);
        Ok(())
    }

    /// Answer the meeting request with this subject (accept, tentative or decline), as the
    /// user does from the Inbox; the calendar is synced afterwards.
    pub(crate) async fn eas_meeting_response(&self, subject: &str, answer: MeetingAnswer) -> Result<(), SecureMailError> {
        let (c, inbox, item) = self.inbox_item(subject)?;
        c.meeting_response(&inbox, &item.server_id, answer).await.map_err(|e| self.eas_fail(e))?;
        self.eas_sync().await
    }

    /// Send a plain-text message (RFC 5322) through ActiveSync SendMail.
    pub(crate) async fn eas_send(&self, to: &str, subject: &str, body: &str) -> Result<(), SecureMailError> {
        let c = self.eas_client();
        let mime = format!(
            "From: {}\r\nTo: {to}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
            self.config.email
        );
        c.send_mail(mime.as_bytes()).await.map_err(|e| self.eas_fail(e))?;
        Ok(())
    }

    fn refresh_eas_view(&self, c: &EasClient) {
        let subjects = |t: FolderType, field: &str| -> Vec<String> {
            c.folder_id(t).map(|id| c.items(&id).iter().filter_map(|i| i.field(field).map(str::to_string)).collect()).unwrap_or_default()
        };
        let (inbox, calendar, contacts) = (
            subjects(FolderType::Inbox, "Subject"),
            subjects(FolderType::Calendar, "Subject"),
            subjects(FolderType::Contacts, "Email1Address"),
        );
        let mut s = self.state.lock().expect("state poisoned");
        s.eas.inbox = inbox;
        s.eas.calendar = calendar;
        s.eas.contacts = contacts;
        s.eas.synced = true;
        s.eas.error = None;
        s.eas.wiped = c.is_wiped();
        // A policy refresh (Status 143) during the sync may have brought a new policy.
        s.eas.policy = c.policy();
        s.eas.policy_not_applied = c.policies_not_applied();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_values_become_endpoints() {
        assert_eq!(endpoint_of("traveler.example.test"), "https://traveler.example.test/Microsoft-Server-ActiveSync");
        assert_eq!(
            endpoint_of("https://t.example.test/traveler/Microsoft-Server-ActiveSync"),
            "https://t.example.test/traveler/Microsoft-Server-ActiveSync"
        );
        assert_eq!(endpoint_of("http://t.example.test"), "http://t.example.test/Microsoft-Server-ActiveSync");
    }
}
