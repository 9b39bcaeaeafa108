//! The built-in EWS adapter: what a step does to a real Exchange's mailboxes, done with the
//! server's own protocol, signed in as its mailboxes (the Interop-TestSuites' "SUT control
//! adapter" without PowerShell). Mail arrives by `CreateItem` with `SendAndSaveCopy` from the
//! configured sender's mailbox ([MS-OXWSCORE] 3.1.4.2), is marked read by `UpdateItem`
//! (`message:IsRead`), and the Inbox's unread count is read with `GetFolder`, the number a
//! badge must show ([MS-OXWSFOLD]).

use super::{DriverError, Operation};
use crate::ews_answer::{self, EwsCallError};
use bytes::Bytes;
use mailconform_ews::{
    parse_create_item_response, parse_find_item_response, parse_get_folder_response, parse_update_item_response, write_request,
    CreateItemRequest, FindItemRequest, FolderRef, FoundItem, ItemChange, NewMessage, Operation as EwsOperation, SchemaVersion,
    UpdateItemRequest,
};
use mailconform_sim::{HttpClient, RequestOptions};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long one EWS call of the adapter may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a sent message may take to appear in its recipient's Inbox (transport and the
/// mailbox's delivery agent; Exchange needs a few seconds at most).
const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(30);

/// How often the recipient's Inbox is looked at while a sent message is on its way.
const ARRIVAL_POLL: Duration = Duration::from_millis(250);

/// The schema version the adapter speaks: Exchange 2010 SP2 and later take it, and every
/// operation it uses exists there.
const VERSION: SchemaVersion = SchemaVersion::Exchange2010Sp2;

/// One mailbox of the real EWS the adapter signs in as.
#[derive(Clone, Debug)]
pub struct EwsAccount {
    /// What is sent as the user name (`alice@corp.example`, `CORP\alice`).
    pub login: String,
    /// Its password.
    pub password: String,
    /// Its SMTP address on the server; `None`: the features' address for the user.
    pub email: Option<String>,
}

/// A real EWS and the mailboxes the adapter signs in as.
#[derive(Clone)]
pub struct EwsAdapter {
    /// A client over real TCP that trusts what the target configuration says.
    pub http: HttpClient,
    /// The EWS endpoint.
    pub url: String,
    /// The target's mailboxes, by the features' user name (`alice`).
    pub accounts: BTreeMap<String, EwsAccount>,
    /// The user whose mailbox sends the mail a step makes arrive (`send_mail_from`).
    pub send_from: Option<String>,
}

impl std::fmt::Debug for EwsAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EwsAdapter")
            .field("url", &self.url)
            .field("users", &self.accounts.keys())
            .field("send_from", &self.send_from)
            .finish()
    }
}

/// What went wrong, before it becomes the driver's error for the operation asked.
type Failure = String;

impl EwsAdapter {
    /// The account of the features' `mailbox` (`alice@example.test`: the user `alice`).
    fn account(&self, mailbox: &str) -> Result<&EwsAccount, Failure> {
        let user = mailbox.split('@').next().unwrap_or(mailbox);
        self.accounts.get(user).ok_or_else(|| {
            format!(
                "the target configuration has no mailbox for {user}: add a [[target.\"exchange.ews\".mailbox]] with user = \"{user}\" \
                 and its login and password"
            )
        })
    }

    /// `account`'s SMTP address: the configured one, else the features' own.
    fn address<'a>(account: &'a EwsAccount, mailbox: &'a str) -> &'a str {
        account.email.as_deref().unwrap_or(mailbox)
    }

    /// Sends `op` signed in as `account`; the body of a 200, or why not.
    async fn call(&self, account: &EwsAccount, op: &EwsOperation) -> Result<Bytes, EwsCallError> {
        let req = http::Request::post(&self.url)
            .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header(http::header::AUTHORIZATION, mailconform_sim::basic_authorization(&account.login, &account.password))
            .body(Bytes::from(write_request(VERSION, op)))?;
        let resp = self.http.send(req, &RequestOptions { timeout: CALL_TIMEOUT, ..Default::default() }).await?;
        Ok(ews_answer::read(resp)?)
    }

