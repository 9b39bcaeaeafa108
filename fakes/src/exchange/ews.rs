//! EWS operations: what the fake answers to each SOAP request.

use super::mailbox::{self, parse_watermark, Mailbox, NewMail, ReadTarget};
use super::push::{self, Subscription};
use super::{auth, Exchange};
use mailconform_ews::{
    parse_request, write_create_item_response, write_error_response, write_fault, write_find_item_response, write_get_folder_response,
    write_mark_all_read_response, write_subscribe_response, write_unsubscribe_response, write_update_item_response, BasePoint, BaseShape,
    CreateItemRequest, EventType, Fault, FieldUri, FindItemRequest, FolderRef, FoundItem, FoundItems, ItemRef, ItemUpdate,
    MarkAllItemsAsReadRequest, MessageDisposition, NewMessage, Operation, PushSubscriptionRequest, ResponseCode, ResponseError,
    Restriction, SchemaVersion, ServerVersionInfo, Traversal, UpdateItemRequest, UpdatedItem,
};
use mailconform_sim::http::response;
use mailconform_sim::{ConnInfo, Request, Response};
use std::sync::Arc;

const XML: &str = "text/xml; charset=utf-8";

/// URLs this long or longer are refused, as Exchange refuses them (ErrorInvalidPushSubscriptionUrl).
const MAX_PUSH_URL: usize = 2083;

pub(super) async fn handle(ex: &Arc<Exchange>, req: Request, conn: ConnInfo) -> Response {
    let cfg = ex.config();
    if req.method() != http::Method::POST {
        let mut r = response(405, "text/html", "<html><body>405 - Method not allowed.</body></html>");
        r.headers_mut().insert(http::header::ALLOW, "POST".parse().expect("static"));
        return r;
    }
    let authenticated = match auth::authenticate(&ex.auth, &ex.env, &cfg.users, &cfg.host, &req, &conn) {
        Ok(a) => a,
        Err(answer) => return *answer,
    };
    let mut answer = serve_authenticated(ex, req, &authenticated.user, authenticated.method).await;
    if let Some((name, value)) = authenticated.reply {
        if let Ok(v) = value.parse() {
            answer.headers_mut().insert(name, v);
        }
    }
    answer
}

