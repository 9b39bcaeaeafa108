//! Secure Mail's one error type, and the [`ErrorKind`] it publishes for each failure.

use super::companion::Companion;
use crate::ews_answer::EwsCallError;
use crate::role_error::{ErrorKind, Kinded};
use mailconform_activesync::EasError;
use mailconform_sim::ControlError;

/// Why an action of the app failed. The app shows the message; its control API publishes the
/// kind beside it (see [`crate::role_error`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SecureMailError {
    /// The ActiveSync account's client failed.
    #[error(transparent)]
    Eas(#[from] EasError),
    /// OPTIONS named no ActiveSync version the app speaks.
    #[error("no common ActiveSync version: the server offers {offered:?}")]
    NoCommonEasVersion {
        /// The versions the server listed in `MS-ASProtocolVersions`.
        offered: Vec<String>,
    },
    /// An action on a message before the Inbox was synced.
    #[error("no Inbox synced yet: connect over ActiveSync first")]
    NotSynced,
    /// An action on a message the Inbox does not hold.
    #[error("no {subject:?} in the Inbox")]
    NoSuchMessage {
        /// The subject looked for.
        subject: String,
    },
    /// EWS (the push subscription and the badge count).
    #[error(transparent)]
    Ews(#[from] EwsCallError),
    /// The listener could not be reached, or refused.
    #[error(transparent)]
    Service(#[from] ControlError),
    /// APNs gave no device token.
    #[error(transparent)]
    Apns(#[from] mailconform_apns::ApnsError),
    /// The app's configuration names an APNs environment there is none of.
    #[error("no APNs environment {environment:?}: use production or sandbox")]
    NoApnsEnvironment {
        /// The environment named.
        environment: String,
    },
    /// A companion app on iOS needs its own "Exchange Server" policy.
    #[error("{app:?} has no Exchange Server policy on iOS: set the \"Secure Notes Exchange Server\" (or Tasks) policy")]
    NoCompanionPolicy {
        /// The companion lacking the policy.
        app: Companion,
    },
    /// A companion app on Android syncs through Secure Mail's account, which is not there yet.
    #[error("Secure Mail's ActiveSync account is not set up yet: connect Secure Mail over ActiveSync first")]
    AccountNotSetUp,
    /// The message has no attachment of that name.
    #[error("the message {subject:?} has no attachment {file:?}")]
    NoAttachment {
        /// The message.
        subject: String,
        /// The file looked for.
        file: String,
    },
    /// A role was chosen with no certificate waiting for one.
    #[error("no imported certificate is waiting for its role: import one first")]
    NoPendingCertificate,
    /// An S/MIME setting or action needs a certificate the app does not hold.
    #[error("no certificate for {needed} is imported: import one from its PFX first")]
    NoCertificate {
        /// What it is needed for.
        needed: mailconform_smime::Use,
    },
    /// An attachment the user added cannot be read.
    #[error("the attachment {name:?} cannot be read: {reason}")]
    BadAttachment {
        /// Its name.
        name: String,
        /// Why.
        reason: String,
    },
    /// The app is older than the first version with S/MIME as the seed describes it.
    #[error("S/MIME needs Secure Mail {minimum} or later; this is {version}: update the app")]
    SmimeNeedsNewerApp {
        /// The app's version.
        version: String,
        /// The first version with the feature.
        minimum: &'static str,
    },
    /// A certificate or S/MIME message could not be used.
    #[error(transparent)]
    Smime(#[from] mailconform_smime::SmimeError),
    /// The directory could not be searched for a recipient's certificate.
    #[error(transparent)]
    Directory(#[from] crate::directory::client::LookupError),
    /// A logon asked of an app without MDX network policies (nothing to log on to).
    #[error("the app has no MDX network policies: there is no gateway nor Endpoint Management to log on to")]
    NoNetworkPolicies,
    /// Logging on at the gateway or at Endpoint Management failed.
    #[error("logging on: {0}")]
    Logon(mailconform_sim::SimError),
    /// A step of the push set-up failed: what it was doing, and why.
    #[error("{doing}: {source}")]
    During {
        /// The step, in words (`registering with the listener`).
        doing: &'static str,
        /// The failure.
        source: Box<SecureMailError>,
    },
}

impl SecureMailError {
    /// This failure, as the failure of `doing`.
    pub(crate) fn during(self, doing: &'static str) -> SecureMailError {
        SecureMailError::During { doing, source: Box::new(self) }
    }
}

impl Kinded for SecureMailError {
    fn kind(&self) -> ErrorKind {
        match self {
            SecureMailError::Eas(e) => e.kind(),
            SecureMailError::NoCommonEasVersion { .. } => ErrorKind::ProtocolVersionRefused,
            SecureMailError::NotSynced => ErrorKind::NotSynced,
            SecureMailError::NoSuchMessage { .. } => ErrorKind::NoSuchItem,
            SecureMailError::Ews(e) => e.kind(),
            SecureMailError::Service(e) => e.kind(),
            SecureMailError::Apns(e) => e.kind(),
            SecureMailError::NoApnsEnvironment { .. }
            | SecureMailError::NoCompanionPolicy { .. }
            | SecureMailError::AccountNotSetUp
            | SecureMailError::NoNetworkPolicies => ErrorKind::NotConfigured,
            SecureMailError::During { source, .. } => source.kind(),
            SecureMailError::NoAttachment { .. } => ErrorKind::NoSuchItem,
            SecureMailError::NoPendingCertificate | SecureMailError::NoCertificate { .. } => ErrorKind::NoCertificate,
            SecureMailError::BadAttachment { .. } => ErrorKind::Internal,
            SecureMailError::Smime(e) => ErrorKind::of_smime(e),
            SecureMailError::Directory(_) => ErrorKind::DirectoryUnavailable,
            SecureMailError::Logon(e) => ErrorKind::of_transport(e),
            SecureMailError::SmimeNeedsNewerApp { minimum, .. } => {
                ErrorKind::VersionTooOld { minimum: std::borrow::Cow::Borrowed(minimum) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_of_the_set_up_keeps_the_kind_of_its_cause() {
        let refused =
            ControlError::Status { method: "POST".into(), url: "https://l/api/v1/registrations".into(), status: 412, body: "{}".into() };
        let e = SecureMailError::from(refused).during("registering with the listener");
        assert_eq!(e.kind(), ErrorKind::HttpStatus { status: 412 });
        assert!(e.to_string().starts_with("registering with the listener: "), "{e}");
        let policy = SecureMailError::Eas(EasError::PolicyNotApplicable { settings: vec!["RequireDeviceEncryption".into()] });
        assert_eq!(policy.kind(), ErrorKind::PolicyNotAcceptable { settings: vec!["RequireDeviceEncryption".into()] });
    }
}
