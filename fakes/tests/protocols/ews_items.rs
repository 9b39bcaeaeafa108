//! The Exchange fake's item operations as a client sees them: CreateItem sends mail from one
//! mailbox to another (and keeps the Sent Items copy, or saves a draft), FindItem lists it,
//! UpdateItem and MarkAllItemsAsRead change its read state — each through the same mailbox path
//! as the control API, so that push subscriptions see the same events — and the errors Exchange
//! gives: an unknown item id, a message without recipients, a recipient without a mailbox.

use crate::common;

use common::*;
use mailconform_ews::{
    parse_create_item_response, parse_fault, parse_find_item_response, parse_get_folder_response, parse_mark_all_read_response,
    parse_subscribe_response, parse_update_item_response, BasePoint, BaseShape, CreateItemRequest, EventType, FieldUri, FindItemRequest,
    FolderInfo, FolderRef, FoundItem, FoundItems, IndexedPage, ItemChange, ItemRef, ItemUpdate, MarkAllItemsAsReadRequest,
    MessageDisposition, NewMessage, ObjectId, Operation, ResponseCode, ResponseError, Restriction, SchemaVersion, Traversal,
    UpdateItemRequest, UpdatedItem,
};
use mailconform_fakes::exchange::ServerProfile;
use mailconform_sim::{Response, Simulation};

const BOB_INBOX: &str = "AAMkAD01INBOX";
const ALICE_SENT: &str = "AAMkAD00SENTITEMS";

fn sim(seed: u64) -> Simulation {
    exchange_sim(seed, ServerProfile::Exchange2013)
}

fn folder(id: &str) -> FolderRef {
    FolderRef::Distinguished { id: id.into(), mailbox: None }
}

fn call(sim: &Simulation, auth: &str, op: Operation) -> Response {
    let r = ews_as(sim, auth, SchemaVersion::Exchange2013, &op);
    assert_eq!(r.status(), 200, "{}", body_text(&r));
    r
}

fn create(sim: &Simulation, auth: &str, req: CreateItemRequest) -> Vec<Result<Option<ItemRef>, ResponseError>> {
    let r = call(sim, auth, Operation::CreateItem(req));
    parse_create_item_response(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(&r)))
}

/// Alice sends one plain-text message with `disposition`.
fn send(sim: &Simulation, disposition: MessageDisposition, subject: &str, to: &[&str]) -> Result<Option<ItemRef>, ResponseError> {
    let req = CreateItemRequest {
        disposition: Some(disposition),
        saved_item_folder: None,
        items: vec![NewMessage::text(subject, "Hello from alice", to)],
    };
    let mut v = create(sim, &alice_auth(), req);
    assert_eq!(v.len(), 1, "one response message per item");
    v.remove(0)
}

fn find(sim: &Simulation, auth: &str, req: FindItemRequest) -> Vec<Result<FoundItems, ResponseError>> {
    let r = call(sim, auth, Operation::FindItem(req));
    parse_find_item_response(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(&r)))
}

/// The single folder's page of `req`.
fn found(sim: &Simulation, auth: &str, req: FindItemRequest) -> FoundItems {
    let mut v = find(sim, auth, req);
    assert_eq!(v.len(), 1);
    v.remove(0).unwrap_or_else(|e| panic!("FindItem refused: {e:?}"))
}

fn items_of(sim: &Simulation, auth: &str, folder_name: &str) -> Vec<FoundItem> {
    found(sim, auth, FindItemRequest { parent_folder_ids: vec![folder(folder_name)], ..FindItemRequest::inbox_subjects() }).items
}

fn update(sim: &Simulation, auth: &str, req: UpdateItemRequest) -> Vec<Result<UpdatedItem, ResponseError>> {
    let r = call(sim, auth, Operation::UpdateItem(req));
    parse_update_item_response(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(&r)))
}

fn mark_all(sim: &Simulation, auth: &str, folders: Vec<FolderRef>, read: bool) -> Vec<Result<(), ResponseError>> {
    let req = MarkAllItemsAsReadRequest { read_flag: read, suppress_read_receipts: true, folder_ids: folders };
    let r = call(sim, auth, Operation::MarkAllItemsAsRead(req));
    parse_mark_all_read_response(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(&r)))
}

fn get_folder(sim: &Simulation, auth: &str, name: &str) -> FolderInfo {
    let op = Operation::GetFolder { folder_ids: vec![folder(name)], base_shape: Some("Default".into()) };
    let r = call(sim, auth, op);
    let mut v = parse_get_folder_response(r.body()).unwrap();
    v.remove(0).unwrap()
}

