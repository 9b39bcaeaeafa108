//! MeetingResponse ([MS-ASCMD] 2.2.1.11): the attendee accepts (1), tentatively accepts
//! (2) or declines (3) a meeting request in one of its folders.
//!
//! Accept and tentative put the meeting in the Calendar (busy or tentative; an existing
//! calendar item with the same UID is updated instead) and answer its `CalendarId`;
//! decline removes a calendar item with that UID. In every case the request leaves the
//! Inbox for Deleted Items, as Exchange moves it. When the client asks the server to send
//! the response (`SendResponse`, 16.0+) and the organizer is a local user, the organizer
//! receives the matching `IPM.Schedule.Meeting.Resp.*` message; older clients send that
//! reply themselves with SendMail.

use super::{doc, Ctx, EasServer};
use crate::http::response;
use crate::status::meeting_response as st;
use crate::store::{message_class, FolderType, ItemClass, NewItem};
use crate::{el, leaf, MeetingResponse as MR};
use mailconform_sim::Response;

/// `UserResponse` values.
pub(super) mod user_response {
    pub(crate) const ACCEPTED: u8 = 1;
    pub(crate) const TENTATIVE: u8 = 2;
    pub(crate) const DECLINED: u8 = 3;
}

impl EasServer {
    pub(crate) fn meeting_response(&self, ctx: &Ctx) -> Response {
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let requests = root.find_all(&["Request"]);
        if requests.is_empty() {
            return response::bad_request("MeetingResponse without Request");
        }
        let mut results = Vec::new();
        for r in requests {
            let request_id = r.find(&["RequestId"]).unwrap_or("").trim().to_string();
            let answer = r.find(&["UserResponse"]).and_then(|v| v.trim().parse::<u8>().ok());
            let send_response = r.child("SendResponse").is_some();
            let outcome = match answer {
                Some(a @ (user_response::ACCEPTED | user_response::TENTATIVE | user_response::DECLINED)) => {
                    self.respond(ctx, &request_id, r.find(&["CollectionId"]).map(str::trim), a, send_response)
                }
                _ => Err(st::INVALID_MEETING_REQUEST),
            };
            let mut children = vec![leaf(MR::RequestId, request_id.as_str())];
            match outcome {
                Ok(calendar_id) => {
                    children.push(leaf(MR::Status, st::SUCCESS.to_string()));
                    if let Some(id) = calendar_id {
                        children.push(leaf(MR::CalendarId, id));
                    }
                }
                Err(s) => children.push(leaf(MR::Status, s.to_string())),
            }
            results.push(el(MR::Result, children));
        }
        response::wbxml(&doc(MR::MeetingResponse, results))
    }

    fn respond(
        &self,
        ctx: &Ctx,
        request_id: &str,
        collection: Option<&str>,
        answer: u8,
        send_response: bool,
    ) -> Result<Option<String>, u16> {
        let login = ctx.login.as_str();
        let request = self.store.item(login, request_id).map_err(|_| st::INVALID_MEETING_REQUEST)?;
        let folder_id = request_id.split(':').next().unwrap_or("");
        if collection.is_some_and(|c| c != folder_id) || request.message_class != message_class::MEETING_REQUEST {
            return Err(st::INVALID_MEETING_REQUEST);
        }
        let calendar = self.store.folder_of_type(login, FolderType::Calendar).map_err(|_| st::MAILBOX_ERROR)?;
        let existing = self
            .store
            .items(login, &calendar.server_id)
            .map_err(|_| st::MAILBOX_ERROR)?
            .into_iter()
            .find(|i| !request.uid.is_empty() && i.uid == request.uid);
        let calendar_id = match answer {
            user_response::DECLINED => {
                if let Some(item) = existing {
                    self.store.delete(login, &calendar.server_id, &item.server_id, false).map_err(|_| st::MAILBOX_ERROR)?;
                }
                None
            }
            _ => {
                let busy = if answer == user_response::ACCEPTED { 2 } else { 1 };
                Some(match existing {
                    Some(item) => {
                        self.store
                            .update(login, &calendar.server_id, &item.server_id, |i| i.busy_status = Some(busy))
                            .map_err(|_| st::MAILBOX_ERROR)?;
                        item.server_id
                    }
                    None => {
                        let appointment = NewItem {
                            class: ItemClass::Calendar,
                            subject: request.subject.clone(),
                            from: request.from.clone(),
                            to: request.to.clone(),
                            body: request.body.clone(),
                            start: request.start.clone(),
                            end: request.end.clone(),
                            location: request.location.clone(),
                            uid: request.uid.clone(),
                            busy_status: Some(busy),
                            ..Default::default()
                        };
                        self.store.add_item(login, &calendar.server_id, appointment).map_err(|_| st::MAILBOX_ERROR)?
                    }
                })
            }
        };
        let trash = self.store.folder_of_type(login, FolderType::DeletedItems).map_err(|_| st::MAILBOX_ERROR)?;
        if folder_id != trash.server_id {
            self.store.move_item(login, folder_id, request_id, &trash.server_id).map_err(|_| st::MAILBOX_ERROR)?;
        }
        if send_response && self.store.resolve(&request.from).is_some() {
            let (class, verb) = match answer {
                user_response::ACCEPTED => (message_class::MEETING_ACCEPTED, "Accepted"),
                user_response::TENTATIVE => (message_class::MEETING_TENTATIVE, "Tentative"),
                _ => (message_class::MEETING_DECLINED, "Declined"),
            };
            let me = self.store.email_of(login).unwrap_or_default();
            let mut reply = NewItem::email(&me, &request.from, &format!("{verb}: {}", request.subject), "");
            reply.message_class = class.to_string();
            reply.uid = request.uid.clone();
            reply.start = request.start.clone();
            reply.end = request.end.clone();
            reply.date_received = self.now();
            self.store.deliver(&request.from, reply).map_err(|_| st::SERVER_ERROR)?;
        }
        Ok(calendar_id)
    }
}
