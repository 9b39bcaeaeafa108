//! A real component in a role: what its own protocols offer, plus the operations its target
//! configuration's command adapter performs. Everything else is
//! [`DriverError::NotSupported`], so a scenario that needs it is not applicable to the target
//! rather than passed or failed.

use super::ews_adapter::refused;
use super::{Backing, DriverError, DriverFuture, Operation};
use crate::exchange::contract::{DeliveryRecord, EwsRequestRecord, SubscriptionView};
use mailconform_activesync::server::contract::Partnership;
use mailconform_activesync::server::RequestRecord;
use mailconform_activesync::DevicePolicy;
use std::time::Duration;

/// How long a command of the adapter may take before it counts as failed.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Shell commands that do on a real server what a fake's control API does, one per
/// operation, with placeholders filled per call (`{user}`: the mailbox's local part,
/// `{email}`: its address), values shell-quoted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandAdapter {
    /// Puts a message into a mailbox's Inbox; the RFC 5322 message is on its stdin
    /// (`doveadm save -u {user} -m INBOX`).
    pub deliver_mail: Option<String>,
    /// The built-in alternative to `deliver_mail` for a server the harness has no shell on:
    /// the message is sent by ActiveSync SendMail from this mailbox of the same server (the
    /// `user` of one of the target's mailboxes).
    pub send_mail_from: Option<String>,
    /// Sets a device's state in a real UEM console (`{device_id}`, `{email}`, `{state}`).
    pub set_device_state: Option<String>,
    /// Prints an access token of a real identity provider for a user (`{user}`, `{login}`,
    /// `{scope}`), for a provider whose sign-in the harness cannot do itself (see
    /// [`super::access_token`]).
    pub access_token: Option<String>,
}

/// What the built-in SendMail adapter signs in with: another mailbox of the same server.
#[derive(Clone)]
pub struct SendMailFrom {
    /// A client that reaches the server and trusts what the target configuration trusts.
    pub http: mailconform_sim::HttpClient,
    /// The sending mailbox's login.
    pub login: String,
    /// Its password.
    pub password: String,
    /// The ActiveSync version to speak (the target's newest, 14.1 when it names none).
    pub version: mailconform_activesync::ProtocolVersion,
}

impl std::fmt::Debug for SendMailFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendMailFrom").field("login", &self.login).field("version", &self.version).finish_non_exhaustive()
    }
}

/// A role backed by a real component at `url`.
#[derive(Clone, Debug)]
pub struct RealComponent {
    /// The role it stands in (`exchange.eas`).
    pub role: String,
    /// Where it serves its protocol.
    pub url: String,
    /// What its operator configured the harness to run for it.
    pub adapter: CommandAdapter,
    /// The mailbox the built-in SendMail adapter sends from, when `send_mail_from` names one.
    pub sender: Option<SendMailFrom>,
    /// The built-in EWS adapter, when the component serves EWS and the target configuration
    /// has its mailboxes: mail sent, marked read and counted with EWS itself.
    pub ews: Option<super::EwsAdapter>,
    /// Reads a mailbox's folders with ActiveSync, when the component serves ActiveSync and the
    /// target configuration has its mailboxes.
    pub eas_reader: Option<super::EasReader>,
}

impl RealComponent {
    pub(super) fn not_supported<T>(&self, operation: Operation, why: &'static str) -> Result<T, DriverError> {
        Err(DriverError::NotSupported { role: self.role.clone(), operation, backing: Backing::Real { url: self.url.clone() }, why })
    }

