//! Client side: writing requests, so the harness can play the client against
//! a real or fake server and so the request parser can be tested by round trip.

use crate::envelope;
use crate::folder::{write_folder_ids, write_folder_ref};
use crate::item::{write_field_uri, write_item_change, write_new_message, write_restriction};
use crate::names as n;
use crate::ns::Prefix;
use crate::xml_out::{ncname, XmlOut};
use crate::{
    CreateItemRequest, EventType, FindItemRequest, MarkAllItemsAsReadRequest, Operation, PushSubscriptionRequest, SchemaVersion,
    UpdateItemRequest,
};

/// Writes `op` as a complete request envelope for schema `version`.
///
/// * `GetFolder` with `base_shape: None` asks for `AllProperties`, as
///   exchangelib does for folder lookups.
/// * `Subscribe` writes the schema's `t:Watermark` (not exchangelib's `m:`
///   slip) and writes whatever event types it is given — including
///   `StatusEvent`, so negative tests can send it.
/// * `ConvertId` is exchangelib's probe: one dummy `EwsId` to `EntryId`.
/// * `PullSubscribe` is a minimal all-folders NewMail pull subscription.
/// * `CreateItem`, `FindItem`, `UpdateItem` and `MarkAllItemsAsRead` are written in
///   the schema's element order with the canonical namespaces; absent options are
///   left out (a `CreateItem` without a disposition is written without the
///   attribute, so negative tests can send it).
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
        Operation::CreateItem(create) => write_create_item(o, create),
        Operation::FindItem(find) => write_find_item(o, find),
        Operation::UpdateItem(update) => write_update_item(o, update),
        Operation::MarkAllItemsAsRead(mark) => write_mark_all_items_as_read(o, mark),
        Operation::Other(name) => o.empty(Prefix::Messages, &ncname(name), &[], &[]),
    })
}

/// Schema order: SavedItemFolderId, Items.
fn write_create_item(o: &mut XmlOut, create: &CreateItemRequest) {
    let attrs: Vec<(&str, &str)> = create.disposition.iter().map(|d| (n::MESSAGE_DISPOSITION, d.as_str())).collect();
    o.elem(Prefix::Messages, n::CREATE_ITEM, &attrs, |o| {
        if let Some(folder) = &create.saved_item_folder {
            o.elem(Prefix::Messages, n::SAVED_ITEM_FOLDER_ID, &[], |o| write_folder_ref(o, folder));
        }
        o.elem(Prefix::Messages, n::ITEMS, &[], |o| {
            for m in &create.items {
                write_new_message(o, m);
            }
        });
    });
}

/// Schema order: ItemShape, IndexedPageItemView, Restriction, ParentFolderIds.
fn write_find_item(o: &mut XmlOut, find: &FindItemRequest) {
    o.elem(Prefix::Messages, n::FIND_ITEM, &[(n::TRAVERSAL, find.traversal.as_str())], |o| {
        o.elem(Prefix::Messages, n::ITEM_SHAPE, &[], |o| {
            o.leaf(Prefix::Types, n::BASE_SHAPE, &[], find.base_shape.as_str());
            if !find.additional_properties.is_empty() {
                o.elem(Prefix::Types, n::ADDITIONAL_PROPERTIES, &[], |o| {
                    for field in &find.additional_properties {
                        write_field_uri(o, field);
                    }
                });
            }
        });
        if let Some(page) = &find.page {
            let max = page.max_entries.map(|m| m.to_string());
            let offset = page.offset.to_string();
            let mut attrs = Vec::with_capacity(3);
            if let Some(max) = &max {
                attrs.push((n::MAX_ENTRIES_RETURNED, max.as_str()));
            }
            attrs.push((n::OFFSET, offset.as_str()));
            attrs.push((n::BASE_POINT, page.base_point.as_str()));
            o.empty(Prefix::Messages, n::INDEXED_PAGE_ITEM_VIEW, &[], &attrs);
        }
        if let Some(r) = &find.restriction {
            write_restriction(o, r);
        }
        o.elem(Prefix::Messages, n::PARENT_FOLDER_IDS, &[], |o| {
            for folder in &find.parent_folder_ids {
                write_folder_ref(o, folder);
            }
        });
    });
}

/// Attributes ConflictResolution, MessageDisposition, SuppressReadReceipts; then ItemChanges.
fn write_update_item(o: &mut XmlOut, update: &UpdateItemRequest) {
    let mut attrs = vec![(n::CONFLICT_RESOLUTION, update.conflict_resolution.as_str())];
    if let Some(d) = update.disposition {
        attrs.push((n::MESSAGE_DISPOSITION, d.as_str()));
    }
    if let Some(s) = update.suppress_read_receipts {
        attrs.push((n::SUPPRESS_READ_RECEIPTS, if s { n::TRUE } else { n::FALSE }));
    }
    o.elem(Prefix::Messages, n::UPDATE_ITEM, &attrs, |o| {
        o.elem(Prefix::Messages, n::ITEM_CHANGES, &[], |o| {
            for change in &update.changes {
                write_item_change(o, change);
            }
        });
    });
}

