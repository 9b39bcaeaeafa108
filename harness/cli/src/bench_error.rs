//! Why a measurement was not taken: its set-up failed, or the run broke what the figure
//! stands on (every message a badge, every document back to itself), and a figure of a broken
//! path would measure nothing.

use mailconform_activesync::{EasError, WbxmlError};
use mailconform_sim::{ControlError, NoSuchRole, SimError};

#[derive(Debug, thiserror::Error)]
pub(crate) enum BenchError {
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error(transparent)]
    Control(#[from] ControlError),
    /// A role the bench's own deployment should hold was not found.
    #[error("the bench's deployment: {0}")]
    Deployment(#[from] NoSuchRole),
    #[error("cannot build a request: {0}")]
    Request(#[from] http::Error),
    #[error("the corpus does not encode: {0}")]
    Encode(WbxmlError),
    #[error("a {root} document does not decode: {source}")]
    Decode { root: String, source: WbxmlError },
    #[error("a {root} document does not decode back to itself")]
    RoundTrip { root: String },
    #[error("{login}: {step}: {source}")]
    Session { login: String, step: &'static str, source: EasError },
    #[error("{login}: no common ActiveSync version (server offers {offered:?})")]
    NoCommonVersion { login: String, offered: Vec<String> },
    #[error("{login}: Provision ended {outcome}, not with a policy key")]
    NoPolicyKey { login: String, outcome: String },
    #[error("{login}: FolderSync sent no Inbox")]
    NoInbox { login: String },
    #[error("{login}: the Inbox holds {expected} messages but the Sync added {added} and the device holds {held} ({with_subject} with their subject)")]
    InboxMismatch { login: String, expected: usize, added: usize, held: usize, with_subject: usize },
    #[error("{user}'s badge is {badge} after {messages} messages: the push chain lost some")]
    LostPushes { user: String, badge: u32, messages: usize },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("a measuring thread panicked")]
    ThreadPanicked,
}
