//! Properties over generated messages: every writer/parser pair is an
//! identity, and no parser panics on any input.

use proptest::collection::vec;
use proptest::prelude::*;

use crate::xml_out::is_xml_char;
use crate::*;

/// Characters XML can carry, weighted towards the ones escaping gets wrong.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec!['<', '>', '&', '"', '\'', '\r', '\n', '\t', ' ', ']', ';', '#', '=', ':']),
        2 => any::<char>().prop_filter("legal in XML 1.0", |c| is_xml_char(*c)),
        4 => prop::char::range('a', 'z'),
    ]
}

fn text() -> impl Strategy<Value = String> {
    vec(xml_char(), 0..24).prop_map(String::from_iter)
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn schema_version() -> impl Strategy<Value = SchemaVersion> {
    prop::sample::select(SchemaVersion::ALL.to_vec())
}

fn server() -> impl Strategy<Value = ServerVersionInfo> {
    (any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>(), text())
        .prop_map(|(major, minor, major_build, minor_build, version)| ServerVersionInfo { major, minor, major_build, minor_build, version })
}

fn error_code() -> impl Strategy<Value = ResponseCode> {
    prop::sample::select(ResponseCode::ALL.iter().copied().filter(|c| *c != ResponseCode::NoError).collect::<Vec<_>>())
}

fn response_error() -> impl Strategy<Value = ResponseError> {
    (error_code(), text()).prop_map(|(code, message)| ResponseError { code, message })
}

fn folder_ref() -> impl Strategy<Value = FolderRef> {
    prop_oneof![
        (text(), opt_text()).prop_map(|(id, mailbox)| FolderRef::Distinguished { id, mailbox }),
        (text(), opt_text()).prop_map(|(id, change_key)| FolderRef::Id { id, change_key }),
    ]
}

fn push_request() -> impl Strategy<Value = PushSubscriptionRequest> {
    (
        any::<bool>(),
        vec(folder_ref(), 0..4),
        vec(prop::sample::select(EventType::SUBSCRIBABLE.to_vec()), 0..9),
        (opt_text(), opt_text(), opt_text(), opt_text()),
    )
        .prop_map(|(subscribe_to_all_folders, folder_ids, event_types, (watermark, status_frequency, url, caller_data))| {
            PushSubscriptionRequest { subscribe_to_all_folders, folder_ids, event_types, watermark, status_frequency, url, caller_data }
        })
}

fn object_id() -> impl Strategy<Value = ObjectId> {
    prop_oneof![
        (text(), opt_text()).prop_map(|(id, change_key)| ObjectId::Item { id, change_key }),
        (text(), opt_text()).prop_map(|(id, change_key)| ObjectId::Folder { id, change_key }),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    (
        prop::sample::select(EventType::ALL.to_vec()),
        text(),
        opt_text(),
        proptest::option::of(object_id()),
        proptest::option::of((text(), opt_text())),
        proptest::option::of(object_id()),
        proptest::option::of((text(), opt_text())),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(|(kind, watermark, timestamp, object, parent_folder_id, old_object, old_parent_folder_id, unread_count)| Event {
            kind,
            watermark,
            timestamp,
            object,
            parent_folder_id,
            old_object,
            old_parent_folder_id,
            unread_count,
        })
}

fn notification() -> impl Strategy<Value = Notification> {
    (text(), text(), any::<bool>(), vec(event(), 0..5)).prop_map(|(subscription_id, previous_watermark, more_events, events)| {
        Notification { subscription_id, previous_watermark, more_events, events }
    })
}

fn folder_info() -> impl Strategy<Value = FolderInfo> {
    (text(), text(), text(), any::<u32>(), any::<u32>(), any::<u32>()).prop_map(
        |(folder_id, change_key, display_name, total_count, unread_count, child_folder_count)| FolderInfo {
            folder_id,
            change_key,
            display_name,
            total_count,
            unread_count,
            child_folder_count,
        },
    )
}

fn fault() -> impl Strategy<Value = Fault> {
    (
        "[a-z]{1,4}:[A-Za-z]{1,24}",
        text(),
        prop::sample::select(ResponseCode::ALL.to_vec()),
        text(),
        proptest::option::of((any::<u64>(), any::<u64>())),
    )
        .prop_map(|(faultcode, faultstring, code, message, line_position)| Fault {
            faultcode,
            faultstring,
            code,
            message,
            line_position,
        })
}

/// Runs every public parser; the point is only that none of them panics.
fn parse_everything(xml: &[u8]) {
    let _ = parse_request(xml);
    let _ = parse_get_folder_response(xml);
    let _ = parse_subscribe_response(xml);
    let _ = parse_unsubscribe_response(xml);
    let _ = parse_error_response(xml, "ConvertId");
    let _ = parse_fault(xml);
    let _ = parse_fault_back_off(xml);
    let _ = parse_server_version_info(xml);
    let _ = parse_send_notification(xml);
    let _ = parse_send_notification_result(xml);
}

/// Valid documents to mutate: the samples plus one output of each writer.
fn seeds() -> Vec<String> {
    let server = ServerVersionInfo::for_schema(SchemaVersion::Exchange2016);
    let mut seeds: Vec<String> = testdata::ALL.iter().map(|s| s.to_string()).collect();
    seeds.push(write_get_folder_response(
        &server,
        &[Ok(FolderInfo {
            folder_id: "F".into(),
            change_key: "C".into(),
            display_name: "Inbox".into(),
            total_count: 1,
            unread_count: 1,
            child_folder_count: 0,
        })],
    ));
    seeds.push(write_subscribe_response(&server, &Ok(("S".into(), "W".into()))));
    seeds.push(write_unsubscribe_response(&server, &Ok(())));
    seeds.push(write_fault_with_back_off(
        Some(&server),
        &Fault {
            faultcode: "a:ErrorServerBusy".into(),
            faultstring: "busy".into(),
            code: ResponseCode::ErrorServerBusy,
            message: "busy".into(),
            line_position: Some((1, 2)),
        },
        Some(5),
    ));
    seeds
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippet = prop_oneof![
        vec(any::<u8>(), 1..6),
        prop::sample::select(vec![
            b"<".to_vec(),
            b">".to_vec(),
            b"/>".to_vec(),
            b"&".to_vec(),
            b"&#0;".to_vec(),
            b"&#x110000;".to_vec(),
            b"<x>".to_vec(),
            b"</x>".to_vec(),
            b"xmlns:t=\"\"".to_vec(),
            b"<![CDATA[".to_vec(),
            b"<!DOCTYPE x>".to_vec(),
            b"\xF0\x9F".to_vec(),
        ]),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 1..16usize).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), snippet).prop_map(|(i, s)| Mutation::Insert(i, s)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1..64usize).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
    ]
}