/// Schema order: ReadFlag, SuppressReadReceipts, FolderIds — all three in `m:`.
fn write_mark_all_items_as_read(o: &mut XmlOut, mark: &MarkAllItemsAsReadRequest) {
    let flag = |b: bool| if b { n::TRUE } else { n::FALSE };
    o.elem(Prefix::Messages, n::MARK_ALL_ITEMS_AS_READ, &[], |o| {
        o.leaf(Prefix::Messages, n::READ_FLAG, &[], flag(mark.read_flag));
        o.leaf(Prefix::Messages, n::SUPPRESS_READ_RECEIPTS, &[], flag(mark.suppress_read_receipts));
        write_folder_ids(o, Prefix::Messages, &mark.folder_ids);
    });
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
            Operation::Other("SyncFolderItems".into()),
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

    /// The local names and namespaces of `tree`'s descendants, depth first, as `m:Name`/`t:Name`.
    fn shape(tree: &dom::Tree) -> Vec<String> {
        fn walk(t: &dom::Tree, out: &mut Vec<String>) {
            let p = match t.ns.as_deref() {
                Some(crate::ns::MESSAGES) => "m",
                Some(crate::ns::TYPES) => "t",
                _ => "?",
            };
            out.push(format!("{p}:{}", t.name));
            for c in &t.children {
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        walk(tree, &mut out);
        out
    }

    fn body_payload(xml: &str) -> dom::Tree {
        dom::parse_tree(xml.as_bytes()).unwrap().children[1].children[0].clone()
    }

    #[test]
    fn item_operations_are_written_in_schema_order_with_canonical_namespaces() {
        use crate::*;
        let create = Operation::CreateItem(CreateItemRequest {
            disposition: Some(MessageDisposition::SendAndSaveCopy),
            saved_item_folder: Some(FolderRef::Distinguished { id: "sentitems".into(), mailbox: None }),
            items: vec![NewMessage::text("Hi", "Body", &["bob@example.test", "carol@example.test"])],
        });
        let xml = write_request(SchemaVersion::Exchange2010Sp2, &create);
        assert!(xml.contains(r#"<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"></t:DistinguishedFolderId></m:SavedItemFolderId><m:Items><t:Message><t:Subject>Hi</t:Subject><t:Body BodyType="Text">Body</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>bob@example.test</t:EmailAddress></t:Mailbox>"#), "{xml}");
        assert_eq!(parse_request(xml.as_bytes()).unwrap().operation, create);

        let find = Operation::FindItem(FindItemRequest {
            traversal: Traversal::Shallow,
            base_shape: BaseShape::IdOnly,
            additional_properties: vec![FieldUri::Subject, FieldUri::IsRead],
            page: Some(IndexedPage { max_entries: Some(100), offset: 0, base_point: BasePoint::Beginning }),
            restriction: Some(Restriction::IsEqualTo { field: FieldUri::Subject, value: "Hi".into() }),
            parent_folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        });
        let xml = write_request(SchemaVersion::Exchange2013, &find);
        assert_eq!(
            shape(&body_payload(&xml)),
            [
                "m:FindItem",
                "m:ItemShape",
                "t:BaseShape",
                "t:AdditionalProperties",
                "t:FieldURI",
                "t:FieldURI",
                "m:IndexedPageItemView",
                "m:Restriction",
                "t:IsEqualTo",
                "t:FieldURI",
                "t:FieldURIOrConstant",
                "t:Constant",
                "m:ParentFolderIds",
                "t:DistinguishedFolderId",
            ]
        );
        assert!(xml.contains(r#"<m:FindItem Traversal="Shallow">"#), "{xml}");
        assert!(xml.contains(r#"<m:IndexedPageItemView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/>"#), "{xml}");
        assert_eq!(parse_request(xml.as_bytes()).unwrap().operation, find);

        let update = Operation::UpdateItem(UpdateItemRequest {
            suppress_read_receipts: Some(true),
            ..UpdateItemRequest::always_overwrite(vec![ItemChange::set_is_read(
                ItemRef { id: "I1".into(), change_key: Some("CK".into()) },
                true,
            )])
        });
        let xml = write_request(SchemaVersion::Exchange2013, &update);
        assert!(xml.contains(concat!(
            r#"<m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly" SuppressReadReceipts="true"><m:ItemChanges><t:ItemChange>"#,
            r#"<t:ItemId Id="I1" ChangeKey="CK"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="message:IsRead"/><t:Message><t:IsRead>true</t:IsRead></t:Message>"#,
            r#"</t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>"#
        )), "{xml}");
        assert_eq!(parse_request(xml.as_bytes()).unwrap().operation, update);

        let mark = Operation::MarkAllItemsAsRead(MarkAllItemsAsReadRequest {
            read_flag: true,
            suppress_read_receipts: false,
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        });
        let xml = write_request(SchemaVersion::Exchange2013, &mark);
        assert_eq!(
            shape(&body_payload(&xml)),
            ["m:MarkAllItemsAsRead", "m:ReadFlag", "m:SuppressReadReceipts", "m:FolderIds", "t:DistinguishedFolderId"]
        );
        assert_eq!(parse_request(xml.as_bytes()).unwrap().operation, mark);

        // No disposition: written without the attribute, so a negative test can send it.
        let bare = Operation::CreateItem(CreateItemRequest {
            disposition: None,
            saved_item_folder: None,
            items: vec![NewMessage::text("", "", &[])],
        });
        let xml = write_request(SchemaVersion::Exchange2013, &bare);
        assert!(xml.contains("<m:CreateItem><m:Items><t:Message><t:Subject></t:Subject><t:Body BodyType=\"Text\"></t:Body></t:Message></m:Items></m:CreateItem>"), "{xml}");
        assert_eq!(parse_request(xml.as_bytes()).unwrap().operation, bare);
    }
}