/// The answer to an authenticated request.
async fn serve_authenticated(
    ex: &Arc<Exchange>,
    req: Request,
    user: &super::mailbox::User,
    method: mailconform_auth::AuthMethod,
) -> Response {
    let cfg = ex.config();
    let server = cfg.build.clone().unwrap_or_else(|| cfg.profile.server_version_info());
    let envelope = match parse_request(req.body()) {
        Ok(e) => e,
        Err(e) => return fault(&server, e.to_request_fault()),
    };
    // RequestServerVersion: absent means the oldest schema (Exchange 2007 tolerated that);
    // anything unknown or newer than this server is refused so that clients step down.
    let version = match envelope.request_server_version.as_deref() {
        None => SchemaVersion::Exchange2007Sp1,
        Some(v) => match SchemaVersion::parse(v) {
            Some(s) if s <= cfg.profile.max_schema() => s,
            _ => {
                return fault(
                    &server,
                    Fault {
                        faultcode: "a:ErrorInvalidServerVersion".into(),
                        faultstring: "The specified server version is invalid.".into(),
                        code: ResponseCode::ErrorInvalidServerVersion,
                        message: "The specified server version is invalid.".into(),
                        line_position: None,
                    },
                )
            }
        },
    };
    // MarkAllItemsAsRead came with Exchange 2013: an older server does not know the operation.
    let operation = match envelope.operation {
        Operation::MarkAllItemsAsRead(_) if cfg.profile.max_schema() < SchemaVersion::Exchange2013 => {
            Operation::Other("MarkAllItemsAsRead".into())
        }
        op => op,
    };
    let op_name = match &operation {
        Operation::GetFolder { .. } => "GetFolder".to_string(),
        Operation::Subscribe(_) => "Subscribe".into(),
        Operation::PullSubscribe => "Subscribe(pull)".into(),
        Operation::Unsubscribe { .. } => "Unsubscribe".into(),
        Operation::ConvertId => "ConvertId".into(),
        Operation::ResolveNames { .. } => "ResolveNames".into(),
        Operation::CreateItem(_) => "CreateItem".into(),
        Operation::FindItem(_) => "FindItem".into(),
        Operation::UpdateItem(_) => "UpdateItem".into(),
        Operation::MarkAllItemsAsRead(_) => "MarkAllItemsAsRead".into(),
        Operation::Other(n) => n.clone(),
    };
    let host = req
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().host().map(str::to_string))
        .unwrap_or_default();
    let at_ms = ex.now_ms();
    ex.state.lock().expect("state poisoned").requests.push(super::EwsRequestRecord {
        at_ms,
        host,
        user: user.email.clone(),
        operation: op_name,
        auth: method.name().to_string(),
    });
    let body = match operation {
        Operation::GetFolder { folder_ids, .. } => get_folder(ex, &server, &user.email, &folder_ids),
        Operation::CreateItem(c) => create_item(ex, &server, &user.email, &c),
        Operation::FindItem(f) => find_item(ex, &server, &user.email, &f),
        Operation::UpdateItem(u) => update_item(ex, &server, &user.email, &u),
        Operation::MarkAllItemsAsRead(m) => mark_all_items_as_read(ex, &server, &user.email, &m),
        Operation::Subscribe(p) => subscribe(ex, &server, &user.email, version, p),
        Operation::Unsubscribe { subscription_id } => unsubscribe(ex, &server, &user.email, &subscription_id),
        Operation::ConvertId => write_error_response(
            &server,
            "ConvertId",
            &ResponseError { code: ResponseCode::ErrorInvalidIdMalformed, message: "Id is malformed.".into() },
        ),
        Operation::ResolveNames { .. } => write_error_response(
            &server,
            "ResolveNames",
            &ResponseError { code: ResponseCode::ErrorNameResolutionNoResults, message: "No results were found.".into() },
        ),
        Operation::PullSubscribe => write_subscribe_response(
            &server,
            &Err(ResponseError {
                code: ResponseCode::ErrorInvalidOperation,
                message: "This server fake serves push subscriptions only.".into(),
            }),
        ),
        Operation::Other(name) => {
            return fault(
                &server,
                Fault {
                    faultcode: "a:ErrorInvalidRequest".into(),
                    faultstring: format!("The request is invalid: operation {name} is not supported by this server."),
                    code: ResponseCode::ErrorInvalidRequest,
                    message: format!("The operation {name} is not supported."),
                    line_position: None,
                },
            )
        }
    };
    response(200, XML, body)
}

fn fault(server: &ServerVersionInfo, f: Fault) -> Response {
    response(500, XML, write_fault(Some(server), &f))
}

fn resolve<'a>(mb: &'a Mailbox, r: &FolderRef, me: &str) -> Result<&'a super::mailbox::Folder, ResponseError> {
    let not_found = || ResponseError {
        code: ResponseCode::ErrorFolderNotFound,
        message: "The specified folder could not be found in the store.".into(),
    };
    match r {
        FolderRef::Distinguished { id, mailbox } => {
            if let Some(m) = mailbox {
                if !m.eq_ignore_ascii_case(me) {
                    return Err(ResponseError {
                        code: ResponseCode::ErrorAccessDenied,
                        message: "Access is denied. Check credentials and try again.".into(),
                    });
                }
            }
            let id = if id == "root" { "msgfolderroot" } else { id.as_str() };
            mb.folder(id).ok_or_else(not_found)
        }
        FolderRef::Id { id, .. } => mb.folders.iter().find(|f| &f.id == id).ok_or_else(not_found),
    }
}

fn get_folder(ex: &Exchange, server: &ServerVersionInfo, email: &str, ids: &[FolderRef]) -> String {
    let state = ex.state.lock().expect("state poisoned");
    let Some(mb) = state.mailboxes.iter().find(|m| m.user.email == email) else {
        return write_get_folder_response(server, &[]);
    };
    let results: Vec<_> = ids.iter().map(|r| resolve(mb, r, email).map(|f| f.info())).collect();
    write_get_folder_response(server, &results)
}

