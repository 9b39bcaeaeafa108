//! Every status and reason string of Apple's provider API, spelled once.
//!
//! Clients switch on these exact strings (aioapns, sideshow/apns2, Pushy, node-apn each keep
//! a table of them), so a misspelling here would be a conformance bug in the fake rather
//! than in the system under test. The statuses and their reasons follow Apple's "Handling
//! notification responses from APNs" table, cross-checked against Pushy's
//! `RejectionReason`, sideshow's `response.go` and APNSwift's `APNSError`.

use serde::{Deserialize, Serialize};

macro_rules! reasons {
    ($( $(#[$doc:meta])* $variant:ident = $status:literal ),+ $(,)?) => {
        /// A rejection reason, as sent in the `{"reason": ...}` body of an error response.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Reason {
            $( $(#[$doc])* $variant ),+
        }

        impl Reason {
            /// Every reason, in the order of Apple's table.
            pub const ALL: &'static [Reason] = &[$(Reason::$variant),+];

            /// The exact wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => stringify!($variant)),+ }
            }

            /// The HTTP status Apple pairs with this reason.
            pub fn status(self) -> u16 {
                match self { $(Reason::$variant => $status),+ }
            }

            /// Case-sensitive match on the wire spelling.
            pub fn parse(s: &str) -> Option<Reason> {
                match s { $(stringify!($variant) => Some(Reason::$variant),)+ _ => None }
            }
        }
    };
}

reasons! {
    /// The collapse identifier exceeds 64 bytes.
    BadCollapseId = 400,
    /// The device token is invalid, unknown, or from the other environment.
    BadDeviceToken = 400,
    /// `apns-expiration` is not a non-negative integer of seconds.
    BadExpirationDate = 400,
    /// `apns-id` is not a UUID.
    BadMessageId = 400,
    /// `apns-priority` is not 10, 5 or 1.
    BadPriority = 400,
    /// `apns-topic` is present but not a usable topic (empty, or not visible ASCII).
    BadTopic = 400,
    /// The device token is not bound to the topic's app.
    DeviceTokenNotForTopic = 400,
    /// One of the APNs headers appears more than once.
    DuplicateHeaders = 400,
    /// Idle time out.
    IdleTimeout = 400,
    /// `apns-push-type` is not one of Apple's push types.
    InvalidPushType = 400,
    /// The path is exactly `/3/device/`.
    MissingDeviceToken = 400,
    /// No `apns-topic`, and none can be taken from a certificate.
    MissingTopic = 400,
    /// The body is empty (or, in this fake, not a JSON object).
    PayloadEmpty = 400,
    /// The topic is outside what the provider certificate covers.
    TopicDisallowed = 400,
    /// The provider certificate is unusable (here: it has no subject UID).
    BadCertificate = 403,
    /// The provider certificate is for the other environment.
    BadCertificateEnvironment = 403,
    /// The JWT `iat` is more than one hour old.
    ExpiredProviderToken = 403,
    /// The action is forbidden.
    Forbidden = 403,
    /// Unknown key or team, bad signature, or a malformed JWT.
    InvalidProviderToken = 403,
    /// Token mode without an `authorization: bearer <JWT>` header.
    MissingProviderToken = 403,
    /// The JWT's key belongs to another team than the first token of this connection.
    UnrelatedKeyIdInToken = 403,
    /// The key is not allowed in this environment (spelling as APNSwift lists it; unused here).
    BadEnvironmentKeyIdInToken = 403,
    /// The path is not `/3/device/<token>`.
    BadPath = 404,
    /// The method is not POST.
    MethodNotAllowed = 405,
    /// The device token has expired.
    ExpiredToken = 410,
    /// The device token is no longer active for the topic.
    Unregistered = 410,
    /// The body exceeds 4096 bytes (5120 for VoIP).
    PayloadTooLarge = 413,
    /// The provider token changed more often than once every 20 minutes on this connection.
    TooManyProviderTokenUpdates = 429,
    /// Too many requests to the same device token.
    TooManyRequests = 429,
    /// Internal server error.
    InternalServerError = 500,
    /// The service is unavailable.
    ServiceUnavailable = 503,
    /// The APNs server is shutting down.
    Shutdown = 503,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_and_statuses_follow_apples_table() {
        assert_eq!(Reason::ALL.len(), 32);
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(*r));
            assert!([400, 403, 404, 405, 410, 413, 429, 500, 503].contains(&r.status()), "{r}");
        }
        assert_eq!(Reason::DeviceTokenNotForTopic.as_str(), "DeviceTokenNotForTopic");
        assert_eq!(Reason::Unregistered.status(), 410);
        assert_eq!(Reason::TooManyProviderTokenUpdates.status(), 429);
        assert_eq!(Reason::ExpiredProviderToken.status(), 403);
        assert_eq!(Reason::PayloadTooLarge.status(), 413);
        assert_eq!(Reason::parse("unregistered"), None);
    }

    #[test]
    fn serializes_as_the_wire_string() {
        assert_eq!(serde_json::to_string(&Reason::BadTopic).unwrap(), "\"BadTopic\"");
    }
}