fn apply(doc: &mut Vec<u8>, m: &Mutation) {
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
    match m {
        Mutation::Flip(i, b) => {
            if !doc.is_empty() {
                let i = i % doc.len();
                doc[i] ^= b | 1;
            }
        }
        Mutation::Delete(i, n) => {
            let start = at(*i, doc.len());
            let end = (start + n).min(doc.len());
            doc.drain(start..end);
        }
        Mutation::Insert(i, s) => {
            let at = at(*i, doc.len());
            doc.splice(at..at, s.iter().copied());
        }
        Mutation::Truncate(i) => {
            let at = at(*i, doc.len());
            doc.truncate(at);
        }
        Mutation::Duplicate(i, n) => {
            let start = at(*i, doc.len());
            let end = (start + n).min(doc.len());
            let copy = doc[start..end].to_vec();
            doc.splice(end..end, copy);
        }
    }
}

proptest! {
    #[test]
    fn send_notification_round_trips(version in schema_version(), notifications in vec(notification(), 0..4)) {
        let xml = write_send_notification(version, &notifications);
        prop_assert_eq!(parse_send_notification(xml.as_bytes())?, notifications);
        let req = parse_request(xml.as_bytes())?;
        prop_assert_eq!(req.request_server_version.as_deref(), Some(version.as_str()));
    }

    #[test]
    fn subscribe_request_round_trips(version in schema_version(), push in push_request()) {
        let xml = write_request(version, &Operation::Subscribe(push.clone()));
        let parsed = parse_request(xml.as_bytes())?;
        prop_assert_eq!(parsed.request_server_version.as_deref(), Some(version.as_str()));
        prop_assert_eq!(parsed.operation, Operation::Subscribe(push));
    }

    #[test]
    fn other_requests_round_trip(
        version in schema_version(),
        folder_ids in vec(folder_ref(), 0..4),
        base_shape in "[A-Za-z]{1,16}",
        id in text(),
    ) {
        for op in [
            Operation::GetFolder { folder_ids: folder_ids.clone(), base_shape: Some(base_shape.clone()) },
            Operation::Unsubscribe { subscription_id: id.clone() },
            Operation::ResolveNames { unresolved: id.clone() },
        ] {
            let xml = write_request(version, &op);
            prop_assert_eq!(parse_request(xml.as_bytes())?.operation, op);
        }
    }

    #[test]
    fn subscribe_response_round_trips(
        server in server(),
        result in prop_oneof![(text(), text()).prop_map(Ok), response_error().prop_map(Err)],
    ) {
        let xml = write_subscribe_response(&server, &result);
        prop_assert_eq!(parse_subscribe_response(xml.as_bytes())?, result);
        prop_assert_eq!(parse_server_version_info(xml.as_bytes())?, Some(server));
    }

    #[test]
    fn get_folder_response_round_trips(
        server in server(),
        results in vec(prop_oneof![folder_info().prop_map(Ok), response_error().prop_map(Err)], 0..5),
    ) {
        let xml = write_get_folder_response(&server, &results);
        prop_assert_eq!(parse_get_folder_response(xml.as_bytes())?, results);
        prop_assert_eq!(parse_server_version_info(xml.as_bytes())?, Some(server));
    }

    #[test]
    fn unsubscribe_and_error_responses_round_trip(
        server in server(),
        result in prop_oneof![Just(Ok(())), response_error().prop_map(Err)],
        err in response_error(),
        op in "[A-Z][A-Za-z]{0,20}",
    ) {
        let xml = write_unsubscribe_response(&server, &result);
        prop_assert_eq!(parse_unsubscribe_response(xml.as_bytes())?, result);
        let xml = write_error_response(&server, &op, &err);
        prop_assert_eq!(parse_error_response(xml.as_bytes(), &op)?, vec![Err(err)]);
    }

    #[test]
    fn fault_round_trips(server in proptest::option::of(server()), fault in fault(), back_off in proptest::option::of(any::<u64>())) {
        let xml = write_fault_with_back_off(server.as_ref(), &fault, back_off);
        prop_assert_eq!(parse_fault(xml.as_bytes())?, Some(fault));
        prop_assert_eq!(parse_fault_back_off(xml.as_bytes())?, back_off);
        prop_assert_eq!(parse_server_version_info(xml.as_bytes())?, server);
    }

    #[test]
    fn send_notification_result_round_trips(unsubscribe in any::<bool>()) {
        let status = if unsubscribe { SubscriptionStatus::Unsubscribe } else { SubscriptionStatus::Ok };
        prop_assert_eq!(parse_send_notification_result(write_send_notification_result(status).as_bytes())?, status);
    }

    /// Writers stay well-formed even for text XML cannot carry (C0 controls,
    /// U+FFFF), which they replace rather than emit.
    #[test]
    fn writers_always_emit_well_formed_xml(s in any::<String>(), version in schema_version()) {
        let n = Notification {
            subscription_id: s.clone(),
            previous_watermark: s.clone(),
            more_events: false,
            events: vec![Event {
                kind: EventType::Created,
                watermark: s.clone(),
                timestamp: Some(s.clone()),
                object: Some(ObjectId::Item { id: s.clone(), change_key: Some(s.clone()) }),
                parent_folder_id: Some((s.clone(), None)),
                old_object: None,
                old_parent_folder_id: None,
                unread_count: None,
            }],
        };
        let parsed = parse_send_notification(write_send_notification(version, &[n]).as_bytes())?;
        prop_assert_eq!(parsed.len(), 1);
        let expected: String = s.chars().map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' }).collect();
        prop_assert_eq!(&parsed[0].subscription_id, &expected);
        let other = write_request(version, &Operation::Other(s.clone()));
        prop_assert!(parse_request(other.as_bytes()).is_ok());
        let err = ResponseError { code: ResponseCode::ErrorInvalidRequest, message: s.clone() };
        let server = ServerVersionInfo::for_schema(version);
        prop_assert!(parse_fault(write_error_response(&server, &s, &err).as_bytes()).is_ok());
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in vec(any::<u8>(), 0..512)) {
        parse_everything(&bytes);
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in "\\PC{0,256}") {
        parse_everything(s.as_bytes());
    }

    #[test]
    fn parsers_never_panic_on_mutated_envelopes(seed in any::<prop::sample::Index>(), mutations in vec(mutation(), 1..8)) {
        let seeds = seeds();
        let mut doc = seeds[seed.index(seeds.len())].clone().into_bytes();
        for m in &mutations {
            apply(&mut doc, m);
            parse_everything(&doc);
        }
    }
}
