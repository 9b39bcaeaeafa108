//! Client side: writing requests, so the harness can play the client against
//! a real or fake server and so the request parser can be tested by round trip.

use crate::envelope;
use crate::folder::write_folder_ids;
use crate::names as n;
use crate::ns::Prefix;
use crate::xml_out::{ncname, XmlOut};
use crate::{EventType, Operation, PushSubscriptionRequest, SchemaVersion};

/// Writes `op` as a complete request envelope for schema `version`.
///
/// * `GetFolder` with `base_shape: None` asks for `AllProperties`, as
///   exchangelib does for folder lookups.
/// * `Subscribe` writes the schema's `t:Watermark` (not exchangelib's `m:`
///   slip) and writes whatever event types it is given — including
///   `StatusEvent`, so negative tests can send it.
/// * `ConvertId` is exchangelib's probe: one dummy `EwsId` to `EntryId`.
/// * `PullSubscribe` is a minimal all-folders NewMail pull subscription.
/// * `Other(name)` is an empty `m:{name}` element. A name that cannot be an
///   element name has each character outside `[A-Za-z0-9_.-]` replaced by `_`
///   (and `_` prepended if it does not start with a letter).
pub fn write_request(version: SchemaVersion, op: &Operation) -> String {
    envelope::write_request(version.as_str(), envelope::TYPICAL_CAPACITY, |o| match op {
        Operation::GetFolder { folder_ids, base_shape } => {
            o.elem(Prefix::Messages, n::GET_FOLDER, &[], |o| {
                o.elem(Prefix::Messages, n::FOLDER_SHAPE, &[], |o| {
                    let shape = base_shape.as_deref().unwrap_or(n::BASE_SHAPE_ALL_PROPERTIES);
                    o.leaf(Prefix::Types, n::BASE_SHAPE, &[], shape);
                });
                write_folder_ids(o, Prefix::Messages, folder_ids);
            });
        }
        Operation::Subscribe(push) => write_push_subscribe(o, push),
        Operation::PullSubscribe => {
            o.elem(Prefix::Messages, n::SUBSCRIBE, &[], |o| {
                o.elem(Prefix::Messages, n::PULL_SUBSCRIPTION_REQUEST, &[(n::SUBSCRIBE_TO_ALL_FOLDERS, n::TRUE)], |o| {
                    write_event_types(o, &[EventType::NewMail]);
                    o.leaf(Prefix::Types, n::TIMEOUT, &[], n::PROBE_PULL_TIMEOUT);
                });
            });
        }
        Operation::Unsubscribe { subscription_id } => {
            o.elem(Prefix::Messages, n::UNSUBSCRIBE, &[], |o| {
                o.leaf(Prefix::Messages, n::SUBSCRIPTION_ID, &[], subscription_id);
            });
        }
        Operation::ConvertId => {
            o.elem(Prefix::Messages, n::CONVERT_ID, &[(n::DESTINATION_FORMAT, n::DESTINATION_FORMAT_ENTRY_ID)], |o| {
                o.elem(Prefix::Messages, n::SOURCE_IDS, &[], |o| {
                    o.empty(
                        Prefix::Types,
                        n::ALTERNATE_ID,
                        &[],
                        &[(n::FORMAT, n::FORMAT_EWS_ID), (n::ID, n::PROBE_DUMMY), (n::MAILBOX, n::PROBE_DUMMY)],
                    );
                });
            });
        }
        Operation::ResolveNames { unresolved } => {
            o.elem(Prefix::Messages, n::RESOLVE_NAMES, &[(n::RETURN_FULL_CONTACT_DATA, n::FALSE)], |o| {
                o.leaf(Prefix::Messages, n::UNRESOLVED_ENTRY, &[], unresolved);
            });
        }
        Operation::Other(name) => o.empty(Prefix::Messages, &ncname(name), &[], &[]),
    })
}

