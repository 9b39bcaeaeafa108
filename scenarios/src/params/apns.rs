//! What the listener's APNs pushes were: their kind, and Apple's reason when refused.

use super::{closed_vocabulary, UnknownWord, Vocabulary};
use mailconform_fakes::apns::{Environment, Reason};
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// The kind of push the listener sent: a badge update or a silent background wake-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "push_kind", regex = "badge|background")]
pub enum PushKind {
    /// An alert push carrying the new badge.
    Badge,
    /// A silent push that wakes the app.
    Background,
}

closed_vocabulary!(PushKind, "a kind of push", {
    "badge" => PushKind::Badge,
    "background" => PushKind::Background,
});

impl PushKind {
    /// The kind as the listener's push log records it.
    pub fn as_str(self) -> &'static str {
        match self {
            PushKind::Badge => "badge",
            PushKind::Background => "background",
        }
    }
}

/// One of APNs's two environments, by the name Apple's provider documentation gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "apns_environment", regex = "development|production")]
pub struct ApnsEnvironment(pub Environment);

closed_vocabulary!(ApnsEnvironment, "an APNs environment", {
    "development" => ApnsEnvironment(Environment::Sandbox),
    "production" => ApnsEnvironment(Environment::Production),
});

/// Whether an answer carried a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "carried", regex = "carried|did not carry")]
pub struct Carried(pub bool);

closed_vocabulary!(Carried, "whether an answer carried a header", {
    "carried" => Carried(true),
    "did not carry" => Carried(false),
});

/// A reason APNs gives for refusing a push, spelt as on the wire (`TopicDisallowed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "apns_reason",
    regex = "BadCollapseId|BadDeviceToken|BadExpirationDate|BadMessageId|BadPriority|BadTopic|DeviceTokenNotForTopic|DuplicateHeaders|IdleTimeout|InvalidPushType|MissingDeviceToken|MissingTopic|PayloadEmpty|TopicDisallowed|BadCertificate|BadCertificateEnvironment|ExpiredProviderToken|Forbidden|InvalidProviderToken|MissingProviderToken|UnrelatedKeyIdInToken|BadEnvironmentKeyIdInToken|BadPath|MethodNotAllowed|ExpiredToken|Unregistered|PayloadTooLarge|TooManyProviderTokenUpdates|TooManyRequests|InternalServerError|ServiceUnavailable|Shutdown"
)]
pub struct ApnsReason(pub Reason);

impl Vocabulary for ApnsReason {
    const ABOUT: &'static str = "an APNs refusal reason";

    fn words() -> Vec<String> {
        Reason::ALL.iter().map(|r| r.as_str().to_string()).collect()
    }
}

impl FromStr for ApnsReason {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reason::parse(s).map(ApnsReason).ok_or_else(|| UnknownWord::of::<ApnsReason>(s))
    }
}

impl fmt::Display for ApnsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl Deref for ApnsReason {
    type Target = Reason;

    fn deref(&self) -> &Reason {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn kinds() {
        closed::<PushKind>();
        rejects::<PushKind>("alert");
        assert!(PushKind::WORDS.iter().all(|(w, k)| k.as_str() == *w));
    }

    #[test]
    fn environments_and_headers() {
        closed::<ApnsEnvironment>();
        rejects::<ApnsEnvironment>("sandbox");
        assert_eq!("development".parse::<ApnsEnvironment>(), Ok(ApnsEnvironment(Environment::Sandbox)));
        closed::<Carried>();
        assert_eq!("did not carry".parse::<Carried>(), Ok(Carried(false)));
    }

    #[test]
    fn every_reason_of_apples_table() {
        closed::<ApnsReason>();
        rejects::<ApnsReason>("unregistered");
        assert_eq!(ApnsReason::words().len(), Reason::ALL.len());
    }
}
