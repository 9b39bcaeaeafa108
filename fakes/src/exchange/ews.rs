//! EWS operations: what the fake answers to each SOAP request.

use super::mailbox::{parse_watermark, Mailbox};
use super::push::{self, Subscription};
use super::{auth, Exchange};
use mailconform_ews::{
    parse_request, write_error_response, write_fault, write_get_folder_response, write_subscribe_response, write_unsubscribe_response,
    EventType, Fault, FolderRef, Operation, PushSubscriptionRequest, ResponseCode, ResponseError, SchemaVersion, ServerVersionInfo,
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
    let op_name = match &envelope.operation {
        Operation::GetFolder { .. } => "GetFolder".to_string(),
        Operation::Subscribe(_) => "Subscribe".into(),
        Operation::PullSubscribe => "Subscribe(pull)".into(),
        Operation::Unsubscribe { .. } => "Unsubscribe".into(),
        Operation::ConvertId => "ConvertId".into(),
        Operation::ResolveNames { .. } => "ResolveNames".into(),
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
    let body = match envelope.operation {
        Operation::GetFolder { folder_ids, .. } => get_folder(ex, &server, &user.email, &folder_ids),
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
