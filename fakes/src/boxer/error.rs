//! Boxer's one error type, and the [`ErrorKind`] it publishes for each failure.

use crate::role_error::{ErrorKind, Kinded, RoleError};
use mailconform_activesync::EasError;
use mailconform_sim::{ControlError, SimError};

/// Why an action of Boxer failed. Its control API publishes the kind beside the message (see
/// [`crate::role_error`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum BoxerError {
    #[error("getting a device token from APNs: {0}")]
    DeviceToken(mailconform_apns::ApnsError),
    /// ENS refused the registration, saying why (its answer carries a [`RoleError`]: what EWS
    /// answered ENS).
    #[error("registering with ENS: {0}")]
    RegistrationRefused(RoleError),
    /// ENS could not be asked, or answered without saying why.
    #[error("registering with ENS: {0}")]
    Registration(ControlError),
    #[error("Boxer's certificate does not load: {0}")]
    Certificate(SimError),
    #[error("this Boxer speaks ActiveSync with Basic, OAuth or a certificate, not NTLM")]
    NtlmForActiveSync,
    #[error("Boxer was wiped; it holds no account")]
    Wiped,
    #[error("FolderSync: the server sent no Inbox")]
    NoInbox,
    #[error(transparent)]
    Eas(#[from] EasError),
    #[error("checking in with the console: {0}")]
    Console(ControlError),
}

impl BoxerError {
    /// ENS's answer to a registration: its refusal when it gave one.
    pub(crate) fn of_registration(e: ControlError) -> BoxerError {
        match &e {
            ControlError::Status { body, .. } => match serde_json::from_str::<crate::ens::contract::EwsRefusal>(body) {
                Ok(r) => BoxerError::RegistrationRefused(r.error),
                Err(_) => BoxerError::Registration(e),
            },
            _ => BoxerError::Registration(e),
        }
    }
}

impl Kinded for BoxerError {
    fn kind(&self) -> ErrorKind {
        match self {
            BoxerError::DeviceToken(e) => e.kind(),
            BoxerError::Registration(e) | BoxerError::Console(e) => e.kind(),
            BoxerError::RegistrationRefused(r) => r.kind.clone(),
            BoxerError::Certificate(_) | BoxerError::NtlmForActiveSync => ErrorKind::NotConfigured,
            BoxerError::Wiped => ErrorKind::Wiped,
            BoxerError::NoInbox => ErrorKind::ProtocolViolation,
            BoxerError::Eas(e) => e.kind(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_from_ens_keeps_the_kind_ens_gave() {
        let body = r#"{"error": {"kind": "auth_method_refused", "method": "basic", "message": "EWS refused basic"}, "ews_status": 401}"#;
        let e = BoxerError::of_registration(ControlError::Status {
            method: "POST".into(),
            url: "https://ens/v1/registrations".into(),
            status: 502,
            body: body.into(),
        });
        assert_eq!(e.kind(), ErrorKind::AuthMethodRefused { method: mailconform_auth::AuthMethod::Basic });
        let plain = BoxerError::of_registration(ControlError::Status {
            method: "POST".into(),
            url: "https://ens/v1/registrations".into(),
            status: 404,
            body: "no".into(),
        });
        assert_eq!(plain.kind(), ErrorKind::NotFound);
    }
}
