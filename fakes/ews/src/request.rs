//! Server side: decoding the requests a client sends to `/EWS/Exchange.asmx`.

use crate::dom::Node;
use crate::envelope;
use crate::folder::read_folder_ids;
use crate::names as n;
use crate::{EventType, EwsError, FolderRef};

/// `m:PushSubscriptionRequest` ([MS-OXWSNTIF] 3.1.4.3.3.6), field by field. Values a server must judge
/// (the URL, the status frequency) are kept raw so that the server, not the
/// codec, decides which error code a bad value earns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushSubscriptionRequest {
    /// The `SubscribeToAllFolders` attribute (Exchange 2010+): watch the whole mailbox.
    pub subscribe_to_all_folders: bool,
    /// `t:FolderIds`: the folders to watch; empty with `SubscribeToAllFolders`.
    pub folder_ids: Vec<FolderRef>,
    /// `t:EventTypes`, in request order; never [`EventType::Status`], which the schema does not allow here.
    pub event_types: Vec<EventType>,
    /// Read from `Watermark` in either namespace: exchangelib sends `m:Watermark`
    /// where the schema says `t:Watermark`.
    pub watermark: Option<String>,
    /// Raw text; the schema's range is 1..=1440 minutes.
    pub status_frequency: Option<String>,
    /// `t:URL`, raw: where the server POSTs SendNotification; the server judges it.
    pub url: Option<String>,
    /// Exchange 2013+ only; echoed by nothing in this codec.
    pub caller_data: Option<String>,
}

/// The operation in `soap:Body`, decoded as far as this harness needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `m:GetFolder` ([MS-OXWSFOLD]): exchangelib's first call after the probe.
    GetFolder {
        /// `m:FolderIds`, in request order.
        folder_ids: Vec<FolderRef>,
        /// `m:FolderShape/t:BaseShape` (`IdOnly`, `Default`, `AllProperties`), raw.
        base_shape: Option<String>,
    },
    /// `m:Subscribe` with a push subscription ([MS-OXWSNTIF] 3.1.4.3).
    Subscribe(PushSubscriptionRequest),
    /// A pull subscription; its details are not modelled because the fake
    /// only needs to refuse or accept it.
    PullSubscribe,
    /// `m:Unsubscribe` ([MS-OXWSNTIF] 3.1.4.4).
    Unsubscribe {
        /// The subscription to end, as the Subscribe response named it.
        subscription_id: String,
    },
    /// exchangelib's version and auth probe (a dummy id conversion).
    ConvertId,
    /// The probe older exchangelib versions (< 4.9) used instead of ConvertId.
    ResolveNames {
        /// `m:UnresolvedEntry`: the name to resolve.
        unresolved: String,
    },
    /// Any other operation, by the local name of its body element. A
    /// streaming `Subscribe` also lands here, as `Other("Subscribe")`, so the
    /// server can answer with a Subscribe-shaped error.
    Other(String),
}

/// A decoded request: the schema version the client asked for and the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestEnvelope {
    /// `t:RequestServerVersion/@Version` exactly as sent (clients probe with
    /// values such as `Exchange2015_SP1` that [`crate::SchemaVersion`] does not
    /// list). `None` when the header or the element is absent, which
    /// Exchange 2007 tolerated and later versions do not.
    pub request_server_version: Option<String>,
    /// The one operation of `soap:Body`.
    pub operation: Operation,
}