fn subscribe(ex: &Arc<Exchange>, server: &ServerVersionInfo, email: &str, version: SchemaVersion, p: PushSubscriptionRequest) -> String {
    let err = |code: ResponseCode, message: &str| write_subscribe_response(server, &Err(ResponseError { code, message: message.into() }));
    let freq = match p.status_frequency.as_deref().map(str::trim) {
        None => 30,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=1440).contains(&n) => n,
            _ => {
                return err(
                    ResponseCode::ErrorSchemaValidation,
                    &format!("The request failed schema validation: StatusFrequency {s:?} is outside 1..1440."),
                )
            }
        },
    };
    let url = p.url.clone().unwrap_or_default();
    let url_ok = !url.is_empty()
        && url.len() < MAX_PUSH_URL
        && url.parse::<http::Uri>().ok().is_some_and(|u| matches!(u.scheme_str(), Some("http") | Some("https")) && u.host().is_some());
    if !url_ok {
        return err(ResponseCode::ErrorInvalidPushSubscriptionUrl, "The specified push subscription URL is invalid.");
    }
    if p.event_types.is_empty() || p.event_types.contains(&EventType::Status) {
        return err(
            ResponseCode::ErrorSchemaValidation,
            "The request failed schema validation: EventTypes must list one or more subscribable event types.",
        );
    }
    if p.subscribe_to_all_folders && !p.folder_ids.is_empty() {
        return err(ResponseCode::ErrorInvalidSubscriptionRequest, "FolderIds must be empty when SubscribeToAllFolders is true.");
    }
    if !p.subscribe_to_all_folders && p.folder_ids.is_empty() {
        return err(ResponseCode::ErrorInvalidSubscriptionRequest, "A subscription needs FolderIds or SubscribeToAllFolders.");
    }
    let mut state = ex.state.lock().expect("state poisoned");
    let Some(mb) = state.mailboxes.iter().find(|m| m.user.email == email) else {
        return err(ResponseCode::ErrorAccessDenied, "No mailbox for this user.");
    };
    let mut folders = Vec::new();
    for r in &p.folder_ids {
        match resolve(mb, r, email) {
            Ok(f) => folders.push(f.id.clone()),
            Err(e) => return write_subscribe_response(server, &Err(e)),
        }
    }
    let head = mb.events.last_seq();
    // A watermark whose events are no longer in the table is as unknown as a foreign one
    // (Exchange: "older than 30 days", ErrorInvalidWatermark).
    let oldest_resumable = mb.events.first_seq().saturating_sub(1);
    let start_after = match p.watermark.as_deref() {
        None => head,
        Some(w) => match parse_watermark(w) {
            Some((owner, seq)) if owner == email && seq <= head && seq >= oldest_resumable => seq,
            _ => return err(ResponseCode::ErrorInvalidWatermark, "The watermark is invalid."),
        },
    };
    let watermark = super::mailbox::watermark_for(email, start_after);
    let id = format!("{}{}", push::SUBSCRIPTION_ID_PREFIX, ex.env.rng.hex(24));
    let sub = Subscription::new(
        id.clone(),
        email,
        folders,
        p.subscribe_to_all_folders,
        p.event_types,
        freq,
        url,
        version,
        start_after,
        ex.now_ms(),
    );
    let wake = sub.wake.clone();
    state.subscriptions.insert(id.clone(), sub);
    drop(state);
    push::spawn(ex.clone(), id.clone(), wake);
    write_subscribe_response(server, &Ok((id, watermark)))
}

fn unsubscribe(ex: &Exchange, server: &ServerVersionInfo, email: &str, id: &str) -> String {
    let state = ex.state.lock().expect("state poisoned");
    let result = match state.subscriptions.get(id) {
        None => Err(ResponseError {
            code: ResponseCode::ErrorSubscriptionNotFound,
            message: "The specified subscription was not found.".into(),
        }),
        Some(s) if s.mailbox != email => Err(ResponseError {
            code: ResponseCode::ErrorSubscriptionAccessDenied,
            message: "The subscription can only be accessed by its creator.".into(),
        }),
        // Push subscriptions end only by expiry or by the subscriber answering Unsubscribe;
        // Exchange refuses Unsubscribe on them as exchangelib's live tests observe.
        Some(_) => Err(ResponseError {
            code: ResponseCode::ErrorInvalidSubscription,
            message: "Unsubscribe is valid only for pull and streaming subscriptions.".into(),
        }),
    };
    write_unsubscribe_response(server, &result)
}

// ---- items --------------------------------------------------------------------------------

fn error(code: ResponseCode, message: impl Into<String>) -> ResponseError {
    ResponseError { code, message: message.into() }
}

fn item_not_found() -> ResponseError {
    error(ResponseCode::ErrorItemNotFound, "The specified object was not found in the store.")
}