    /// Runs `template` with the placeholders filled and `stdin` as its input.
    /// Sends `mime` by ActiveSync SendMail from `from`'s mailbox (provisioning first, as the
    /// server asks), so that it arrives in the recipient's Inbox on the same server.
    async fn send_mail(&self, from: &SendMailFrom, mime: &[u8]) -> Result<(), DriverError> {
        let refused = |reason: String| DriverError::Refused { role: self.role.clone(), operation: Operation::Deliver, reason };
        let client = mailconform_activesync::EasClient::new(
            from.http.clone(),
            &self.url,
            &from.login,
            &from.password,
            "MAILCONFORMSENDER",
            "SmartPhone",
            from.version,
        );
        let sent = async {
            client.provision().await?;
            client.send_mail(mime).await
        };
        match tokio::time::timeout(COMMAND_TIMEOUT, sent).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(refused(format!("SendMail from {} failed: {e}", from.login))),
            Err(_) => Err(refused(format!("SendMail from {} took more than {} s", from.login, COMMAND_TIMEOUT.as_secs()))),
        }
    }

    async fn command(&self, operation: Operation, template: &str, email: &str, stdin: &[u8]) -> Result<String, DriverError> {
        let user = email.split('@').next().unwrap_or(email);
        let line = super::command::fill(template, &[("user", user), ("email", email)]);
        super::command::run(&self.role, operation, &line, stdin).await
    }
}

/// The message `deliver_mail` gets on its stdin: RFC 5322, plain text, the subject as body.
fn message(email: &str, subject: &str, message_id: &str) -> String {
    format!(
        "From: Mailconform <harness@example.test>\r\nTo: <{email}>\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{subject}\r\n"
    )
}

/// The iMIP message (RFC 6047) a meeting request from bob to `email` is, or with `response`
/// bob's acceptance of a meeting `email` organized: a text part and a `text/calendar` part with
/// `METHOD:REQUEST` or `METHOD:REPLY`, at the time the fakes' meetings use (2026-01-06 10:00 to
/// 11:00 UTC).
pub(crate) fn meeting_message(email: &str, subject: &str, message_id: &str, response: bool) -> String {
    let organizer = if response { email } else { BOB };
    let (method, attendee) = match response {
        false => ("REQUEST", format!("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{email}")),
        true => ("REPLY", format!("ATTENDEE;PARTSTAT=ACCEPTED:mailto:{BOB}")),
    };
    let calendar = format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//mailconform//harness//EN\r\nVERSION:2.0\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\n\
         UID:{message_id}\r\nDTSTAMP:20260105T090000Z\r\nDTSTART:20260106T100000Z\r\nDTEND:20260106T110000Z\r\n\
         SUMMARY:{subject}\r\nORGANIZER:mailto:{organizer}\r\n{attendee}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    format!(
        "From: Bob <{BOB}>\r\nTo: <{email}>\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"mailconform-imip\"\r\n\r\n\
         --mailconform-imip\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{subject}\r\n\
         --mailconform-imip\r\nContent-Type: text/calendar; charset=utf-8; method={method}\r\n\r\n{calendar}\
         --mailconform-imip--\r\n"
    )
}

/// Who sends the meeting messages the adapter delivers.
const BOB: &str = "bob@example.test";

/// Why a mailbox operation has no backing on a component reached without EWS.
const NO_MAILBOX_ACCESS: &str = "only the built-in EWS adapter (an EWS target with its mailboxes) reads and marks a real mailbox's mail; \
     the ActiveSync target's adapter only delivers";

const NO_ADMINISTRATION: &str =
    "the server's own administration (a console, PowerShell) does this, and no command of the target's adapter stands for it yet";

impl RealComponent {
    /// Puts the RFC 5322 message `mime` into `mailbox`'s Inbox the way the target configuration
    /// says: its `deliver_mail` command, or ActiveSync SendMail from `send_mail_from`.
    pub(super) async fn put_message(&self, mailbox: &str, mime: &[u8]) -> Result<(), DriverError> {
        match (self.adapter.deliver_mail.as_deref(), &self.sender) {
            (Some(template), _) => self.command(Operation::Deliver, template, mailbox, mime).await.map(drop),
            (None, Some(from)) => self.send_mail(from, mime).await,
            (None, None) => self.not_supported(
                Operation::Deliver,
                "the target configuration's adapter has neither a `deliver_mail` command nor `send_mail_from`",
            ),
        }
    }

