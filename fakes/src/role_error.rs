//! What a client role publishes when an action fails: a stable [`ErrorKind`] that checks
//! compare, and a message for people that is free to change.
//!
//! Secure Mail, Boxer and ENS (and the listener as an APNs provider) put a [`RoleError`] in the
//! state their control API serves, and read it back from there with the same type. On the wire
//! it is one JSON object: the kind's name in snake_case under `kind`, the kind's data beside it,
//! and `message`:
//!
//! ```json
//! {"kind": "forbidden", "message": "Sync: HTTP 403"}
//! {"kind": "policy_not_acceptable", "settings": ["RequireDeviceEncryption"], "message": "Provision: ..."}
//! {"kind": "tls_alert", "alert": "protocol_version", "from": "client", "message": "TLS with ... failed: ..."}
//! ```
//!
//! A kind says what happened in terms a tester states a scenario in (the server answered a
//! login form, refused the credentials, does not offer the authentication method); the HTTP
//! statuses that have such a meaning get their own kind, the others keep the status.

use mailconform_activesync::EasError;
use mailconform_auth::AuthMethod;
use mailconform_sim::{ControlError, SimError, TlsAlert};
use serde::{Deserialize, Serialize};

/// Why a client role's action failed, as checks compare it. Serialized in snake_case under
/// `kind` (see the module documentation); renaming a variant changes the contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorKind {
    /// No connection: refused, or no such host.
    Unreachable,
    /// The connection broke below HTTP (reset, closed mid-answer).
    ConnectionLost,
    /// No answer within the client's timeout.
    TimedOut,
    /// An alert ended the TLS handshake.
    TlsAlert(TlsAlert),
    /// TLS failed without an alert (an untrusted certificate, a name mismatch).
    TlsFailed,
    /// The server refused the client certificate (APNs and an expired provider certificate).
    CertificateRejected,
    /// HTTP 401: the server refuses the credentials.
    Unauthorized,
    /// HTTP 401 without a challenge for the method the client uses: the server does not offer it.
    AuthMethodRefused {
        /// The method the client used and the server offered no challenge for.
        method: AuthMethod,
    },
    /// HTTP 403.
    Forbidden,
    /// HTTP 404.
    NotFound,
    /// HTTP 502: a gateway (SEG) could not reach the server behind it.
    BadGateway,
    /// HTTP 504: a gateway gave up waiting for the server behind it.
    GatewayTimeout,
    /// Any other HTTP status the client cannot go on with.
    HttpStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// A SOAP fault, or a 500 without one.
    ServerFault,
    /// An HTML page (a forms login) where ActiveSync was expected.
    LoginFormInsteadOfEas,
    /// A 200 whose body is not ActiveSync.
    NotActiveSync,
    /// An ActiveSync command answered a Status other than success.
    CommandStatus {
        /// The command's name (`Sync`, `Provision`, `FolderSync`, ...).
        command: String,
        /// The command's Status value ([MS-ASCMD], per command).
        status: u16,
    },
    /// The answer lacks what the protocol says it must hold.
    ProtocolViolation,
    /// The server and the client share no protocol (or schema) version.
    ProtocolVersionRefused,
    /// The server's device policy requires settings this device cannot apply, and the server
    /// refuses devices that apply it only in part.
    PolicyNotAcceptable {
        /// The policy settings ([MS-ASPROV] `EASProvisionDoc` names) the device cannot apply.
        settings: Vec<String>,
    },
    /// The server ordered a remote wipe, or the account was wiped.
    Wiped,
    /// The role lacks a setting the action needs (an MDX policy, an authentication method).
    NotConfigured,
    /// The action needs data the role has not synced yet.
    NotSynced,
    /// The item the action names is not there.
    NoSuchItem,
    /// A certificate file's password does not open it.
    WrongPassword,
    /// A file is not a certificate file (PKCS#12) the role can read.
    NotACertificateFile,
    /// A certificate cannot serve: wrong purpose, expired, untrusted, or its key not exportable.
    CertificateUnusable,
    /// An S/MIME action needs a certificate the role does not have (none imported, or none
    /// published for a recipient).
    NoCertificate,
    /// The directory (LDAP) could not be searched.
    DirectoryUnavailable,
    /// The app's version is older than the feature needs.
    VersionTooOld {
        /// The first version with the feature.
        minimum: std::borrow::Cow<'static, str>,
    },
    /// An encrypted message is not encrypted for the role's certificate.
    NotARecipient,
    /// The host is on the internal network and the phone tried it directly: no route.
    NoRoute,
    /// The MDX policy "Network access" is Blocked: the app has no network.
    NetworkBlocked,
    /// The gateway refused the tunnel: `407` for a micro VPN without a session or a background
    /// services ticket the STA no longer knows (expired: the user must log on again), `403`
    /// for a service the ticket does not cover, `502` when the gateway cannot reach the host.
    GatewayRefused {
        /// The gateway's HTTP status.
        status: u16,
    },
    /// The role could not even build its request.
    Internal,
}

