//! The Notes Traveler server's administration and mailboxes, as the Traveler steps use them.

use super::{DriverError, DriverFuture, Operation, RealComponent};
use crate::traveler::config::WebSite;
use crate::traveler::contract::FolderKind;
use crate::traveler::{DirectoryKind, NameVariations, SyncProtocols, TravelerControl};

/// What a Domino administrator does on the Traveler server (`notes.ini`, the Internet Site
/// document, Internet authentication, the Traveler configuration), and what arrives in its
/// mailboxes.
///
/// A real Traveler is configured through the Domino Administrator client, which the harness
/// cannot drive: those operations are [`DriverError::NotSupported`] against it, so a scenario
/// that changes them is not applicable rather than run against an unknown configuration.
pub trait TravelerAdministration: Send + Sync {
    /// The Internet Site document.
    fn web_site(&self) -> DriverFuture<'_, WebSite>;
    /// Replaces the Internet Site document.
    fn set_web_site<'a>(&'a self, site: &'a WebSite) -> DriverFuture<'a, ()>;
    /// Sets one `notes.ini` entry.
    fn set_notes_ini<'a>(&'a self, name: &'a str, value: &'a str) -> DriverFuture<'a, ()>;
    /// Sets Domino's Internet authentication (name variations, directory).
    fn set_internet_authentication(&self, variations: NameVariations, directory: DirectoryKind) -> DriverFuture<'_, ()>;
    /// Sets the sync protocols the server offers.
    fn set_sync_protocols(&self, protocols: SyncProtocols) -> DriverFuture<'_, ()>;
    /// A message with `subject` arrives in `email`'s Inbox.
    fn deliver<'a>(&'a self, email: &'a str, subject: &'a str) -> DriverFuture<'a, ()>;
    /// A meeting request (or, with `response`, an accepted response) arrives in `email`'s Inbox.
    fn deliver_meeting<'a>(&'a self, email: &'a str, subject: &'a str, response: bool) -> DriverFuture<'a, ()>;
    /// The subjects the server holds in one of `email`'s folders.
    fn folder<'a>(&'a self, email: &'a str, kind: FolderKind) -> DriverFuture<'a, Vec<String>>;
    /// Requests a remote wipe of `email`'s device `device_id`.
    fn wipe<'a>(&'a self, email: &'a str, device_id: &'a str) -> DriverFuture<'a, ()>;
}

/// Traveler's fake, in-process or served: its control API.
impl TravelerAdministration for TravelerControl {
    fn web_site(&self) -> DriverFuture<'_, WebSite> {
        Box::pin(async move { Ok(self.config().await?.web_site) })
    }

    fn set_web_site<'a>(&'a self, site: &'a WebSite) -> DriverFuture<'a, ()> {
        Box::pin(async move { Ok(TravelerControl::set_web_site(self, site).await.map(drop)?) })
    }

    fn set_notes_ini<'a>(&'a self, name: &'a str, value: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { Ok(TravelerControl::set_notes_ini(self, name, value).await.map(drop)?) })
    }

    fn set_internet_authentication(&self, variations: NameVariations, directory: DirectoryKind) -> DriverFuture<'_, ()> {
        Box::pin(async move { Ok(TravelerControl::set_internet_authentication(self, variations, directory).await.map(drop)?) })
    }

    fn set_sync_protocols(&self, protocols: SyncProtocols) -> DriverFuture<'_, ()> {
        Box::pin(async move { Ok(TravelerControl::set_sync_protocols(self, protocols).await.map(drop)?) })
    }

    fn deliver<'a>(&'a self, email: &'a str, subject: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { Ok(TravelerControl::deliver(self, email, subject).await.map(drop)?) })
    }

    fn deliver_meeting<'a>(&'a self, email: &'a str, subject: &'a str, response: bool) -> DriverFuture<'a, ()> {
        Box::pin(async move {
            let stored = match response {
                true => self.deliver_meeting_response(email, subject).await,
                false => TravelerControl::deliver_meeting(self, email, subject).await,
            };
            Ok(stored.map(drop)?)
        })
    }

    fn folder<'a>(&'a self, email: &'a str, kind: FolderKind) -> DriverFuture<'a, Vec<String>> {
        Box::pin(async move { Ok(TravelerControl::folder(self, email, kind).await?.into_iter().map(|i| i.subject).collect()) })
    }

    fn wipe<'a>(&'a self, email: &'a str, device_id: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { Ok(TravelerControl::wipe(self, email, device_id).await.map(drop)?) })
    }
}

/// Why a Traveler setting cannot be changed on a real server from here.
const DOMINO_ADMINISTRATION: &str =
    "a real Traveler is configured in the Domino Administrator client (notes.ini, the Internet Site document, Internet authentication), which the harness does not drive";

/// Why a real Traveler's folders cannot be read from here.
const NO_FOLDER_ACCESS: &str = "the target configuration has no mailboxes to read a folder with ActiveSync as its owner";