/// The id of the folder `r` names in `email`'s mailbox, or the error GetFolder would give.
fn folder_id_of(ex: &Exchange, email: &str, r: &FolderRef) -> Result<String, ResponseError> {
    let state = ex.state.lock().expect("state poisoned");
    let mb = state
        .mailboxes
        .iter()
        .find(|m| m.user.email == email)
        .ok_or_else(|| error(ResponseCode::ErrorAccessDenied, "No mailbox for this user."))?;
    resolve(mb, r, email).map(|f| f.id.clone())
}

/// Who sends a non-delivery report: the organisation's Exchange system mailbox at the sender's
/// domain, as Exchange 2010 and later name it in the `From` of every NDR.
const NDR_SENDER: &str = "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e";

/// Whether `address` can be resolved as an SMTP address: `local@domain`, nothing else.
fn is_smtp_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else { return false };
    !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !address.contains(char::is_whitespace)
}

/// CreateItem of messages ([MS-OXWSCORE] 3.1.4.2): one response message per message.
///
/// * **SaveOnly** puts the message, read, into `SavedItemFolderId` (Drafts by default) and
///   names it in the response.
/// * **SendOnly** and **SendAndSaveCopy** deliver it from the signed-in user (`From`) to every
///   distinct recipient that has a mailbox on this Exchange, through the same path as the
///   control API's deliveries (NewMail, Created and the Inbox's Modified reach push
///   subscriptions). SendAndSaveCopy first keeps a read copy in `SavedItemFolderId` (Sent
///   Items by default). The response names no item.
/// * A message with no recipients, or with one that is not an SMTP address, is refused with
///   **ErrorInvalidRecipients**, as Exchange refuses it before submission. A well-formed
///   address with no mailbox here is *accepted* (NoError), as Exchange accepts it: transport
///   finds out later, and the sender receives a non-delivery report ("Undeliverable: …" from
///   the Exchange system mailbox) in the Inbox. Mail to other organisations is not relayed
///   anywhere and is reported the same way.
/// * No `MessageDisposition` is **ErrorMessageDispositionRequired**.
///
/// The item's other properties (importance, IsRead of the request, CC/BCC…) are not kept, and
/// the body is kept on the ActiveSync side only (EWS here serves no GetItem).
fn create_item(ex: &Exchange, server: &ServerVersionInfo, email: &str, req: &CreateItemRequest) -> String {
    let results: Vec<_> = req.items.iter().map(|m| create_one(ex, email, req, m)).collect();
    write_create_item_response(server, &results)
}

fn create_one(ex: &Exchange, email: &str, req: &CreateItemRequest, m: &NewMessage) -> Result<Option<ItemRef>, ResponseError> {
    let Some(disposition) = req.disposition else {
        return Err(error(ResponseCode::ErrorMessageDispositionRequired, "The MessageDisposition attribute is required."));
    };
    let default_folder = match disposition {
        MessageDisposition::SaveOnly => "drafts",
        _ => "sentitems",
    };
    let folder = match &req.saved_item_folder {
        Some(r) => folder_id_of(ex, email, r)?,
        None => default_folder.to_string(),
    };
    if disposition == MessageDisposition::SaveOnly {
        let to = m.to.join(", ");
        let mail = NewMail { subject: &m.subject, from: email, to: &to, body: &m.body };
        let saved = mailbox::save(ex, email, &folder, &mail, true)
            .ok_or_else(|| error(ResponseCode::ErrorFolderNotFound, "The specified folder could not be found in the store."))?;
        return Ok(Some(ItemRef { id: saved.item_id, change_key: Some(saved.change_key) }));
    }
    if m.to.is_empty() {
        return Err(error(
            ResponseCode::ErrorInvalidRecipients,
            "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
        ));
    }
    if let Some(bad) = m.to.iter().find(|a| !is_smtp_address(a.trim())) {
        return Err(error(
            ResponseCode::ErrorInvalidRecipients,
            format!("At least one recipient isn't valid., Recipient '{bad}' isn't resolved. All recipients must be resolved before a message can be submitted."),
        ));
    }
    let mut recipients: Vec<&str> = Vec::new();
    for a in m.to.iter().map(|a| a.trim()) {
        if !recipients.iter().any(|r| r.eq_ignore_ascii_case(a)) {
            recipients.push(a);
        }
    }
    let to = recipients.join(", ");
    if disposition == MessageDisposition::SendAndSaveCopy {
        let copy = NewMail { subject: &m.subject, from: email, to: &to, body: &m.body };
        mailbox::save(ex, email, &folder, &copy, true)
            .ok_or_else(|| error(ResponseCode::ErrorFolderNotFound, "The specified folder could not be found in the store."))?;
    }
    let mut undeliverable = Vec::new();
    for rcpt in recipients {
        let mail = NewMail { subject: &m.subject, from: email, to: &to, body: &m.body };
        if mailbox::deliver(ex, rcpt, &mail).is_none() {
            undeliverable.push(rcpt);
        }
    }
    if !undeliverable.is_empty() {
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        let from = format!("{NDR_SENDER}@{domain}");
        let subject = format!("Undeliverable: {}", m.subject);
        let body = format!(
            "Delivery has failed to these recipients or groups:\n\n{}\nThe email address you entered couldn't be found.\n\nRemote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'",
            undeliverable.iter().map(|r| format!("{r}\n")).collect::<String>()
        );
        mailbox::deliver(ex, email, &NewMail { subject: &subject, from: &from, to: email, body: &body });
    }
    Ok(None)
}

