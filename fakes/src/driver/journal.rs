//! What reached a server: the requests it received, as its own logs would show them.

use super::DriverFuture;
use crate::exchange::{EwsRequestRecord, ExchangeControl};
use mailconform_activesync::server::RequestRecord;

/// The request journal of a mail server (IIS's log and the ActiveSync log, in Exchange's terms).
///
/// A real server keeps these in its own logs, which the harness cannot read unless it stands
/// between the server and its clients; its driver answers
/// [`super::DriverError::NotSupported`] otherwise.
pub trait Traffic: Send + Sync {
    /// Every EWS request, oldest first, with the user and the authentication method that admitted it.
    fn ews_requests(&self) -> DriverFuture<'_, Vec<EwsRequestRecord>>;
    /// Every ActiveSync request, oldest first, with its command and the Status answered.
    fn activesync_requests(&self) -> DriverFuture<'_, Vec<RequestRecord>>;
}

/// Exchange's fake, in-process or served: its control API.
impl Traffic for ExchangeControl {
    fn ews_requests(&self) -> DriverFuture<'_, Vec<EwsRequestRecord>> {
        Box::pin(async move { Ok(ExchangeControl::requests(self).await?) })
    }

    fn activesync_requests(&self) -> DriverFuture<'_, Vec<RequestRecord>> {
        Box::pin(async move { Ok(ExchangeControl::activesync_log(self).await?) })
    }
}
