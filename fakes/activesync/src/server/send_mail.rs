//! SendMail, SmartReply and SmartForward ([MS-ASCMD] 2.2.1.17, 2.2.1.19, 2.2.1.20).
//!
//! From 14.0 the MIME travels inside `ComposeMail` WBXML (`Mime`, `SaveInSentItems`, and
//! for the smart commands `Source`); before, it is the raw `message/rfc822` body with
//! `SaveInSent=T` and `ItemId`/`CollectionId` in the query. The message is delivered into
//! the mailbox of every recipient who is a local user (addresses elsewhere are accepted and
//! go nowhere), and into the sender's Sent Items when asked. A smart command without
//! `ReplaceMime` gets the original message's text appended, as Exchange composes it.
//!
//! Success is an empty 200. Failure is `ComposeMail:Status` with a common status from 14.0
//! (119 no recipient, 107 bad MIME, 150 original not found), HTTP 500 before.

use super::mime;
use super::{command_status, Ctx, EasServer};
use crate::http::{code, response, Command, ProtocolVersion};
use crate::status::{common, Status};
use crate::store::FolderType;
use mailconform_sim::Response;

impl EasServer {
    pub(crate) fn send_mail(&self, ctx: &Ctx) -> Response {
        match self.compose(ctx) {
            Ok(()) => response::empty_ok(),
            Err(status) => {
                if ctx.version() >= ProtocolVersion::V14_0 {
                    if let Some(doc) = command_status(ctx.req.command, status) {
                        return response::wbxml(&doc);
                    }
                }
                response::status(code::SERVER_ERROR)
            }
        }
    }

    fn compose(&self, ctx: &Ctx) -> Result<(), Status> {
        let smart = matches!(ctx.req.command, Command::SmartReply | Command::SmartForward);
        let (raw, save, source, replace_mime) = match (&ctx.req.body, &ctx.req.mime) {
            (Some(body), _) => {
                let root = &body.root;
                let mime_el = root.child("Mime").ok_or(common::INVALID_XML)?;
                let raw = mime_el
                    .opaque()
                    .map(<[u8]>::to_vec)
                    .or_else(|| mime_el.text().map(|t| t.as_bytes().to_vec()))
                    .ok_or(common::INVALID_MIME)?;
                let source = root
                    .child("Source")
                    .map(|s| (s.find(&["FolderId"]).map(|v| v.trim().to_string()), s.find(&["ItemId"]).map(|v| v.trim().to_string())));
                (raw, root.child("SaveInSentItems").is_some(), source, root.child("ReplaceMime").is_some())
            }
            (None, Some(raw)) => {
                let p = &ctx.req.params;
                let source = smart.then(|| (p.collection_id.clone(), p.item_id.clone()));
                (raw.to_vec(), p.save_in_sent, source, false)
            }
            (None, None) => return Err(common::INVALID_CONTENT),
        };
        let message = mime::parse(&raw).map_err(|_| common::INVALID_MIME)?;
        let mut message = message;
        if smart {
            let (_, item_id) = source.ok_or(common::INVALID_XML)?;
            let item_id = item_id.ok_or(common::INVALID_XML)?;
            let original = self.store.item(&ctx.login, &item_id).map_err(|_| common::ITEM_NOT_FOUND)?;
            if !replace_mime {
                message.body = format!(
                    "{}\r\n\r\n-----Original Message-----\r\nFrom: {}\r\nSubject: {}\r\n\r\n{}",
                    message.body, original.from, original.subject, original.body
                );
            }
        }
        if message.recipients().next().is_none() {
            return Err(common::MESSAGE_HAS_NO_RECIPIENT);
        }
        let sender = self.store.email_of(&ctx.login).map_err(|_| common::SERVER_ERROR)?;
        let from = message.from.clone().unwrap_or_else(|| sender.clone());
        let now = self.now();
        for rcpt in message.recipients() {
            if self.store.resolve(rcpt).is_some() {
                self.store.deliver(rcpt, message.to_item(&from, &now)).map_err(|_| common::MAIL_SUBMISSION_FAILED)?;
            }
        }
        if save {
            let sent = self.store.folder_of_type(&ctx.login, FolderType::SentItems).map_err(|_| common::SERVER_ERROR)?;
            let mut copy = message.to_item(&from, &now);
            copy.read = true;
            self.store.add_item(&ctx.login, &sent.server_id, copy).map_err(|_| common::SERVER_ERROR)?;
        }
        Ok(())
    }
}