impl ErrorKind {
    /// The kind of an S/MIME failure.
    pub fn of_smime(e: &mailconform_smime::SmimeError) -> ErrorKind {
        use mailconform_smime::SmimeError as S;
        match e {
            S::WrongPassword => ErrorKind::WrongPassword,
            S::NotPkcs12 { .. } | S::NoPrivateKey | S::NotSmime { .. } => ErrorKind::NotACertificateFile,
            S::KeyNotExportable { .. } | S::WrongPurpose { .. } | S::Expired { .. } | S::Untrusted { .. } | S::BadSignature => {
                ErrorKind::CertificateUnusable
            }
            S::NoDecryptionKey => ErrorKind::NoCertificate,
            S::NotARecipient { .. } => ErrorKind::NotARecipient,
            S::Crypto { .. } => ErrorKind::Internal,
        }
    }
}

impl ErrorKind {
    /// The kind of an HTTP status a client cannot go on with.
    pub fn of_status(status: u16) -> ErrorKind {
        match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            502 => ErrorKind::BadGateway,
            504 => ErrorKind::GatewayTimeout,
            status => ErrorKind::HttpStatus { status },
        }
    }

    /// The kind of a failure below HTTP.
    pub fn of_transport(e: &SimError) -> ErrorKind {
        match e {
            SimError::Refused { .. } | SimError::UnknownHost { .. } => ErrorKind::Unreachable,
            SimError::NoRoute { .. } => ErrorKind::NoRoute,
            SimError::Blocked { .. } => ErrorKind::NetworkBlocked,
            SimError::TunnelRefused(r) => ErrorKind::GatewayRefused { status: r.status },
            SimError::Timeout { .. } => ErrorKind::TimedOut,
            SimError::Tls { alert: Some(alert), .. } => ErrorKind::TlsAlert((**alert).clone()),
            SimError::Tls { alert: None, .. } => ErrorKind::TlsFailed,
            SimError::Http { .. } | SimError::Io(_) => ErrorKind::ConnectionLost,
            SimError::Json(_) => ErrorKind::ProtocolViolation,
            SimError::BadUrl { .. } | SimError::Pki(_) | SimError::PortTaken { .. } | SimError::NotRestartable { .. } => {
                ErrorKind::Internal
            }
        }
    }

    /// The kind of a failed call to another role's JSON API.
    pub fn of_control(e: &ControlError) -> ErrorKind {
        match e {
            ControlError::Transport(e) => ErrorKind::of_transport(e),
            ControlError::Status { status, .. } => ErrorKind::of_status(*status),
            ControlError::Json { .. } => ErrorKind::ProtocolViolation,
        }
    }

    /// The kind of an ActiveSync client's failure (Secure Mail and Boxer sync with one).
    pub fn of_eas(e: &EasError) -> ErrorKind {
        match e {
            EasError::Transport(e) => ErrorKind::of_transport(e),
            EasError::Http { status, .. } => ErrorKind::of_status(*status),
            EasError::LoginForm { .. } => ErrorKind::LoginFormInsteadOfEas,
            EasError::NotWbxml { .. } => ErrorKind::NotActiveSync,
            EasError::Status { command, status } => ErrorKind::CommandStatus { command: command.name().to_string(), status: *status },
            EasError::Protocol { .. } => ErrorKind::ProtocolViolation,
            EasError::PolicyNotApplicable { settings } => ErrorKind::PolicyNotAcceptable { settings: settings.clone() },
            EasError::Wiped => ErrorKind::Wiped,
            EasError::Request(_) => ErrorKind::Internal,
        }
    }
}