    /// Sends a message with `subject` from the sender's mailbox to `mailbox` and waits until it
    /// is in `mailbox`'s Inbox; gives its item id there.
    pub(crate) async fn deliver(&self, mailbox: &str, subject: &str) -> Result<String, Failure> {
        let to = self.account(mailbox)?;
        let from_user = self.send_from.as_deref().ok_or("the adapter names no sender (send_mail_from)")?;
        let from =
            self.accounts.get(from_user).ok_or_else(|| format!("send_mail_from = \"{from_user}\" names no mailbox of the target"))?;
        let message = NewMessage::text(subject, subject, &[Self::address(to, mailbox)]);
        let op = EwsOperation::CreateItem(CreateItemRequest::send_and_save_copy(vec![message]));
        let body = self.call(from, &op).await.map_err(|e| format!("CreateItem as {}: {e}", from.login))?;
        match parse_create_item_response(&body).map_err(|e| format!("CreateItem answered what it does not: {e}"))?.into_iter().next() {
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("CreateItem as {} failed: {} {}", from.login, e.code, e.message)),
            None => return Err("CreateItem answered no response message".into()),
        }
        let deadline = tokio::time::Instant::now() + ARRIVAL_TIMEOUT;
        loop {
            if let Some(found) = self.inbox(to).await?.into_iter().find(|i| i.subject.as_deref() == Some(subject)) {
                return Ok(found.item.id);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "the message \"{subject}\" sent from {} was not in {}'s Inbox after {} s",
                    from.login,
                    to.login,
                    ARRIVAL_TIMEOUT.as_secs()
                ));
            }
            tokio::time::sleep(ARRIVAL_POLL).await;
        }
    }

    /// Every item of `account`'s Inbox, with its subject and read state.
    async fn inbox(&self, account: &EwsAccount) -> Result<Vec<FoundItem>, Failure> {
        let op = EwsOperation::FindItem(FindItemRequest::inbox_subjects());
        let body = self.call(account, &op).await.map_err(|e| format!("FindItem as {}: {e}", account.login))?;
        match parse_find_item_response(&body).map_err(|e| format!("FindItem answered what it does not: {e}"))?.into_iter().next() {
            Some(Ok(found)) => Ok(found.items),
            Some(Err(e)) => Err(format!("FindItem as {} failed: {} {}", account.login, e.code, e.message)),
            None => Err("FindItem answered no response message".into()),
        }
    }

    /// Marks items of `account`'s mailbox read or unread.
    async fn set_read(&self, account: &EwsAccount, items: Vec<FoundItem>, read: bool) -> Result<(), Failure> {
        if items.is_empty() {
            return Ok(());
        }
        let changes = items.into_iter().map(|i| ItemChange::set_is_read(i.item, read)).collect();
        let op = EwsOperation::UpdateItem(UpdateItemRequest::always_overwrite(changes));
        let body = self.call(account, &op).await.map_err(|e| format!("UpdateItem as {}: {e}", account.login))?;
        for answer in parse_update_item_response(&body).map_err(|e| format!("UpdateItem answered what it does not: {e}"))? {
            if let Err(e) = answer {
                return Err(format!("UpdateItem as {} failed: {} {}", account.login, e.code, e.message));
            }
        }
        Ok(())
    }

    /// Marks one message of `mailbox` read or unread; gives the Inbox's unread count after.
    pub(crate) async fn mark_read(&self, mailbox: &str, item_id: &str, read: bool) -> Result<u32, Failure> {
        let account = self.account(mailbox)?;
        let item = self.inbox(account).await?.into_iter().find(|i| i.item.id == item_id);
        let item = item.ok_or_else(|| format!("no item {item_id} in {}'s Inbox", account.login))?;
        self.set_read(account, vec![item], read).await?;
        self.unread(mailbox).await
    }

    /// Marks every unread message of `mailbox`'s Inbox read; gives the unread count after.
    pub(crate) async fn read_all(&self, mailbox: &str) -> Result<u32, Failure> {
        let account = self.account(mailbox)?;
        let unread: Vec<FoundItem> = self.inbox(account).await?.into_iter().filter(|i| i.is_read == Some(false)).collect();
        self.set_read(account, unread, true).await?;
        self.unread(mailbox).await
    }

    /// The unread count of `mailbox`'s Inbox, as `GetFolder` gives it.
    pub(crate) async fn unread(&self, mailbox: &str) -> Result<u32, Failure> {
        let account = self.account(mailbox)?;
        let op = EwsOperation::GetFolder {
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
            base_shape: Some("Default".into()),
        };
        let body = self.call(account, &op).await.map_err(|e| format!("GetFolder as {}: {e}", account.login))?;
        match parse_get_folder_response(&body).map_err(|e| format!("GetFolder answered what it does not: {e}"))?.into_iter().next() {
            Some(Ok(f)) => Ok(f.unread_count),
            Some(Err(e)) => Err(format!("GetFolder as {} failed: {} {}", account.login, e.code, e.message)),
            None => Err("GetFolder answered no folder".into()),
        }
    }
}

/// The driver's error for `operation` that failed with `reason`.
pub(crate) fn refused(role: &str, operation: Operation, reason: Failure) -> DriverError {
    DriverError::Refused { role: role.to_string(), operation, reason }
}