/// A real Traveler (`traveler` in the target configuration): mail and meetings arrive through
/// the target's command adapter or SendMail, folders are read with ActiveSync; its
/// administration is not driven.
impl TravelerAdministration for RealComponent {
    fn web_site(&self) -> DriverFuture<'_, WebSite> {
        Box::pin(async move { self.not_supported(Operation::Configure, DOMINO_ADMINISTRATION) })
    }

    fn set_web_site<'a>(&'a self, _site: &'a WebSite) -> DriverFuture<'a, ()> {
        Box::pin(async move { self.not_supported(Operation::Configure, DOMINO_ADMINISTRATION) })
    }

    fn set_notes_ini<'a>(&'a self, _name: &'a str, _value: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { self.not_supported(Operation::Configure, DOMINO_ADMINISTRATION) })
    }

    fn set_internet_authentication(&self, _variations: NameVariations, _directory: DirectoryKind) -> DriverFuture<'_, ()> {
        Box::pin(async move { self.not_supported(Operation::Configure, DOMINO_ADMINISTRATION) })
    }

    fn set_sync_protocols(&self, _protocols: SyncProtocols) -> DriverFuture<'_, ()> {
        Box::pin(async move { self.not_supported(Operation::Configure, DOMINO_ADMINISTRATION) })
    }

    fn deliver<'a>(&'a self, email: &'a str, subject: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { super::Mailboxes::deliver(self, email, subject).await.map(drop) })
    }

    /// The meeting arrives as mail does, an iMIP message (RFC 6047) through the adapter.
    fn deliver_meeting<'a>(&'a self, email: &'a str, subject: &'a str, response: bool) -> DriverFuture<'a, ()> {
        Box::pin(async move {
            let id = RealComponent::message_id(email, subject);
            self.put_message(email, super::real::meeting_message(email, subject, &id, response).as_bytes()).await
        })
    }

    /// Read with ActiveSync as the mailbox's owner, on a device of the harness's own.
    fn folder<'a>(&'a self, email: &'a str, kind: FolderKind) -> DriverFuture<'a, Vec<String>> {
        Box::pin(async move {
            let Some(reader) = &self.eas_reader else { return self.not_supported(Operation::ReadFolder, NO_FOLDER_ACCESS) };
            reader.subjects(email, kind.folder_type()).await.map_err(|reason| DriverError::Refused {
                role: self.role.clone(),
                operation: Operation::ReadFolder,
                reason,
            })
        })
    }

    fn wipe<'a>(&'a self, email: &'a str, device_id: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { super::DeviceManagement::wipe(self, email, device_id).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::test_support::{block_on, real_component};

    fn real_traveler() -> RealComponent {
        real_component(crate::role::TRAVELER, "https://127.0.0.1:9/traveler/Microsoft-Server-ActiveSync", None)
    }

    /// Every administrative operation is not applicable against a real Traveler, naming
    /// what does it there; none of them passes silently.
    #[test]
    fn a_real_traveler_is_not_configured_from_here() {
        let t = real_traveler();
        let site = WebSite { session_authentication: true, override_session_authentication: Vec::new(), substitutions: Vec::new() };
        let calls: Vec<DriverFuture<'_, ()>> = vec![
            t.set_web_site(&site),
            t.set_notes_ini("NTS_AS_ENFORCE_POLICY", "true"),
            t.set_internet_authentication(NameVariations::More, DirectoryKind::Domino),
            t.set_sync_protocols(SyncProtocols::SyncMlPrimary),
            t.deliver_meeting("alice@example.test", "Budget review", false),
            TravelerAdministration::wipe(&t, "alice@example.test", "DEVICE"),
            // No deliver_mail command and no send_mail_from: nothing delivers either.
            TravelerAdministration::deliver(&t, "alice@example.test", "Lunch?"),
        ];
        for call in calls {
            let e = block_on(call).unwrap_err();
            assert!(e.is_not_applicable(), "{e}");
            assert!(e.to_string().contains("traveler, backed by a real component at https://127.0.0.1:9/"), "{e}");
        }
        let e = block_on(t.folder("alice@example.test", FolderKind::Inbox)).unwrap_err();
        assert!(matches!(e, DriverError::NotSupported { operation: Operation::ReadFolder, .. }), "{e}");
        assert!(block_on(t.web_site()).unwrap_err().to_string().contains("Domino Administrator"));
        // With the target's mailboxes, a folder is read with ActiveSync: a server that cannot
        // be reached is a refusal naming what failed, not a pass.
        let reader = crate::driver::EasReader {
            url: t.url.clone(),
            http: mailconform_sim::HttpClient::new(
                std::sync::Arc::new(mailconform_sim::TcpDialer::default()),
                mailconform_sim::tls::roots(&[]),
                mailconform_sim::Clock::real(),
            ),
            version: mailconform_activesync::ProtocolVersion::V14_1,
            logins: [("alice".to_string(), ("alice".to_string(), "pw".to_string()))].into(),
        };
        let t = RealComponent { eas_reader: Some(reader), ..t };
        let e = block_on(t.folder("alice@example.test", FolderKind::Sent)).unwrap_err();
        assert!(
            matches!(&e, DriverError::Refused { operation: Operation::ReadFolder, reason, .. } if reason.starts_with("Provision as alice")),
            "{e}"
        );
        let e = block_on(t.folder("carol@example.test", FolderKind::Inbox)).unwrap_err();
        assert!(e.to_string().contains("no mailbox for carol"), "{e}");
    }
}
