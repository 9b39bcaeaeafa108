//! Response codes and response classes.

wire_enum! {
    /// `ResponseCode` values this harness produces or must recognise. The real
    /// enumeration has hundreds of members; this list is the slice the
    /// notification conversation and the item operations (CreateItem, FindItem,
    /// UpdateItem, MarkAllItemsAsRead) need, and a code outside it is reported as
    /// [`crate::EwsError::UnknownValue`] rather than guessed at.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum ResponseCode {
        /// Success; the only code a `Success` message carries.
        NoError => "NoError",
        /// The push `URL` is not one the server will call: missing, not absolute http(s), or too long.
        ErrorInvalidPushSubscriptionUrl => "ErrorInvalidPushSubscriptionUrl",
        /// The subscription request is malformed or contradicts itself (e.g. folders with `SubscribeToAllFolders`).
        ErrorInvalidSubscriptionRequest => "ErrorInvalidSubscriptionRequest",
        /// No subscription has that id (expired, dropped after failed pushes, or never existed).
        ErrorSubscriptionNotFound => "ErrorSubscriptionNotFound",
        /// The id is not a subscription this operation applies to (Unsubscribe on a push subscription).
        ErrorInvalidSubscription => "ErrorInvalidSubscription",
        /// The id does not name a pull subscription.
        ErrorInvalidPullSubscriptionId => "ErrorInvalidPullSubscriptionId",
        /// `RequestServerVersion` names a version this server does not know, or none where one is required.
        ErrorInvalidServerVersion => "ErrorInvalidServerVersion",
        /// The request does not validate against the schema (sent in a SOAP fault, with line and position).
        ErrorSchemaValidation => "ErrorSchemaValidation",
        /// The request is not valid for this operation in a way the schema cannot express.
        ErrorInvalidRequest => "ErrorInvalidRequest",
        /// A folder id or distinguished folder name does not resolve in the mailbox.
        ErrorFolderNotFound => "ErrorFolderNotFound",
        /// The caller may not access the mailbox or folder.
        ErrorAccessDenied => "ErrorAccessDenied",
        /// The `Watermark` to resume from is malformed or no longer in the event table.
        ErrorInvalidWatermark => "ErrorInvalidWatermark",
        /// The caller already holds as many subscriptions as the throttling policy allows.
        ErrorExceededSubscriptionCount => "ErrorExceededSubscriptionCount",
        /// An id is not a well-formed EWS id (e.g. the probe's `DUMMY`).
        ErrorInvalidIdMalformed => "ErrorInvalidIdMalformed",
        /// The server failed; the client may retry.
        ErrorInternalServerError => "ErrorInternalServerError",
        /// Throttled: retry after the fault's `BackOffMilliseconds`.
        ErrorServerBusy => "ErrorServerBusy",
        /// ResolveNames found nobody by that name.
        ErrorNameResolutionNoResults => "ErrorNameResolutionNoResults",
        /// The operation is not allowed in the current state.
        ErrorInvalidOperation => "ErrorInvalidOperation",
        /// The subscription belongs to another caller.
        ErrorSubscriptionAccessDenied => "ErrorSubscriptionAccessDenied",
        /// Subscribing to another user's mailbox by delegate access is not supported.
        ErrorSubscriptionDelegateAccessNotSupported => "ErrorSubscriptionDelegateAccessNotSupported",
        /// The schema's spelling; one reference page misspells it "Unsubsribed".
        ErrorSubscriptionUnsubscribed => "ErrorSubscriptionUnsubscribed",
        /// The subscription timed out before this call.
        ErrorExpiredSubscription => "ErrorExpiredSubscription",
        /// The server could not read the mailbox's event table.
        ErrorReadEventsFailed => "ErrorReadEventsFailed",
        /// The watermark names an event the server no longer has.
        ErrorEventNotFound => "ErrorEventNotFound",
        /// Events were lost between notifications; the client must resynchronise.
        ErrorMissedNotificationEvents => "ErrorMissedNotificationEvents",
        /// The request arrived proxied from another server, which this call does not allow.
        ErrorProxyRequestNotAllowed => "ErrorProxyRequestNotAllowed",
        /// A subscription call proxied to the mailbox's server failed there.
        ErrorProxiedSubscriptionCallFailure => "ErrorProxiedSubscriptionCallFailure",
        /// exchangelib's version guess retries with an older schema on this one.
        ErrorIncorrectSchemaVersion => "ErrorIncorrectSchemaVersion",
        /// The requested schema is newer than the mailbox's server supports.
        ErrorInvalidSchemaVersionForMailboxVersion => "ErrorInvalidSchemaVersionForMailboxVersion",
        /// A transient server failure; retrying later is expected to succeed.
        ErrorInternalServerTransientError => "ErrorInternalServerTransientError",
        /// An item id does not resolve in the mailbox.
        ErrorItemNotFound => "ErrorItemNotFound",
        /// A message to send has no recipients, or one that cannot be resolved to an address
        /// ("At least one recipient isn't valid."). A well-formed address that has no mailbox
        /// is *not* this error: Exchange accepts the message and a non-delivery report follows.
        ErrorInvalidRecipients => "ErrorInvalidRecipients",
        /// CreateItem or UpdateItem of a message without the `MessageDisposition` attribute.
        ErrorMessageDispositionRequired => "ErrorMessageDispositionRequired",
        /// A FindItem restriction the server cannot evaluate.
        ErrorUnsupportedQueryFilter => "ErrorUnsupportedQueryFilter",
    }
}

wire_enum! {
    /// `ResponseClass` attribute of every `*ResponseMessage`. Clients need both
    /// `Success` here and `NoError` in `ResponseCode` before they trust a message.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum ResponseClass {
        /// The message's operation succeeded (`ResponseCode` is `NoError`).
        Success => "Success",
        /// Not processed, though not in error (ResolveNames with several matches; a batch cut short).
        Warning => "Warning",
        /// The operation failed; `ResponseCode` and `MessageText` say why.
        Error => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_wire_name() {
        for &c in ResponseCode::ALL {
            assert_eq!(ResponseCode::parse(c.as_str()), Some(c));
            assert_eq!(format!("{c:?}"), c.as_str(), "variant name and wire name must agree");
        }
        for &c in ResponseClass::ALL {
            assert_eq!(ResponseClass::parse(c.as_str()), Some(c));
        }
        assert_eq!(ResponseCode::parse("noerror"), None);
        assert_eq!(ResponseCode::parse("ErrorSubscriptionUnsubsribed"), None);
    }
}