fn unread(sim: &Simulation, auth: &str) -> u32 {
    get_folder(sim, auth, "inbox").unread_count
}

/// Bob subscribes his inbox to the sink.
fn bob_subscribes(sim: &Simulation) -> String {
    let r = call(sim, &bob_auth(), Operation::Subscribe(inbox_push("15", SINK_URL)));
    parse_subscribe_response(r.body()).unwrap().unwrap_or_else(|e| panic!("Subscribe refused: {e:?}")).0
}

fn not_found() -> ResponseError {
    ResponseError { code: ResponseCode::ErrorItemNotFound, message: "The specified object was not found in the store.".into() }
}

// ---- CreateItem -----------------------------------------------------------------------------

/// exchangelib's `send_and_save()`: bob's inbox gets the message unread, his push subscription
/// hears NewMail exactly as for a control-API delivery, and alice keeps a read copy in Sent Items.
#[test]
fn alice_sends_to_bob_and_keeps_a_copy() {
    let mut sim = sim(1);
    let sink = Sink::add(&mut sim);
    let subscription = bob_subscribes(&sim);
    let control = exchange_control(&sim);
    let before = sim.block_on(control.inbox(BOB)).unwrap();
    assert_eq!(unread(&sim, &bob_auth()), before.unread);

    assert_eq!(send(&sim, MessageDisposition::SendAndSaveCopy, "Lunch?", &[BOB]), Ok(None), "a sent message is named by no id");
    sim.settle();

    let after = sim.block_on(control.inbox(BOB)).unwrap();
    assert_eq!((after.total, after.unread), (before.total + 1, before.unread + 1));
    assert_eq!(unread(&sim, &bob_auth()), before.unread + 1);
    let inbox = items_of(&sim, &bob_auth(), "inbox");
    assert_eq!(inbox.len(), 1);
    let item = &inbox[0];
    assert_eq!((item.subject.as_deref(), item.is_read, item.from.as_deref()), (Some("Lunch?"), Some(false), None));

    let got = sink.received();
    assert_eq!(got.len(), 1, "one notification");
    assert_eq!(got[0].kinds(), ["NewMailEvent", "CreatedEvent", "ModifiedEvent"], "as for a control-API delivery");
    let n = &got[0].notifications[0];
    assert_eq!(n.subscription_id, subscription);
    assert!(
        matches!(&n.events[0].object, Some(ObjectId::Item { id, change_key }) if *id == item.item.id && *change_key == item.item.change_key)
    );
    assert_eq!(n.events[0].parent_folder_id.as_ref().map(|p| p.0.as_str()), Some(BOB_INBOX));
    assert_eq!(n.events[2].unread_count, Some(before.unread + 1));

    // Alice's copy: read, in Sent Items, from her.
    let sent = get_folder(&sim, &alice_auth(), "sentitems");
    assert_eq!((sent.folder_id.as_str(), sent.total_count, sent.unread_count), (ALICE_SENT, 1, 0));
    let default_shape =
        FindItemRequest { base_shape: BaseShape::Default, additional_properties: vec![], ..FindItemRequest::inbox_subjects() };
    let copy = found(&sim, &alice_auth(), FindItemRequest { parent_folder_ids: vec![folder("sentitems")], ..default_shape.clone() });
    assert_eq!(copy.items.len(), 1);
    assert_eq!(
        (copy.items[0].subject.as_deref(), copy.items[0].from.as_deref(), copy.items[0].is_read),
        (Some("Lunch?"), Some(ALICE), Some(true))
    );
    // Bob sees it from alice with the Default shape; alice's own inbox is untouched.
    assert_eq!(found(&sim, &bob_auth(), default_shape).items[0].from.as_deref(), Some(ALICE));
    assert_eq!(sim.block_on(control.inbox(ALICE)).unwrap().total, 0);

    // The request journal names the operations like every other one.
    let ops: Vec<String> = sim.block_on(control.requests()).unwrap().into_iter().map(|r| r.operation).collect();
    assert!(ops.contains(&"CreateItem".to_string()) && ops.contains(&"FindItem".to_string()), "{ops:?}");
}