    /// A stable Message-ID for a message the harness delivers.
    pub(super) fn message_id(mailbox: &str, subject: &str) -> String {
        format!("{:016x}@mailconform", fxhash(mailbox, subject))
    }
}

impl super::Mailboxes for RealComponent {
    fn deliver<'a>(&'a self, mailbox: &'a str, subject: &'a str) -> DriverFuture<'a, String> {
        Box::pin(async move {
            let id = RealComponent::message_id(mailbox, subject);
            // An EWS target sends by EWS itself when it has a sender and no command.
            if let (None, Some(ews)) = (&self.adapter.deliver_mail, self.ews.as_ref().filter(|e| e.send_from.is_some())) {
                return ews.deliver(mailbox, subject).await.map_err(|e| refused(&self.role, Operation::Deliver, e));
            }
            self.put_message(mailbox, message(mailbox, subject, &id).as_bytes()).await?;
            Ok(id)
        })
    }

    fn mark_read<'a>(&'a self, mailbox: &'a str, item_id: &'a str, read: bool) -> DriverFuture<'a, u32> {
        Box::pin(async move {
            match &self.ews {
                Some(ews) => ews.mark_read(mailbox, item_id, read).await.map_err(|e| refused(&self.role, Operation::MarkRead, e)),
                None => self.not_supported(Operation::MarkRead, NO_MAILBOX_ACCESS),
            }
        })
    }

    fn read_all<'a>(&'a self, mailbox: &'a str) -> DriverFuture<'a, u32> {
        Box::pin(async move {
            match &self.ews {
                Some(ews) => ews.read_all(mailbox).await.map_err(|e| refused(&self.role, Operation::ReadAll, e)),
                None => self.not_supported(Operation::ReadAll, NO_MAILBOX_ACCESS),
            }
        })
    }

    fn unread<'a>(&'a self, mailbox: &'a str) -> DriverFuture<'a, u32> {
        Box::pin(async move {
            match &self.ews {
                Some(ews) => ews.unread(mailbox).await.map_err(|e| refused(&self.role, Operation::Unread, e)),
                None => self.not_supported(Operation::Unread, NO_MAILBOX_ACCESS),
            }
        })
    }

    fn add_note<'a>(&'a self, _mailbox: &'a str, _subject: &'a str) -> DriverFuture<'a, String> {
        Box::pin(async move { self.not_supported(Operation::AddItem, NO_ADMINISTRATION) })
    }

    fn add_task<'a>(&'a self, _mailbox: &'a str, _subject: &'a str) -> DriverFuture<'a, String> {
        Box::pin(async move { self.not_supported(Operation::AddItem, NO_ADMINISTRATION) })
    }
}

impl super::DeviceManagement for RealComponent {
    fn partnerships(&self) -> DriverFuture<'_, Vec<Partnership>> {
        Box::pin(async move { self.not_supported(Operation::ReadPartnerships, NO_ADMINISTRATION) })
    }

    fn set_policy(&self, _policy: Option<DevicePolicy>, _enforce: bool) -> DriverFuture<'_, ()> {
        Box::pin(async move { self.not_supported(Operation::SetDevicePolicy, NO_ADMINISTRATION) })
    }

    fn wipe(&self, _user: &str, _device_id: &str) -> DriverFuture<'_, ()> {
        Box::pin(async move { self.not_supported(Operation::Wipe, NO_ADMINISTRATION) })
    }
}

impl super::Traffic for RealComponent {
    fn ews_requests(&self) -> DriverFuture<'_, Vec<EwsRequestRecord>> {
        Box::pin(async move { self.not_supported(Operation::ReadRequests, "a real server's request log is not readable from here") })
    }

    fn activesync_requests(&self) -> DriverFuture<'_, Vec<RequestRecord>> {
        Box::pin(async move { self.not_supported(Operation::ReadRequests, "a real server's request log is not readable from here") })
    }
}

