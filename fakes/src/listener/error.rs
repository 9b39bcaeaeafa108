//! Why the listener's API refuses a request: one variant per refusal, each with its HTTP
//! status and a stable [`RefusalKind`]. The answer's body is
//! `{"error": {"kind": "wildcard_app_id", "message": "..."}}` (a
//! [`RoleError`](crate::role_error::RoleError) over [`RefusalKind`]), so a client tells the
//! refusals apart by kind and shows the message to people.

use crate::role_error::RoleError;
use mailconform_sim::contract::{reply, Body};
use mailconform_sim::{Response, SimError};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum ApiRefusal {
    #[error("device_token must be the hex device token APNs issued")]
    BadDeviceToken,
    #[error("activesync_device_id_sha256 and email_sha256 must be SHA-256 hex digests; the listener never takes the values themselves")]
    NotHashed,
    #[error("unknown region {region}; use us-east-1, eu-west-1 or ap-southeast-1")]
    UnknownRegion { region: String },
    #[error("this is the {here} listener; register with {there}")]
    WrongRegion { here: &'static str, there: String },
    #[error("a wildcard App ID cannot receive APNs pushes nor have an APNs certificate; wrap Secure Mail with a unique App ID")]
    WildcardAppId,
    #[error("no APNs certificate is uploaded for App ID {app_id} in region {region}")]
    NoCertificate { app_id: String, region: &'static str },
    #[error("no registration {id}; register the device again")]
    NotRegistered { id: String },
    #[error("the certificate does not load: {0}")]
    BadCertificate(SimError),
}

/// The stable name of an [`ApiRefusal`], in snake_case under `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefusalKind {
    BadDeviceToken,
    NotHashed,
    UnknownRegion,
    WrongRegion,
    WildcardAppId,
    NoCertificate,
    NotRegistered,
    BadCertificate,
}

impl ApiRefusal {
    pub fn kind(&self) -> RefusalKind {
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

    pub fn status(&self) -> u16 {
        match self {
            ApiRefusal::WrongRegion { .. } => 421,
            ApiRefusal::NoCertificate { .. } => 412,
            ApiRefusal::NotRegistered { .. } => 404,
            _ => 400,
        }
    }

    pub fn response(&self) -> Response {
        reply(self.status(), &RefusalBody { error: RoleError::new(self.kind(), self.to_string()) })
    }
}

/// The body of a refusal, as the listener sends it and a client reads it back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefusalBody {
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