/// A failure as a role publishes it: the kind (flattened, so `kind` and its data sit beside
/// `message`) and the message for people. `K` is the vocabulary: [`ErrorKind`] for client
/// roles, a server's own for the refusals of its API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleError<K = ErrorKind> {
    /// What happened, in the vocabulary of `K`; flattened beside `message` on the wire.
    #[serde(flatten)]
    pub kind: K,
    /// For people; free to change, never compared by checks.
    pub message: String,
}

impl<K> RoleError<K> {
    /// An error of `kind` with the message people read.
    pub fn new(kind: K, message: impl Into<String>) -> Self {
        RoleError { kind, message: message.into() }
    }
}

impl<K> std::fmt::Display for RoleError<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl<K: std::fmt::Debug> std::error::Error for RoleError<K> {}

/// An error that has a kind: the role's own error enums.
pub trait Kinded: std::fmt::Display {
    /// What happened, as checks compare it.
    fn kind(&self) -> ErrorKind;

    /// The error as the role publishes it.
    fn published(&self) -> RoleError {
        RoleError::new(self.kind(), self.to_string())
    }
}

impl Kinded for EasError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::of_eas(self)
    }
}

impl Kinded for mailconform_apns::ApnsError {
    fn kind(&self) -> ErrorKind {
        use mailconform_apns::ApnsError;
        match self {
            ApnsError::Transport { source, .. } => ErrorKind::of_transport(source),
            ApnsError::CertificateRefused { .. } => ErrorKind::CertificateRejected,
            ApnsError::Control(e) => ErrorKind::of_control(e),
            ApnsError::SigningKey(_) | ApnsError::TeamKey { .. } | ApnsError::Jwt(_) => ErrorKind::NotConfigured,
            ApnsError::Request(_) => ErrorKind::Internal,
            ApnsError::Response(_) => ErrorKind::ProtocolViolation,
        }
    }
}

impl Kinded for ControlError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::of_control(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::TlsPeer;
    use serde_json::json;

    #[test]
    fn the_kind_and_its_data_sit_beside_the_message() {
        let e = RoleError::new(ErrorKind::PolicyNotAcceptable { settings: vec!["RequireDeviceEncryption".into()] }, "words");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v, json!({"kind": "policy_not_acceptable", "settings": ["RequireDeviceEncryption"], "message": "words"}));
        assert_eq!(serde_json::from_value::<RoleError>(v).unwrap(), e);

        let tls = RoleError::new(ErrorKind::TlsAlert(TlsAlert { alert: "protocol_version".into(), from: TlsPeer::Client }), "m");
        let v = serde_json::to_value(&tls).unwrap();
        assert_eq!(v, json!({"kind": "tls_alert", "alert": "protocol_version", "from": "client", "message": "m"}));
        assert_eq!(serde_json::from_value::<RoleError>(v).unwrap(), tls);

        let plain = json!({"kind": "login_form_instead_of_eas", "message": "m"});
        assert_eq!(serde_json::from_value::<RoleError>(plain).unwrap().kind, ErrorKind::LoginFormInsteadOfEas);
        let method = json!({"kind": "auth_method_refused", "method": "ntlm", "message": "m"});
        assert_eq!(serde_json::from_value::<RoleError>(method).unwrap().kind, ErrorKind::AuthMethodRefused { method: AuthMethod::Ntlm });
    }

    #[test]
    fn statuses_with_a_meaning_have_their_own_kind() {
        assert_eq!(ErrorKind::of_status(401), ErrorKind::Unauthorized);
        assert_eq!(ErrorKind::of_status(404), ErrorKind::NotFound);
        assert_eq!(ErrorKind::of_status(504), ErrorKind::GatewayTimeout);
        assert_eq!(ErrorKind::of_status(449), ErrorKind::HttpStatus { status: 449 });
    }
}
