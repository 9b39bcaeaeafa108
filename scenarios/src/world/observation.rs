//! What a When step saw, for the Then steps that check it: one typed value per kind of
//! observation, so that a Then step reads exactly the answer it is about.

/// The last answer a When step observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Observation {
    /// The listener's answer to an APNs certificate upload: its HTTP status and body.
    CertificateUpload { status: u16, body: String },
    /// A Ping that returned: whole minutes of protocol time it was held.
    PingReturned { minutes: u64 },
    /// The answer the bare EWS client got (from SEG or Exchange): the HTTP status and the
    /// authentication schemes its `WWW-Authenticate` headers offered, in order.
    EwsAnswer(mailconform_fakes::ews_probe::ProbeAnswer),
    /// The answer the bare ActiveSync client got from Exchange, and what it had sent.
    EasAnswer { request: crate::requirements::eas::EasRequest, answer: mailconform_fakes::eas_probe::EasAnswer },
    /// The bare ActiveSync client's Ping (its heartbeat, in seconds), its answer and the whole
    /// minutes of protocol time it was held.
    EasPing { heartbeat: u32, answer: mailconform_fakes::eas_probe::EasAnswer, minutes: u64 },
    /// The listener's answer to a registration: its HTTP status and body.
    RegistrationAnswer { status: u16, body: String },
    /// APNs's answer to the bare provider's push.
    ApnsAnswer(mailconform_fakes::apns::PushOutcome),
}

impl Observation {
    /// A short name for messages ("expected a certificate upload, saw ...").
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Observation::CertificateUpload { .. } => "a certificate upload",
            Observation::PingReturned { .. } => "a returned Ping",
            Observation::EwsAnswer(_) => "an answer to the bare EWS client",
            Observation::EasAnswer { .. } => "an answer to the bare ActiveSync client",
            Observation::EasPing { .. } => "a returned Ping of the bare ActiveSync client",
            Observation::RegistrationAnswer { .. } => "a registration answer",
            Observation::ApnsAnswer(_) => "an answer to the bare APNs provider",
        }
    }
}
