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

fn item_ref() -> impl Strategy<Value = ItemRef> {
    (text(), opt_text()).prop_map(|(id, change_key)| ItemRef { id, change_key })
}

/// Named paths and others, the latter as `FieldUri::parse` makes them (trimmed).
fn field_uri() -> impl Strategy<Value = FieldUri> {
    prop_oneof![prop::sample::select(FieldUri::KNOWN.to_vec()), text().prop_map(|s| FieldUri::parse(&s))]
}

fn new_message() -> impl Strategy<Value = NewMessage> {
    (text(), text(), prop::sample::select(BodyType::ALL.to_vec()), vec(text(), 0..4))
        .prop_map(|(subject, body, body_type, to)| NewMessage { subject, body, body_type, to })
}

fn create_item() -> impl Strategy<Value = CreateItemRequest> {
    (
        proptest::option::of(prop::sample::select(MessageDisposition::ALL.to_vec())),
        proptest::option::of(folder_ref()),
        vec(new_message(), 1..4),
    )
        .prop_map(|(disposition, saved_item_folder, items)| CreateItemRequest { disposition, saved_item_folder, items })
}

fn restriction() -> impl Strategy<Value = Restriction> {
    prop_oneof![
        (field_uri(), text()).prop_map(|(field, value)| Restriction::IsEqualTo { field, value }),
        "[A-Z][A-Za-z]{0,16}".prop_map(Restriction::Other),
    ]
}

fn find_item() -> impl Strategy<Value = FindItemRequest> {
    (
        prop::sample::select(Traversal::ALL.to_vec()),
        prop::sample::select(BaseShape::ALL.to_vec()),
        vec(field_uri(), 0..4),
        proptest::option::of((proptest::option::of(any::<u32>()), any::<u32>(), prop::sample::select(BasePoint::ALL.to_vec()))),
        proptest::option::of(restriction()),
        vec(folder_ref(), 0..3),
    )
        .prop_map(|(traversal, base_shape, additional_properties, page, restriction, parent_folder_ids)| FindItemRequest {
            traversal,
            base_shape,
            additional_properties,
            page: page.map(|(max_entries, offset, base_point)| IndexedPage { max_entries, offset, base_point }),
            restriction,
            parent_folder_ids,
        })
}

/// Every update but an `Other` SetItemField of `message:IsRead`, which the writer cannot
/// express (it writes `Other` as a path only).
fn item_update() -> impl Strategy<Value = ItemUpdate> {
    prop_oneof![
        any::<bool>().prop_map(ItemUpdate::SetIsRead),
        (prop::sample::select(vec!["SetItemField", "AppendToItemField", "DeleteItemField"]), field_uri())
            .prop_filter("SetItemField of IsRead carries a value", |(a, f)| !(*a == "SetItemField" && *f == FieldUri::IsRead))
            .prop_map(|(action, field)| ItemUpdate::Other { action: action.into(), field }),
    ]
}

fn update_item() -> impl Strategy<Value = UpdateItemRequest> {
    (
        prop::sample::select(ConflictResolution::ALL.to_vec()),
        proptest::option::of(prop::sample::select(MessageDisposition::ALL.to_vec())),
        proptest::option::of(any::<bool>()),
        vec((item_ref(), vec(item_update(), 0..4)).prop_map(|(item, updates)| ItemChange { item, updates }), 0..4),
    )
        .prop_map(|(conflict_resolution, disposition, suppress_read_receipts, changes)| UpdateItemRequest {
            conflict_resolution,
            disposition,
            suppress_read_receipts,
            changes,
        })
}

fn mark_all_items_as_read() -> impl Strategy<Value = MarkAllItemsAsReadRequest> {
    (any::<bool>(), any::<bool>(), vec(folder_ref(), 0..4)).prop_map(|(read_flag, suppress_read_receipts, folder_ids)| {
        MarkAllItemsAsReadRequest { read_flag, suppress_read_receipts, folder_ids }
    })
}