/// FindItem ([MS-OXWSSRCH] 3.1.4.2): one response message per parent folder, newest item first.
///
/// * Shapes: `IdOnly` gives the ItemId and whatever `AdditionalProperties` asks of Subject,
///   From and IsRead; `Default` and `AllProperties` give all three. Other properties are not
///   modelled and are left out, as Exchange leaves out a property an item does not have.
/// * Restrictions: `IsEqualTo` of `item:Subject` or `message:From` (case-insensitive, as
///   Exchange compares strings) or `message:IsRead` with a constant is evaluated — it is what
///   exchangelib's `filter(subject=…)` and `filter(is_read=…)` send. Any other restriction is
///   refused with ErrorUnsupportedQueryFilter rather than ignored. `SortOrder` is not read.
/// * `IndexedPageItemView` pages as exchangelib expects (`IndexedPagingOffset` is where the
///   next page starts, `IncludesLastItemInRange` says whether there is one); `BasePoint="End"`
///   counts `Offset` back from the end of the list. Without a view every item is returned.
///   `SoftDeleted` and `Associated` traversals find nothing: the model has no such items.
fn find_item(ex: &Exchange, server: &ServerVersionInfo, email: &str, req: &FindItemRequest) -> String {
    let state = ex.state.lock().expect("state poisoned");
    let Some(mb) = state.mailboxes.iter().find(|m| m.user.email == email) else {
        return write_find_item_response(server, &[]);
    };
    let results: Vec<_> = req.parent_folder_ids.iter().map(|r| resolve(mb, r, email).and_then(|f| find_in(f, req))).collect();
    write_find_item_response(server, &results)
}

fn find_in(folder: &super::mailbox::Folder, req: &FindItemRequest) -> Result<FoundItems, ResponseError> {
    let unsupported = || {
        error(
            ResponseCode::ErrorUnsupportedQueryFilter,
            "This server evaluates only IsEqualTo of item:Subject, message:From or message:IsRead against a constant.",
        )
    };
    let matches: Box<dyn Fn(&super::mailbox::Item) -> bool> = match &req.restriction {
        None => Box::new(|_| true),
        Some(Restriction::IsEqualTo { field: FieldUri::Subject, value }) => {
            let v = value.clone();
            Box::new(move |i| i.subject.to_lowercase() == v.to_lowercase())
        }
        Some(Restriction::IsEqualTo { field: FieldUri::From, value }) => {
            let v = value.clone();
            Box::new(move |i| i.from.eq_ignore_ascii_case(v.trim()))
        }
        Some(Restriction::IsEqualTo { field: FieldUri::IsRead, value }) => {
            let read = match value.trim() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return Err(unsupported()),
            };
            Box::new(move |i| i.read == read)
        }
        Some(_) => return Err(unsupported()),
    };
    let all: Vec<&super::mailbox::Item> =
        if req.traversal == Traversal::Shallow { folder.items.iter().rev().filter(|i| matches(i)).collect() } else { Vec::new() };
    let total = all.len();
    let (page, offset, includes_last) = match &req.page {
        None => (&all[..], None, true),
        Some(p) => {
            let offset = (p.offset as usize).min(total);
            let max = p.max_entries.map_or(total, |m| m as usize);
            let (start, end) = match p.base_point {
                BasePoint::Beginning => (offset, (offset + max).min(total)),
                BasePoint::End => ((total - offset).saturating_sub(max), total - offset),
            };
            let last = match p.base_point {
                BasePoint::Beginning => end == total,
                BasePoint::End => offset == 0,
            };
            (&all[start..end], Some((offset + (end - start)) as u32), last)
        }
    };
    let full = req.base_shape != BaseShape::IdOnly;
    let wants = |f: FieldUri| full || req.additional_properties.contains(&f);
    let items = page
        .iter()
        .map(|i| FoundItem {
            item: ItemRef { id: i.id.clone(), change_key: Some(i.wire_change_key()) },
            subject: wants(FieldUri::Subject).then(|| i.subject.clone()),
            from: wants(FieldUri::From).then(|| i.from.clone()),
            is_read: wants(FieldUri::IsRead).then_some(i.read),
        })
        .collect();
    Ok(FoundItems { total_items_in_view: total as u32, includes_last_item_in_range: includes_last, indexed_paging_offset: offset, items })
}