/// SendOnly keeps no copy; several recipients (one named twice) get one message each.
#[test]
fn send_only_to_several_recipients() {
    let sim = sim(2);
    assert_eq!(send(&sim, MessageDisposition::SendOnly, "All hands", &[BOB, ALICE, "BOB@example.test"]), Ok(None));
    let control = exchange_control(&sim);
    assert_eq!(sim.block_on(control.inbox(BOB)).unwrap().total, 1, "a recipient named twice gets one message");
    assert_eq!(sim.block_on(control.inbox(ALICE)).unwrap().total, 1);
    assert_eq!(get_folder(&sim, &alice_auth(), "sentitems").total_count, 0, "SendOnly keeps no copy");
}

/// SaveOnly is a draft: named by id, read, in Drafts (or the SavedItemFolderId), sent to nobody.
#[test]
fn save_only_creates_a_draft() {
    let sim = sim(3);
    let draft = send(&sim, MessageDisposition::SaveOnly, "Draft", &[BOB]).unwrap().expect("SaveOnly names the item");
    assert!(draft.id.starts_with("AAMkAD00DRAFTS"), "{draft:?}");
    assert!(draft.change_key.is_some());
    assert_eq!(items_of(&sim, &alice_auth(), "drafts").iter().map(|i| &i.item).collect::<Vec<_>>(), [&draft]);
    assert_eq!(sim.block_on(exchange_control(&sim).inbox(BOB)).unwrap().total, 0, "nothing is sent");

    let into_sent = CreateItemRequest {
        disposition: Some(MessageDisposition::SaveOnly),
        saved_item_folder: Some(FolderRef::Id { id: ALICE_SENT.into(), change_key: None }),
        items: vec![NewMessage::text("Filed", "", &[])],
    };
    assert!(matches!(&create(&sim, &alice_auth(), into_sent)[..], [Ok(Some(_))]));
    assert_eq!(get_folder(&sim, &alice_auth(), "sentitems").total_count, 1);

    let nowhere = CreateItemRequest {
        disposition: Some(MessageDisposition::SaveOnly),
        saved_item_folder: Some(folder("calendar")),
        items: vec![NewMessage::text("x", "", &[])],
    };
    let e = create(&sim, &alice_auth(), nowhere).remove(0).unwrap_err();
    assert_eq!(e.code, ResponseCode::ErrorFolderNotFound);
}

/// A well-formed address without a mailbox is accepted, as Exchange accepts it; transport then
/// returns a non-delivery report to the sender's Inbox. The other recipients still get theirs.
#[test]
fn a_recipient_without_a_mailbox_gets_an_ndr_back_to_the_sender() {
    let sim = sim(4);
    assert_eq!(send(&sim, MessageDisposition::SendAndSaveCopy, "Hi all", &[BOB, "nobody@example.test"]), Ok(None));
    let control = exchange_control(&sim);
    assert_eq!(sim.block_on(control.inbox(BOB)).unwrap().total, 1);
    let ndr = found(
        &sim,
        &alice_auth(),
        FindItemRequest { base_shape: BaseShape::Default, additional_properties: vec![], ..FindItemRequest::inbox_subjects() },
    );
    assert_eq!(ndr.items.len(), 1);
    assert_eq!(ndr.items[0].subject.as_deref(), Some("Undeliverable: Hi all"));
    assert_eq!(ndr.items[0].from.as_deref(), Some("MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@example.test"));
    assert_eq!(ndr.items[0].is_read, Some(false));
}

/// No recipients, or one that is not an address: Exchange refuses before submission.
#[test]
fn invalid_recipients_and_a_missing_disposition_are_refused() {
    let sim = sim(5);
    let e = send(&sim, MessageDisposition::SendAndSaveCopy, "To nobody", &[]).unwrap_err();
    assert_eq!(e.code, ResponseCode::ErrorInvalidRecipients);
    assert!(e.message.contains("contains no recipients"), "{}", e.message);
    for bad in ["", "bob", "@example.test", "bob@"] {
        let e = send(&sim, MessageDisposition::SendOnly, "x", &[BOB, bad]).unwrap_err();
        assert_eq!(e.code, ResponseCode::ErrorInvalidRecipients, "{bad:?}");
    }
    assert_eq!(sim.block_on(exchange_control(&sim).inbox(BOB)).unwrap().total, 0, "a refused message reaches nobody");
    assert_eq!(get_folder(&sim, &alice_auth(), "sentitems").total_count, 0, "and leaves no copy");

    let no_disposition =
        CreateItemRequest { disposition: None, ..CreateItemRequest::send_and_save_copy(vec![NewMessage::text("x", "", &[BOB])]) };
    let e = create(&sim, &alice_auth(), no_disposition).remove(0).unwrap_err();
    assert_eq!(e.code, ResponseCode::ErrorMessageDispositionRequired);

    // One message per item: the good one is sent even when its neighbour is refused.
    let two = CreateItemRequest::send_and_save_copy(vec![NewMessage::text("bad", "", &[]), NewMessage::text("good", "", &[BOB])]);
    let results = create(&sim, &alice_auth(), two);
    assert!(matches!(&results[..], [Err(e), Ok(None)] if e.code == ResponseCode::ErrorInvalidRecipients), "{results:?}");
    assert_eq!(sim.block_on(exchange_control(&sim).inbox(BOB)).unwrap().total, 1);
}