/// Schema order: FolderIds, EventTypes, Watermark, StatusFrequency, URL,
/// CallerData. Absent options are left out rather than written empty.
fn write_push_subscribe(o: &mut XmlOut, push: &PushSubscriptionRequest) {
    o.elem(Prefix::Messages, n::SUBSCRIBE, &[], |o| {
        let attrs: &[(&str, &str)] = if push.subscribe_to_all_folders { &[(n::SUBSCRIBE_TO_ALL_FOLDERS, n::TRUE)] } else { &[] };
        o.elem(Prefix::Messages, n::PUSH_SUBSCRIPTION_REQUEST, attrs, |o| {
            if !push.folder_ids.is_empty() {
                write_folder_ids(o, Prefix::Types, &push.folder_ids);
            }
            write_event_types(o, &push.event_types);
            for (name, value) in [
                (n::WATERMARK, &push.watermark),
                (n::STATUS_FREQUENCY, &push.status_frequency),
                (n::URL, &push.url),
                (n::CALLER_DATA, &push.caller_data),
            ] {
                if let Some(v) = value {
                    o.leaf(Prefix::Types, name, &[], v);
                }
            }
        });
    });
}

fn write_event_types(o: &mut XmlOut, types: &[EventType]) {
    o.elem(Prefix::Types, n::EVENT_TYPES, &[], |o| {
        for t in types {
            o.leaf(Prefix::Types, n::EVENT_TYPE, &[], t.as_str());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom;
    use crate::{parse_request, FolderRef};

    #[test]
    fn subscribe_is_written_in_schema_order_with_canonical_namespaces() {
        let push = PushSubscriptionRequest {
            subscribe_to_all_folders: false,
            folder_ids: vec![
                FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("a@b.test".into()) },
                FolderRef::Id { id: "AAMk=".into(), change_key: None },
            ],
            event_types: vec![EventType::NewMail],
            watermark: Some("W&1".into()),
            status_frequency: Some("30".into()),
            url: Some("https://l.test/p?a=1&b=2".into()),
            caller_data: Some("<ctx>".into()),
        };
        let xml = write_request(SchemaVersion::Exchange2013, &Operation::Subscribe(push.clone()));
        assert!(xml.starts_with(r#"<?xml version="1.0" encoding="utf-8"?>"#));
        assert!(xml.contains(r#"<t:RequestServerVersion Version="Exchange2013"/>"#), "{xml}");
        assert!(xml.contains("<t:URL>https://l.test/p?a=1&amp;b=2</t:URL>"), "{xml}");
        let root = dom::parse_tree(xml.as_bytes()).unwrap();
        let request = &root.children[1].children[0].children[0];
        let order: Vec<&str> = request.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order, ["FolderIds", "EventTypes", "Watermark", "StatusFrequency", "URL", "CallerData"]);
        assert!(request.children.iter().all(|c| c.ns.as_deref() == Some(crate::ns::TYPES)));
        assert_eq!(request.ns.as_deref(), Some(crate::ns::MESSAGES));

        let parsed = parse_request(xml.as_bytes()).unwrap();
        assert_eq!(parsed.request_server_version.as_deref(), Some("Exchange2013"));
        assert_eq!(parsed.operation, Operation::Subscribe(push));
    }

    #[test]
    fn probes_look_like_exchangelibs() {
        let xml = write_request(SchemaVersion::Exchange2016, &Operation::ConvertId);
        assert!(xml.contains(r#"<m:ConvertId DestinationFormat="EntryId"><m:SourceIds><t:AlternateId Format="EwsId" Id="DUMMY" Mailbox="DUMMY"/></m:SourceIds></m:ConvertId>"#), "{xml}");
        for op in [
            Operation::ConvertId,
            Operation::PullSubscribe,
            Operation::Unsubscribe { subscription_id: "s<1>".into() },
            Operation::ResolveNames { unresolved: "DUMMY".into() },
            Operation::Other("FindItem".into()),
            Operation::GetFolder {
                folder_ids: vec![FolderRef::Distinguished { id: "msgfolderroot".into(), mailbox: None }],
                base_shape: Some("IdOnly".into()),
            },
        ] {
            let xml = write_request(SchemaVersion::Exchange2010Sp2, &op);
            assert_eq!(parse_request(xml.as_bytes()).unwrap().operation, op, "{xml}");
        }
        let xml = write_request(SchemaVersion::Exchange2016, &Operation::GetFolder { folder_ids: vec![], base_shape: None });
        assert!(xml.contains("<t:BaseShape>AllProperties</t:BaseShape>"), "{xml}");
        let xml = write_request(SchemaVersion::Exchange2016, &Operation::Other("not a name".into()));
        assert_eq!(parse_request(xml.as_bytes()).unwrap().operation, Operation::Other("not_a_name".into()));
    }
}