impl super::PushSubscriptions for RealComponent {
    fn subscriptions(&self) -> DriverFuture<'_, Vec<SubscriptionView>> {
        Box::pin(async move { self.not_supported(Operation::ReadSubscriptions, NO_ADMINISTRATION) })
    }

    fn deliveries(&self) -> DriverFuture<'_, Vec<DeliveryRecord>> {
        Box::pin(async move { self.not_supported(Operation::ReadDeliveries, "a real server does not show the notifications it sent") })
    }
}

/// A stable id for a delivered message (FNV-1a over mailbox and subject).
fn fxhash(a: &str, b: &str) -> u64 {
    a.bytes().chain([0]).chain(b.bytes()).fold(0xcbf2_9ce4_8422_2325, |h, c| (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::super::{DeviceManagement, Mailboxes};
    use super::*;

    use crate::driver::test_support::{block_on, real_component};

    fn real(deliver_mail: Option<&str>) -> RealComponent {
        real_component("exchange.eas", "http://127.0.0.1:9/Microsoft-Server-ActiveSync", deliver_mail)
    }

    #[test]
    fn deliver_runs_the_adapter_with_the_message_on_stdin_and_quoted_placeholders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("delivered");
        let cmd = format!("echo {{user}} {{email}} > {0}; cat >> {0}", out.display());
        let id = block_on(real(Some(&cmd)).deliver("o'brien@example.test", "Quarterly figures")).unwrap();
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(written.starts_with("o'brien o'brien@example.test\n"), "{written}");
        assert!(written.contains("\r\nSubject: Quarterly figures\r\n") && written.contains(&format!("Message-ID: <{id}>")), "{written}");
    }

    #[test]
    fn a_meeting_arrives_through_the_adapter_as_an_imip_message() {
        use crate::driver::TravelerAdministration;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("delivered");
        let cmd = format!("cat > {}", out.display());
        block_on(real(Some(&cmd)).deliver_meeting("alice@example.test", "Budget review", false)).unwrap();
        let request = std::fs::read_to_string(&out).unwrap();
        for line in ["Subject: Budget review\r\n", "method=REQUEST\r\n", "METHOD:REQUEST\r\n", "SUMMARY:Budget review\r\n"] {
            assert!(request.contains(line), "{line:?} in {request}");
        }
        assert!(request.contains(
            "ORGANIZER:mailto:bob@example.test\r\nATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:alice@example.test"
        ));
        block_on(real(Some(&cmd)).deliver_meeting("alice@example.test", "Accepted: Budget review", true)).unwrap();
        let reply = std::fs::read_to_string(&out).unwrap();
        assert!(
            reply.contains("METHOD:REPLY\r\n")
                && reply.contains("ORGANIZER:mailto:alice@example.test\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.test"),
            "{reply}"
        );
        assert!(reply.ends_with("--mailconform-imip--\r\n"), "{reply}");
    }

    #[test]
    fn a_failing_adapter_is_refused_with_its_stderr_and_a_missing_one_is_not_applicable() {
        let e = block_on(real(Some("echo no such mailbox >&2; exit 3")).deliver("alice@example.test", "x")).unwrap_err();
        assert!(
            matches!(&e, DriverError::Refused { operation: Operation::Deliver, reason, .. } if reason.contains("no such mailbox")),
            "{e}"
        );
        // One that closes its input before failing: the failure, not the broken pipe, is named.
        let e =
            block_on(real(Some("exec 0<&-; sleep 0.2; echo no such mailbox >&2; exit 3")).deliver("alice@example.test", "x")).unwrap_err();
        let reason = e.to_string();
        assert!(reason.contains("exited with exit status: 3") && reason.ends_with("no such mailbox"), "{reason}");
        let e = block_on(real(None).deliver("alice@example.test", "x")).unwrap_err();
        assert!(e.is_not_applicable() && e.to_string().contains("deliver_mail"), "{e}");
        let e = block_on(real(None).wipe("alice", "dev")).unwrap_err();
        assert!(e.is_not_applicable(), "{e}");
    }
}