// ---- FindItem ---------------------------------------------------------------------------------

#[test]
fn find_item_shapes_restrictions_and_pages() {
    let sim = sim(6);
    for subject in ["one", "two", "three"] {
        sim.block_on(exchange_control(&sim).deliver(BOB, subject)).unwrap();
    }
    // IdOnly: the id alone; newest first.
    let ids = found(&sim, &bob_auth(), FindItemRequest { additional_properties: vec![], ..FindItemRequest::inbox_subjects() });
    assert_eq!((ids.total_items_in_view, ids.includes_last_item_in_range, ids.indexed_paging_offset), (3, true, None));
    assert!(ids.items.iter().all(|i| i.subject.is_none() && i.is_read.is_none() && i.from.is_none()));
    let subjects = |f: &FoundItems| f.items.iter().map(|i| i.subject.clone().unwrap_or_default()).collect::<Vec<_>>();
    assert_eq!(subjects(&found(&sim, &bob_auth(), FindItemRequest::inbox_subjects())), ["three", "two", "one"]);

    // exchangelib's filter(subject=…): IsEqualTo, compared as Exchange compares strings.
    let by_subject = |value: &str| FindItemRequest {
        restriction: Some(Restriction::IsEqualTo { field: FieldUri::Subject, value: value.into() }),
        ..FindItemRequest::inbox_subjects()
    };
    assert_eq!(subjects(&found(&sim, &bob_auth(), by_subject("TWO"))), ["two"]);
    assert_eq!(found(&sim, &bob_auth(), by_subject("four")).total_items_in_view, 0);
    let unsupported = FindItemRequest { restriction: Some(Restriction::Other("Contains".into())), ..FindItemRequest::inbox_subjects() };
    assert_eq!(find(&sim, &bob_auth(), unsupported).remove(0).unwrap_err().code, ResponseCode::ErrorUnsupportedQueryFilter);

    // exchangelib's paging: IndexedPagingOffset is where the next page starts.
    let page = |offset| FindItemRequest {
        page: Some(IndexedPage { max_entries: Some(2), offset, base_point: BasePoint::Beginning }),
        ..FindItemRequest::inbox_subjects()
    };
    let first = found(&sim, &bob_auth(), page(0));
    assert_eq!(
        (subjects(&first), first.indexed_paging_offset, first.includes_last_item_in_range, first.total_items_in_view),
        (vec!["three".to_string(), "two".into()], Some(2), false, 3)
    );
    let second = found(&sim, &bob_auth(), page(2));
    assert_eq!(
        (subjects(&second), second.indexed_paging_offset, second.includes_last_item_in_range),
        (vec!["one".to_string()], Some(3), true)
    );

    // One message per folder; an unknown folder is that folder's error; hidden items: none.
    let two_folders = FindItemRequest { parent_folder_ids: vec![folder("inbox"), folder("calendar")], ..FindItemRequest::inbox_subjects() };
    let v = find(&sim, &bob_auth(), two_folders);
    assert!(matches!(&v[..], [Ok(f), Err(e)] if f.items.len() == 3 && e.code == ResponseCode::ErrorFolderNotFound), "{v:?}");
    let associated = FindItemRequest { traversal: Traversal::Associated, ..FindItemRequest::inbox_subjects() };
    assert_eq!(found(&sim, &bob_auth(), associated).items, []);
    // Another user's folder by delegate access is refused, as GetFolder refuses it.
    let alices = FindItemRequest {
        parent_folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: Some(ALICE.into()) }],
        ..FindItemRequest::inbox_subjects()
    };
    assert_eq!(find(&sim, &bob_auth(), alices).remove(0).unwrap_err().code, ResponseCode::ErrorAccessDenied);
}

// ---- UpdateItem and MarkAllItemsAsRead ------------------------------------------------------

