//! EWS push as the mail server keeps it: its subscriptions and the notifications it sent.

use super::DriverFuture;
use crate::exchange::{DeliveryRecord, ExchangeControl, SubscriptionView};

/// What the mail server knows of its push subscriptions.
///
/// A real Exchange shows this only to an administrator's own tools, so the live-target driver
/// answers these with [`super::DriverError::NotSupported`]; scenarios that need them then
/// observe the same facts at the listener, which the harness always controls.
pub trait PushSubscriptions: Send + Sync {
    /// Every subscription the server holds, live or ended, in creation order.
    fn subscriptions(&self) -> DriverFuture<'_, Vec<SubscriptionView>>;
    /// Every SendNotification the server attempted, with its outcome, in the order sent.
    fn deliveries(&self) -> DriverFuture<'_, Vec<DeliveryRecord>>;
}

/// Exchange's fake, in-process or served: its control API.
impl PushSubscriptions for ExchangeControl {
    fn subscriptions(&self) -> DriverFuture<'_, Vec<SubscriptionView>> {
        Box::pin(async move { Ok(ExchangeControl::subscriptions(self).await?) })
    }

    fn deliveries(&self) -> DriverFuture<'_, Vec<DeliveryRecord>> {
        Box::pin(async move { Ok(ExchangeControl::deliveries(self).await?) })
    }
}