/// UpdateItem ([MS-OXWSCORE] 3.1.4.9): one response message per item change, with the item's
/// new ChangeKey and no conflicts.
///
/// `SetItemField` of `message:IsRead` goes through the same path as the control API's
/// mark-read (Modified events for the item and its folder). Updates of properties the model
/// does not keep (`Other`) are accepted and have no effect. The fake keeps no change history,
/// so every ConflictResolution behaves as AlwaysOverwrite: a stale ChangeKey is not refused.
/// Exchange requires a MessageDisposition for messages (ErrorMessageDispositionRequired).
/// Sending an existing item (UpdateItem with SendOnly or SendAndSaveCopy, which Exchange does
/// for drafts) is not modelled and is refused with ErrorInvalidOperation rather than
/// pretended.
fn update_item(ex: &Exchange, server: &ServerVersionInfo, email: &str, req: &UpdateItemRequest) -> String {
    let results: Vec<_> = req
        .changes
        .iter()
        .map(|change| {
            let exists = {
                let state = ex.state.lock().expect("state poisoned");
                state.mailboxes.iter().find(|m| m.user.email == email).and_then(|mb| mb.find_item(&change.item.id)).is_some()
            };
            if !exists {
                return Err(item_not_found());
            }
            match req.disposition {
                None => return Err(error(ResponseCode::ErrorMessageDispositionRequired, "The MessageDisposition attribute is required.")),
                Some(MessageDisposition::SaveOnly) => {}
                Some(_) => {
                    return Err(error(
                        ResponseCode::ErrorInvalidOperation,
                        "This server sends new messages only (CreateItem), not existing items.",
                    ))
                }
            }
            for update in &change.updates {
                if let ItemUpdate::SetIsRead(read) = update {
                    mailbox::set_read(ex, email, ReadTarget::Item(&change.item.id), *read).ok_or_else(item_not_found)?;
                }
            }
            let state = ex.state.lock().expect("state poisoned");
            let item = state
                .mailboxes
                .iter()
                .find(|m| m.user.email == email)
                .and_then(|mb| mb.find_item(&change.item.id))
                .map(|(f, n)| &f.items[n]);
            let item = item.ok_or_else(item_not_found)?;
            Ok(UpdatedItem { item: Some(ItemRef { id: item.id.clone(), change_key: Some(item.wire_change_key()) }), conflict_count: 0 })
        })
        .collect();
    write_update_item_response(server, &results)
}

/// MarkAllItemsAsRead (Exchange 2013+, [MS-OXWSCORE] 3.1.4.10): one response message per folder;
/// the items change through the same path as the control API's read-all. Read receipts are
/// never sent here, so `SuppressReadReceipts` changes nothing. Servers of an older profile do
/// not know the operation (see [`serve_authenticated`]); a request written against an older
/// schema on a 2013+ server is served anyway.
fn mark_all_items_as_read(ex: &Exchange, server: &ServerVersionInfo, email: &str, req: &MarkAllItemsAsReadRequest) -> String {
    let results: Vec<_> = req
        .folder_ids
        .iter()
        .map(|r| {
            let id = folder_id_of(ex, email, r)?;
            mailbox::set_read(ex, email, ReadTarget::Folder(&id), req.read_flag)
                .map(|_| ())
                .ok_or_else(|| error(ResponseCode::ErrorFolderNotFound, "The specified folder could not be found in the store."))
        })
        .collect();
    write_mark_all_read_response(server, &results)
}