/// Decodes a request. Malformed XML is [`EwsError::Xml`]; a missing Body or a
/// known operation missing a required part is [`EwsError::Schema`]; an
/// unknown event type is [`EwsError::UnknownValue`]. All three are what
/// Exchange reports as an ErrorSchemaValidation fault
/// ([`EwsError::to_request_fault`]).
pub fn parse_request(xml: &[u8]) -> Result<RequestEnvelope, EwsError> {
    let doc = envelope::parse(xml)?;
    let env = doc.root();
    let request_server_version = match envelope::header(&env).and_then(|h| h.child(n::REQUEST_SERVER_VERSION)) {
        Some(rsv) => Some(rsv.require_attr(n::VERSION)?.to_owned()),
        None => None,
    };
    let payload = envelope::payload(&env)?;
    let operation = match payload.name() {
        n::GET_FOLDER => Operation::GetFolder {
            folder_ids: match payload.child(n::FOLDER_IDS) {
                Some(ids) => read_folder_ids(&ids)?,
                None => Vec::new(),
            },
            base_shape: payload.child(n::FOLDER_SHAPE).and_then(|s| s.child(n::BASE_SHAPE)).map(|b| b.token().to_owned()),
        },
        n::SUBSCRIBE => read_subscribe(&payload)?,
        n::UNSUBSCRIBE => Operation::Unsubscribe { subscription_id: payload.require_child(n::SUBSCRIPTION_ID)?.text().to_owned() },
        n::CONVERT_ID => Operation::ConvertId,
        n::RESOLVE_NAMES => Operation::ResolveNames { unresolved: payload.require_child(n::UNRESOLVED_ENTRY)?.text().to_owned() },
        other => Operation::Other(other.to_owned()),
    };
    Ok(RequestEnvelope { request_server_version, operation })
}

fn read_subscribe(subscribe: &Node<'_>) -> Result<Operation, EwsError> {
    if let Some(push) = subscribe.child(n::PUSH_SUBSCRIPTION_REQUEST) {
        return read_push(&push).map(Operation::Subscribe);
    }
    if subscribe.child(n::PULL_SUBSCRIPTION_REQUEST).is_some() {
        return Ok(Operation::PullSubscribe);
    }
    if subscribe.child(n::STREAMING_SUBSCRIPTION_REQUEST).is_some() {
        return Ok(Operation::Other(n::SUBSCRIBE.to_owned()));
    }
    Err(subscribe.error(format!(
        "expected {}, {} or {}",
        n::PUSH_SUBSCRIPTION_REQUEST,
        n::PULL_SUBSCRIPTION_REQUEST,
        n::STREAMING_SUBSCRIPTION_REQUEST
    )))
}