/// exchangelib's `item.is_read = True; item.save(update_fields=['is_read'])`: the unread count
/// drops, the ChangeKey moves, and bob's subscription hears the item's and the inbox's Modified
/// events as for a control-API mark-read.
#[test]
fn update_item_marks_read() {
    let mut sim = sim(7);
    let sink = Sink::add(&mut sim);
    bob_subscribes(&sim);
    send(&sim, MessageDisposition::SendAndSaveCopy, "Read me", &[BOB]).unwrap();
    sim.block_on(exchange_control(&sim).deliver(BOB, "other")).unwrap();
    sim.settle();
    assert_eq!(unread(&sim, &bob_auth()), 2);
    let item = items_of(&sim, &bob_auth(), "inbox").into_iter().find(|i| i.subject.as_deref() == Some("Read me")).unwrap();

    let exchangelib_save = UpdateItemRequest {
        conflict_resolution: mailconform_ews::ConflictResolution::AutoResolve,
        disposition: Some(MessageDisposition::SaveOnly),
        suppress_read_receipts: Some(true),
        changes: vec![ItemChange::set_is_read(item.item.clone(), true)],
    };
    let v = update(&sim, &bob_auth(), exchangelib_save);
    let [Ok(UpdatedItem { item: Some(updated), conflict_count: 0 })] = &v[..] else { panic!("{v:?}") };
    assert_eq!(updated.id, item.item.id, "the id stays");
    assert_ne!(updated.change_key, item.item.change_key, "the ChangeKey moves");
    sim.settle();
    assert_eq!(unread(&sim, &bob_auth()), 1);
    let now = items_of(&sim, &bob_auth(), "inbox").into_iter().find(|i| i.item.id == item.item.id).unwrap();
    assert_eq!((now.is_read, now.item.change_key.as_ref()), (Some(true), updated.change_key.as_ref()));

    let got = sink.received();
    let last = got.last().unwrap();
    assert_eq!(last.kinds(), ["ModifiedEvent", "ModifiedEvent"]);
    let n = &last.notifications[0];
    assert!(matches!(&n.events[0].object, Some(ObjectId::Item { id, .. }) if *id == item.item.id));
    assert!(matches!(&n.events[1].object, Some(ObjectId::Folder { id, .. }) if id == BOB_INBOX));
    assert_eq!(n.events[1].unread_count, Some(1));

    // Saving it read again changes nothing; unread again counts it again. Updates of properties
    // the fake does not keep are accepted.
    let again = UpdateItemRequest::always_overwrite(vec![ItemChange {
        item: ItemRef { id: item.item.id.clone(), change_key: None },
        updates: vec![
            ItemUpdate::SetIsRead(true),
            ItemUpdate::Other { action: "SetItemField".into(), field: FieldUri::Other("item:Importance".into()) },
        ],
    }]);
    assert!(matches!(&update(&sim, &bob_auth(), again)[..], [Ok(_)]));
    assert_eq!(unread(&sim, &bob_auth()), 1);
    assert!(matches!(
        &update(&sim, &bob_auth(), UpdateItemRequest::always_overwrite(vec![ItemChange::set_is_read(item.item.clone(), false)]))[..],
        [Ok(_)]
    ));
    assert_eq!(unread(&sim, &bob_auth()), 2);
}

#[test]
fn unknown_or_foreign_item_ids_are_item_not_found() {
    let sim = sim(8);
    let bobs = sim.block_on(exchange_control(&sim).deliver(BOB, "bob's")).unwrap().item_id;
    let changes = vec![
        ItemChange::set_is_read(ItemRef { id: "AAMkAD01INBOXITEM999999".into(), change_key: None }, true),
        // Bob's item, asked for by alice: not in her mailbox.
        ItemChange::set_is_read(ItemRef { id: bobs.clone(), change_key: None }, true),
    ];
    assert_eq!(update(&sim, &alice_auth(), UpdateItemRequest::always_overwrite(changes)), vec![Err(not_found()), Err(not_found())]);
    assert_eq!(unread(&sim, &bob_auth()), 1, "nothing changed");

    let no_disposition = UpdateItemRequest {
        disposition: None,
        ..UpdateItemRequest::always_overwrite(vec![ItemChange::set_is_read(ItemRef { id: bobs.clone(), change_key: None }, true)])
    };
    assert_eq!(update(&sim, &bob_auth(), no_disposition).remove(0).unwrap_err().code, ResponseCode::ErrorMessageDispositionRequired);
    let send_existing = UpdateItemRequest {
        disposition: Some(MessageDisposition::SendAndSaveCopy),
        ..UpdateItemRequest::always_overwrite(vec![ItemChange::set_is_read(ItemRef { id: bobs, change_key: None }, true)])
    };
    assert_eq!(update(&sim, &bob_auth(), send_existing).remove(0).unwrap_err().code, ResponseCode::ErrorInvalidOperation);
    assert_eq!(unread(&sim, &bob_auth()), 1);
}

