//! Response codes and response classes.

wire_enum! {
    /// `ResponseCode` values this harness produces or must recognise. The real
    /// enumeration has hundreds of members; this list is the notification
    /// conversation's slice of it, and a code outside it is reported as
    /// [`crate::EwsError::UnknownValue`] rather than guessed at.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum ResponseCode {
        NoError => "NoError",
        ErrorInvalidPushSubscriptionUrl => "ErrorInvalidPushSubscriptionUrl",
        ErrorInvalidSubscriptionRequest => "ErrorInvalidSubscriptionRequest",
        ErrorSubscriptionNotFound => "ErrorSubscriptionNotFound",
        ErrorInvalidSubscription => "ErrorInvalidSubscription",
        ErrorInvalidPullSubscriptionId => "ErrorInvalidPullSubscriptionId",
        ErrorInvalidServerVersion => "ErrorInvalidServerVersion",
        ErrorSchemaValidation => "ErrorSchemaValidation",
        ErrorInvalidRequest => "ErrorInvalidRequest",
        ErrorFolderNotFound => "ErrorFolderNotFound",
        ErrorAccessDenied => "ErrorAccessDenied",
        ErrorInvalidWatermark => "ErrorInvalidWatermark",
        ErrorExceededSubscriptionCount => "ErrorExceededSubscriptionCount",
        ErrorInvalidIdMalformed => "ErrorInvalidIdMalformed",
        ErrorInternalServerError => "ErrorInternalServerError",
        ErrorServerBusy => "ErrorServerBusy",
        ErrorNameResolutionNoResults => "ErrorNameResolutionNoResults",
        ErrorInvalidOperation => "ErrorInvalidOperation",
        ErrorSubscriptionAccessDenied => "ErrorSubscriptionAccessDenied",
        ErrorSubscriptionDelegateAccessNotSupported => "ErrorSubscriptionDelegateAccessNotSupported",
        /// The schema's spelling; one reference page misspells it "Unsubsribed".
        ErrorSubscriptionUnsubscribed => "ErrorSubscriptionUnsubscribed",
        ErrorExpiredSubscription => "ErrorExpiredSubscription",
        ErrorReadEventsFailed => "ErrorReadEventsFailed",
        ErrorEventNotFound => "ErrorEventNotFound",
        ErrorMissedNotificationEvents => "ErrorMissedNotificationEvents",
        ErrorProxyRequestNotAllowed => "ErrorProxyRequestNotAllowed",
        ErrorProxiedSubscriptionCallFailure => "ErrorProxiedSubscriptionCallFailure",
        /// exchangelib's version guess retries with an older schema on this one.
        ErrorIncorrectSchemaVersion => "ErrorIncorrectSchemaVersion",
        ErrorInvalidSchemaVersionForMailboxVersion => "ErrorInvalidSchemaVersionForMailboxVersion",
        ErrorInternalServerTransientError => "ErrorInternalServerTransientError",
        ErrorItemNotFound => "ErrorItemNotFound",
    }
}

wire_enum! {
    /// `ResponseClass` attribute of every `*ResponseMessage`. Clients need both
    /// `Success` here and `NoError` in `ResponseCode` before they trust a message.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum ResponseClass {
        Success => "Success",
        Warning => "Warning",
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