fn found_items() -> impl Strategy<Value = FoundItems> {
    let found = (item_ref(), opt_text(), opt_text(), proptest::option::of(any::<bool>()))
        .prop_map(|(item, subject, from, is_read)| FoundItem { item, subject, from, is_read });
    (any::<u32>(), any::<bool>(), proptest::option::of(any::<u32>()), vec(found, 0..4)).prop_map(
        |(total_items_in_view, includes_last_item_in_range, indexed_paging_offset, items)| FoundItems {
            total_items_in_view,
            includes_last_item_in_range,
            indexed_paging_offset,
            items,
        },
    )
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
    let _ = parse_create_item_response(xml);
    let _ = parse_find_item_response(xml);
    let _ = parse_update_item_response(xml);
    let _ = parse_mark_all_read_response(xml);
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
    let item = ItemRef { id: "I".into(), change_key: Some("C".into()) };
    seeds.push(write_create_item_response(&server, &[Ok(None), Ok(Some(item.clone()))]));
    seeds.push(write_find_item_response(
        &server,
        &[Ok(FoundItems {
            total_items_in_view: 1,
            includes_last_item_in_range: true,
            indexed_paging_offset: Some(1),
            items: vec![FoundItem { item: item.clone(), subject: Some("S".into()), from: Some("a@b.test".into()), is_read: Some(false) }],
        })],
    ));
    seeds.push(write_update_item_response(&server, &[Ok(UpdatedItem { item: Some(item.clone()), conflict_count: 0 })]));
    seeds.push(write_mark_all_read_response(&server, &[Ok(())]));
    for op in [
        Operation::CreateItem(CreateItemRequest::send_and_save_copy(vec![NewMessage::text("S", "B", &["bob@example.test"])])),
        Operation::FindItem(FindItemRequest {
            restriction: Some(Restriction::IsEqualTo { field: FieldUri::Subject, value: "S".into() }),
            page: Some(IndexedPage { max_entries: Some(100), offset: 0, base_point: BasePoint::Beginning }),
            ..FindItemRequest::inbox_subjects()
        }),
        Operation::UpdateItem(UpdateItemRequest::always_overwrite(vec![ItemChange::set_is_read(item.clone(), true)])),
        Operation::MarkAllItemsAsRead(MarkAllItemsAsReadRequest {
            read_flag: true,
            suppress_read_receipts: true,
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        }),
    ] {
        seeds.push(write_request(SchemaVersion::Exchange2016, &op));
    }
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
    fn item_requests_round_trip(
        version in schema_version(),
        create in create_item(),
        find in find_item(),
        update in update_item(),
        mark in mark_all_items_as_read(),
    ) {
        for op in [
            Operation::CreateItem(create),
            Operation::FindItem(find),
            Operation::UpdateItem(update),
            Operation::MarkAllItemsAsRead(mark),
        ] {
            let xml = write_request(version, &op);
            let parsed = parse_request(xml.as_bytes())?;
            prop_assert_eq!(parsed.request_server_version.as_deref(), Some(version.as_str()));
            prop_assert_eq!(parsed.operation, op);
        }
    }

    #[test]
    fn item_responses_round_trip(
        server in server(),
        created in vec(prop_oneof![proptest::option::of(item_ref()).prop_map(Ok), response_error().prop_map(Err)], 0..4),
        found in vec(prop_oneof![found_items().prop_map(Ok), response_error().prop_map(Err)], 0..3),
        updated in vec(
            prop_oneof![
                (proptest::option::of(item_ref()), any::<u32>()).prop_map(|(item, conflict_count)| Ok(UpdatedItem { item, conflict_count })),
                response_error().prop_map(Err),
            ],
            0..4,
        ),
        marked in vec(prop_oneof![Just(Ok(())), response_error().prop_map(Err)], 0..4),
    ) {
        let xml = write_create_item_response(&server, &created);
        prop_assert_eq!(parse_create_item_response(xml.as_bytes())?, created);
        let xml = write_find_item_response(&server, &found);
        prop_assert_eq!(parse_find_item_response(xml.as_bytes())?, found);
        let xml = write_update_item_response(&server, &updated);
        prop_assert_eq!(parse_update_item_response(xml.as_bytes())?, updated);
        let xml = write_mark_all_read_response(&server, &marked);
        prop_assert_eq!(parse_mark_all_read_response(xml.as_bytes())?, marked);
        prop_assert_eq!(parse_server_version_info(xml.as_bytes())?, Some(server));
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