#[test]
fn mark_all_items_as_read_clears_the_folder() {
    let mut sim = sim(9);
    let sink = Sink::add(&mut sim);
    bob_subscribes(&sim);
    for subject in ["a", "b"] {
        sim.block_on(exchange_control(&sim).deliver(BOB, subject)).unwrap();
    }
    sim.settle();
    assert_eq!(unread(&sim, &bob_auth()), 2);
    assert_eq!(mark_all(&sim, &bob_auth(), vec![folder("inbox")], true), vec![Ok(())]);
    sim.settle();
    assert_eq!(unread(&sim, &bob_auth()), 0);
    assert!(items_of(&sim, &bob_auth(), "inbox").iter().all(|i| i.is_read == Some(true)));
    let last = sink.received().last().cloned().unwrap();
    assert_eq!(last.kinds(), ["ModifiedEvent", "ModifiedEvent", "ModifiedEvent"], "two items and the inbox");
    assert_eq!(last.notifications[0].events[2].unread_count, Some(0));
    assert!(last.notifications[0].events.iter().all(|e| e.kind == EventType::Modified));

    // Unread again, one message per folder, an unknown folder is that folder's error.
    let v = mark_all(&sim, &bob_auth(), vec![FolderRef::Id { id: BOB_INBOX.into(), change_key: None }, folder("calendar")], false);
    assert!(matches!(&v[..], [Ok(()), Err(e)] if e.code == ResponseCode::ErrorFolderNotFound), "{v:?}");
    assert_eq!(unread(&sim, &bob_auth()), 2);
    let ops: Vec<String> = sim.block_on(exchange_control(&sim).requests()).unwrap().into_iter().map(|r| r.operation).collect();
    assert!(ops.iter().filter(|o| *o == "MarkAllItemsAsRead").count() == 2, "{ops:?}");
}

/// MarkAllItemsAsRead came with Exchange 2013: Exchange 2010 does not know it.
#[test]
fn exchange_2010_does_not_know_mark_all_items_as_read() {
    let sim = exchange_sim(10, ServerProfile::Exchange2010Sp1);
    let op = Operation::MarkAllItemsAsRead(MarkAllItemsAsReadRequest {
        read_flag: true,
        suppress_read_receipts: true,
        folder_ids: vec![folder("inbox")],
    });
    let r = ews_as(&sim, &bob_auth(), SchemaVersion::Exchange2010Sp1, &op);
    assert_eq!(r.status(), 500, "{}", body_text(&r));
    assert_eq!(parse_fault(r.body()).unwrap().unwrap().code, ResponseCode::ErrorInvalidRequest);
}

/// Malformed item requests are schema-validation faults, never a crash.
#[test]
fn malformed_item_requests_are_schema_validation_faults() {
    let sim = sim(11);
    let wrap = |body: &str| {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="{}" xmlns:t="{}"><s:Header><t:RequestServerVersion Version="Exchange2013"/></s:Header><s:Body>{body}</s:Body></s:Envelope>"#,
            mailconform_ews::ns::MESSAGES,
            mailconform_ews::ns::TYPES
        )
    };
    for body in [
        "<m:FindItem Traversal=\"Shallow\"/>",
        "<m:CreateItem MessageDisposition=\"Later\"><m:Items><t:Message/></m:Items></m:CreateItem>",
        "<m:UpdateItem ConflictResolution=\"AlwaysOverwrite\"><m:ItemChanges><t:ItemChange><t:ItemId Id=\"x\"/><t:Updates><t:SetItemField><t:FieldURI FieldURI=\"message:IsRead\"/></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>",
        "<m:MarkAllItemsAsRead><m:ReadFlag>yes</m:ReadFlag></m:MarkAllItemsAsRead>",
    ] {
        let r = post_ews(&sim, &alice_auth(), wrap(body));
        assert_eq!(r.status(), 500, "{body}: {}", body_text(&r));
        assert_eq!(parse_fault(r.body()).unwrap().unwrap().code, ResponseCode::ErrorSchemaValidation, "{body}");
    }
}
