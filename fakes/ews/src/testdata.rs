//! The sample messages under `testdata/` (see its README for what each one
//! reproduces), as strings for the unit tests.

macro_rules! sample {
    ($name:ident, $file:literal) => {
        pub(crate) const $name: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/", $file));
    };
}

sample!(MS_DOCS_PUSH_SUBSCRIBE, "ms-docs-push-subscribe.xml");
sample!(MS_DOCS_PUSH_SUBSCRIBE_RESPONSE, "ms-docs-push-subscribe-response.xml");
sample!(EXCHANGELIB_PUSH_SUBSCRIBE_ALL, "exchangelib-push-subscribe-all.xml");
sample!(EXCHANGELIB_PUSH_SUBSCRIBE_INBOX, "exchangelib-push-subscribe-inbox.xml");
sample!(EXCHANGELIB_GET_FOLDER_INBOX, "exchangelib-get-folder-inbox.xml");
sample!(EXCHANGELIB_CONVERT_ID_PROBE, "exchangelib-convert-id-probe.xml");
sample!(GET_FOLDER_INBOX_RESPONSE, "get-folder-inbox-response.xml");
sample!(O365_SERVER_VERSION_HEADER, "o365-server-version-header.xml");
sample!(EXCHANGE_2010_SP2_SEND_NOTIFICATION, "exchange-2010-sp2-send-notification.xml");
sample!(EXCHANGELIB_STATUS_NOTIFICATION, "exchangelib-status-notification.xml");
sample!(EXCHANGELIB_RESULT_OK, "exchangelib-result-ok.xml");
sample!(EXCHANGELIB_RESULT_UNSUBSCRIBE, "exchangelib-result-unsubscribe.xml");
sample!(MS_OXWSNTIF_RESULT_OK, "ms-oxwsntif-result-ok.xml");
sample!(MS_OXWSNTIF_RESULT_UNSUBSCRIBE, "ms-oxwsntif-result-unsubscribe.xml");
sample!(SCHEMA_VALIDATION_FAULT, "schema-validation-fault.xml");
sample!(EXCHANGE_2007_FAULT, "exchange-2007-fault.xml");

/// Every sample, for the never-panic properties.
pub(crate) const ALL: &[&str] = &[
    MS_DOCS_PUSH_SUBSCRIBE,
    MS_DOCS_PUSH_SUBSCRIBE_RESPONSE,
    EXCHANGELIB_PUSH_SUBSCRIBE_ALL,
    EXCHANGELIB_PUSH_SUBSCRIBE_INBOX,
    EXCHANGELIB_GET_FOLDER_INBOX,
    EXCHANGELIB_CONVERT_ID_PROBE,
    GET_FOLDER_INBOX_RESPONSE,
    O365_SERVER_VERSION_HEADER,
    EXCHANGE_2010_SP2_SEND_NOTIFICATION,
    EXCHANGELIB_STATUS_NOTIFICATION,
    EXCHANGELIB_RESULT_OK,
    EXCHANGELIB_RESULT_UNSUBSCRIBE,
    MS_OXWSNTIF_RESULT_OK,
    MS_OXWSNTIF_RESULT_UNSUBSCRIBE,
    SCHEMA_VALIDATION_FAULT,
    EXCHANGE_2007_FAULT,
];