fn read_push(push: &Node<'_>) -> Result<PushSubscriptionRequest, EwsError> {
    let subscribe_to_all_folders = match push.attr(n::SUBSCRIBE_TO_ALL_FOLDERS) {
        Some(v) => push.parse_bool(v, "SubscribeToAllFolders boolean")?,
        None => false,
    };
    let folder_ids = match push.child(n::FOLDER_IDS) {
        Some(ids) => read_folder_ids(&ids)?,
        None => Vec::new(),
    };
    let types = push.require_child(n::EVENT_TYPES)?;
    let mut event_types = Vec::new();
    for t in types.children_named(n::EVENT_TYPE) {
        match EventType::parse(t.token()) {
            Some(e) if e.is_subscribable() => event_types.push(e),
            _ => return Err(EwsError::unknown(t.path(), "subscribable event type", t.text())),
        }
    }
    let text = |name: &str| push.child(name).map(|c| c.text().to_owned());
    Ok(PushSubscriptionRequest {
        subscribe_to_all_folders,
        folder_ids,
        event_types,
        watermark: text(n::WATERMARK),
        status_frequency: text(n::STATUS_FREQUENCY),
        url: text(n::URL),
        caller_data: text(n::CALLER_DATA),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    fn push(xml: &str) -> PushSubscriptionRequest {
        match parse_request(xml.as_bytes()).unwrap().operation {
            Operation::Subscribe(p) => p,
            other => panic!("expected a push Subscribe, got {other:?}"),
        }
    }

    #[test]
    fn ms_docs_push_example_without_header_or_prefixes() {
        let req = parse_request(testdata::MS_DOCS_PUSH_SUBSCRIBE.as_bytes()).unwrap();
        assert_eq!(req.request_server_version, None);
        let Operation::Subscribe(p) = req.operation else { panic!("{:?}", req.operation) };
        assert_eq!(
            p,
            PushSubscriptionRequest {
                subscribe_to_all_folders: false,
                folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
                event_types: vec![
                    EventType::NewMail,
                    EventType::Copied,
                    EventType::Created,
                    EventType::Deleted,
                    EventType::Modified,
                    EventType::Moved,
                ],
                watermark: None,
                status_frequency: Some("1".into()),
                url: Some("http://clientWebService/Service.asmx".into()),
                caller_data: None,
            }
        );
    }

    #[test]
    fn exchangelib_account_subscribe_with_m_watermark_slip() {
        let req = parse_request(testdata::EXCHANGELIB_PUSH_SUBSCRIBE_ALL.as_bytes()).unwrap();
        assert_eq!(req.request_server_version.as_deref(), Some("Exchange2016"));
        let Operation::Subscribe(p) = req.operation else { panic!("{:?}", req.operation) };
        assert!(p.subscribe_to_all_folders);
        assert!(p.folder_ids.is_empty());
        assert_eq!(p.event_types, EventType::SUBSCRIBABLE.to_vec());
        assert_eq!(p.watermark.as_deref(), Some("AQAAAEaT9Mg0vAVIpsWqBEk+vJsKgQEAAAAAAAA="));
        assert_eq!(p.status_frequency.as_deref(), Some("1"));
        assert_eq!(p.url.as_deref(), Some("https://listener.example.test/ews/push?tenant=a&b=c"));
    }

    #[test]
    fn exchangelib_folder_subscribe_with_mailbox() {
        let p = push(testdata::EXCHANGELIB_PUSH_SUBSCRIBE_INBOX);
        assert!(!p.subscribe_to_all_folders);
        assert_eq!(p.folder_ids, vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("alice@example.test".into()) }]);
        assert_eq!(p.event_types, vec![EventType::NewMail, EventType::Modified]);
        assert_eq!(p.watermark, None);
    }

    #[test]
    fn get_folder_inbox() {
        let req = parse_request(testdata::EXCHANGELIB_GET_FOLDER_INBOX.as_bytes()).unwrap();
        assert_eq!(req.request_server_version.as_deref(), Some("Exchange2016"));
        assert_eq!(
            req.operation,
            Operation::GetFolder {
                folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("alice@example.test".into()) }],
                base_shape: Some("IdOnly".into()),
            }
        );
    }

    #[test]
    fn probes_and_simple_operations() {
        let req = parse_request(testdata::EXCHANGELIB_CONVERT_ID_PROBE.as_bytes()).unwrap();
        assert_eq!(req.operation, Operation::ConvertId);
        assert_eq!(req.request_server_version.as_deref(), Some("Exchange2015_SP1"));

        let wrap = |body: &str| {
            format!(
                r#"<s:Envelope xmlns:s="{}" xmlns:m="{}" xmlns:t="{}"><s:Header><t:RequestServerVersion Version="Exchange2010_SP2"/></s:Header><s:Body>{body}</s:Body></s:Envelope>"#,
                crate::ns::SOAP,
                crate::ns::MESSAGES,
                crate::ns::TYPES
            )
        };
        let op = |body: &str| parse_request(wrap(body).as_bytes()).map(|r| r.operation);
        assert_eq!(
            op("<m:Unsubscribe><m:SubscriptionId>id&amp;1</m:SubscriptionId></m:Unsubscribe>").unwrap(),
            Operation::Unsubscribe { subscription_id: "id&1".into() }
        );
        assert_eq!(
            op(r#"<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>DUMMY</m:UnresolvedEntry></m:ResolveNames>"#).unwrap(),
            Operation::ResolveNames { unresolved: "DUMMY".into() }
        );
        assert_eq!(
            op("<m:Subscribe><m:PullSubscriptionRequest><t:EventTypes><t:EventType>NewMailEvent</t:EventType></t:EventTypes><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>").unwrap(),
            Operation::PullSubscribe
        );
        assert_eq!(op("<m:Subscribe><m:StreamingSubscriptionRequest/></m:Subscribe>").unwrap(), Operation::Other("Subscribe".into()));
        assert_eq!(op("<m:FindItem Traversal=\"Shallow\"/>").unwrap(), Operation::Other("FindItem".into()));
        assert_eq!(
            op("<m:GetFolder><m:FolderShape><t:BaseShape> IdOnly </t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id=\"AAMk\" ChangeKey=\"AQ\"/></m:FolderIds></m:GetFolder>").unwrap(),
            Operation::GetFolder {
                folder_ids: vec![FolderRef::Id { id: "AAMk".into(), change_key: Some("AQ".into()) }],
                base_shape: Some("IdOnly".into()),
            }
        );
    }

    #[test]
    fn schema_violations_are_errors_with_paths() {
        let wrap = |body: &str| format!(r#"<s:Envelope xmlns:s="{}"><s:Body>{body}</s:Body></s:Envelope>"#, crate::ns::SOAP);
        let err = |body: &str| parse_request(wrap(body).as_bytes()).unwrap_err();

        let e = err("<Subscribe><PushSubscriptionRequest><EventTypes><EventType>StatusEvent</EventType></EventTypes></PushSubscriptionRequest></Subscribe>");
        assert!(matches!(e, EwsError::UnknownValue { .. }), "{e}");
        assert!(e.to_string().contains("Envelope/Body/Subscribe/PushSubscriptionRequest/EventTypes/EventType"), "{e}");
        let e = err("<Subscribe><PushSubscriptionRequest><EventTypes><EventType>NewMail</EventType></EventTypes></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("\"NewMail\""), "{e}");
        let e =
            err("<Subscribe><PushSubscriptionRequest SubscribeToAllFolders=\"yes\"><EventTypes/></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("SubscribeToAllFolders"), "{e}");
        let e = err("<Subscribe><PushSubscriptionRequest><URL>x</URL></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("EventTypes is missing"), "{e}");
        let e = err("<Subscribe><PushSubscriptionRequest><FolderIds><AddressListId Id=\"x\"/></FolderIds><EventTypes/></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("AddressListId"), "{e}");
        let e = err("<Subscribe/>");
        assert!(matches!(e, EwsError::Schema { .. }), "{e}");
        let e = err("<Unsubscribe/>");
        assert!(e.to_string().contains("SubscriptionId is missing"), "{e}");
        let e = err("");
        assert!(e.to_string().contains("soap:Body is empty"), "{e}");
        let e = parse_request(format!(r#"<s:Envelope xmlns:s="{}"/>"#, crate::ns::SOAP).as_bytes()).unwrap_err();
        assert_eq!(e, EwsError::schema("Envelope", "required element Body is missing"));
        let e = parse_request(b"<s:Envelope><s:Body><Subscribe></s:Body></s:Envelope>").unwrap_err();
        assert!(matches!(e, EwsError::Xml { line: 1, .. }), "{e}");
        let e = parse_request(
            format!(
                r#"<s:Envelope xmlns:s="{}"><s:Header><t:RequestServerVersion/></s:Header><s:Body><X/></s:Body></s:Envelope>"#,
                crate::ns::SOAP
            )
            .as_bytes(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("Version is missing"), "{e}");
    }

    #[test]
    fn request_server_version_in_messages_namespace_is_tolerated() {
        let xml = format!(
            r#"<soap:Envelope xmlns:soap="{}" xmlns:m="{}"><soap:Header><m:RequestServerVersion Version="Exchange2007_SP1"/></soap:Header><soap:Body><m:ConvertId/></soap:Body></soap:Envelope>"#,
            crate::ns::SOAP,
            crate::ns::MESSAGES
        );
        assert_eq!(parse_request(xml.as_bytes()).unwrap().request_server_version.as_deref(), Some("Exchange2007_SP1"));
    }
}
