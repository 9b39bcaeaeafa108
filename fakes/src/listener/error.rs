//! Why the listener's API refuses a request: one variant per refusal, each with its HTTP
//! status and a stable [`RefusalKind`]. The answer's body is
//! `{"error": {"kind": "wildcard_app_id", "message": "..."}}` (a
//! [`RoleError`] over [`RefusalKind`]), so a client tells the
//! refusals apart by kind and shows the message to people.

use crate::role_error::RoleError;
use mailconform_sim::contract::{reply, Body};
use mailconform_sim::{Response, SimError};
use serde::{Deserialize, Serialize};

/// Why the registration API refuses a request.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiRefusal {
    /// `device_token` is not a hex APNs token.
    #[error("device_token must be the hex device token APNs issued")]
    BadDeviceToken,
    /// An identifier arrived that is not a SHA-256 hex digest.
    #[error("activesync_device_id_sha256 and email_sha256 must be SHA-256 hex digests; the listener never takes the values themselves")]
    NotHashed,
    /// A region code the service does not have.
    #[error("unknown region {region}; use us-east-1, eu-west-1 or ap-southeast-1")]
    UnknownRegion {
        /// The code given.
        region: String,
    },
    /// A registration for another region than this listener's.
    #[error("this is the {here} listener; register with {there}")]
    WrongRegion {
        /// This listener's region code.
        here: &'static str,
        /// Host of the listener to register with instead.
        there: String,
    },
    /// A wildcard App ID: APNs pushes need a unique one.
    #[error("a wildcard App ID cannot receive APNs pushes nor have an APNs certificate; wrap Secure Mail with a unique App ID")]
    WildcardAppId,
    /// No APNs certificate uploaded for the app in this region.
    #[error("no APNs certificate is uploaded for App ID {app_id} in region {region}")]
    NoCertificate {
        /// The bundle ID registered.
        app_id: String,
        /// This listener's region code.
        region: &'static str,
    },
    /// An update or deletion names a registration the listener does not hold.
    #[error("no registration {id}; register the device again")]
    NotRegistered {
        /// The registration ID given.
        id: String,
    },
    /// An uploaded certificate or key does not parse.
    #[error("the certificate does not load: {0}")]
    BadCertificate(SimError),
}

/// The stable name of a refusal of the registration API, in snake_case under `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefusalKind {
    /// `device_token` is not a hex APNs token (400).
    BadDeviceToken,
    /// An identifier is not a SHA-256 hex digest (400).
    NotHashed,
    /// A region code the service does not have (400).
    UnknownRegion,
    /// The registration belongs to another region's listener (421 Misdirected Request).
    WrongRegion,
    /// A wildcard App ID, which APNs cannot push to (400).
    WildcardAppId,
    /// No APNs certificate is uploaded for the app in this region (412).
    NoCertificate,
    /// The registration ID is unknown (404).
    NotRegistered,
    /// The uploaded certificate or key does not parse (400).
    BadCertificate,
}

impl ApiRefusal {
    /// Its stable kind.
    pub(crate) fn kind(&self) -> RefusalKind {
        match self {
            ApiRefusal::BadDeviceToken => RefusalKind::BadDeviceToken,
            ApiRefusal::NotHashed => RefusalKind::NotHashed,
            ApiRefusal::UnknownRegion { .. } => RefusalKind::UnknownRegion,
            ApiRefusal::WrongRegion { .. } => RefusalKind::WrongRegion,
            ApiRefusal::WildcardAppId => RefusalKind::WildcardAppId,
            ApiRefusal::NoCertificate { .. } => RefusalKind::NoCertificate,
            ApiRefusal::NotRegistered { .. } => RefusalKind::NotRegistered,
            ApiRefusal::BadCertificate(_) => RefusalKind::BadCertificate,
        }
    }

    /// The HTTP status it is answered with.
    pub(crate) fn status(&self) -> u16 {
        match self {
            ApiRefusal::WrongRegion { .. } => 421,
            ApiRefusal::NoCertificate { .. } => 412,
            ApiRefusal::NotRegistered { .. } => 404,
            _ => 400,
        }
    }

    /// The answer: its status with a [`RefusalBody`].
    pub(crate) fn response(&self) -> Response {
        reply(self.status(), &RefusalBody { error: RoleError::new(self.kind(), self.to_string()) })
    }
}

/// The body of a refusal, as the listener sends it and a client reads it back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefusalBody {
    /// What was refused: its [`RefusalKind`] and a message for people.
    pub error: RoleError<RefusalKind>,
}

impl Body for RefusalBody {
    fn example() -> Self {
        RefusalBody { error: RoleError::new(RefusalKind::WildcardAppId, ApiRefusal::WildcardAppId.to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_back_with_its_kind() {
        let r = ApiRefusal::WildcardAppId.response();
        assert_eq!(r.status(), 400);
        let body: RefusalBody = serde_json::from_slice(r.body()).unwrap();
        assert_eq!(body.error.kind, RefusalKind::WildcardAppId);
        assert_eq!(body.error.message, ApiRefusal::WildcardAppId.to_string());
        mailconform_sim::contract::check_round_trip::<RefusalBody>();
    }
}
