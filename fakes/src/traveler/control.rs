//! The server side of Traveler's control API, whose routes and bodies [`super::contract`] lists.

use super::contract::{
    self, FolderKind, InternetAuthentication, NotesIniSetting, Op, StoredItem, SyncProtocolsSetting, WipeRequested, WipeStatus, ROUTES,
};
use super::Traveler;
use mailconform_activesync::store::NewItem;
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::Response;
use std::sync::Arc;

pub(super) async fn handle(t: &Arc<Traveler>, method: http::Method, path: &str, body: &[u8]) -> Response {
    let (op, args) = match ROUTES.find(method.as_str(), path) {
        Ok(found) => found,
        Err(answer) => return *answer,
    };
    let user = args.get("user");
    match op {
        Op::Config => reply(200, &t.config()),
        Op::SetNotesIni => match parse::<contract::NotesIni>(body) {
            Ok(entries) => {
                let mut cfg = t.config();
                for (k, v) in entries.0 {
                    cfg.notes_ini.insert(k.to_ascii_uppercase(), v);
                }
                t.reconfigure(cfg);
                reply(200, &NotesIniSetting { notes_ini: t.config().notes_ini })
            }
            Err(answer) => *answer,
        },
        Op::SetWebSite => match parse(body) {
            Ok(site) => {
                let mut cfg = t.config();
                cfg.web_site = site;
                t.reconfigure(cfg);
                reply(200, &t.config().web_site)
            }
            Err(answer) => *answer,
        },
        Op::SetInternetAuthentication => match parse::<contract::InternetAuthenticationChange>(body) {
            Ok(change) => {
                let mut cfg = t.config();
                cfg.name_variations = change.name_variations.unwrap_or(cfg.name_variations);
                cfg.directory = change.directory.unwrap_or(cfg.directory);
                t.reconfigure(cfg);
                let cfg = t.config();
                reply(200, &InternetAuthentication { name_variations: cfg.name_variations, directory: cfg.directory })
            }
            Err(answer) => *answer,
        },
        Op::SetSyncProtocols => match parse::<SyncProtocolsSetting>(body) {
            Ok(p) => {
                let mut cfg = t.config();
                cfg.sync_protocols = p.sync_protocols;
                t.reconfigure(cfg);
                reply(200, &p)
            }
            Err(answer) => *answer,
        },
        Op::Deliver => match parse::<contract::NewMail>(body) {
            Ok(m) => deliver(t, user, NewItem::email(&m.from, user, &m.subject, &m.body)),
            Err(answer) => *answer,
        },
        Op::DeliverMeeting => match parse::<contract::NewMeeting>(body) {
            Ok(m) => {
                let uid = t.env.rng.hex(16);
                deliver(t, user, NewItem::meeting_request(&m.organizer, user, &m.subject, &m.start, &m.end, &m.location, &uid))
            }
            Err(answer) => *answer,
        },
        Op::DeliverMeetingResponse => match parse::<contract::NewMeetingResponse>(body) {
            Ok(m) => deliver(t, user, NewItem { message_class: m.message_class, ..NewItem::email(&m.from, user, &m.subject, "") }),
            Err(answer) => *answer,
        },
        Op::Folder => {
            let kind = args.get("kind");
            let Some(folder_type) = FolderKind::parse(kind).map(FolderKind::folder_type) else {
                return error(400, format!("no folder kind {kind}; use inbox, calendar, contacts, sent or deleted"));
            };
            let Some(login) = t.store.resolve(user) else { return error(404, format!("no mailbox {user}")) };
            match t.store.folder_of_type(&login, folder_type).and_then(|f| t.store.items(&login, &f.server_id)) {
                Ok(items) => reply(200, &items),
                Err(e) => error(404, e.to_string()),
            }
        }
        Op::Wipe => {
            let Some(login) = t.store.resolve(user) else { return error(404, format!("no mailbox {user}")) };
            t.eas().request_remote_wipe(&login, args.get("device_id"));
            reply(202, &WipeRequested { wipe: WipeStatus::Requested })
        }
    }
}

fn deliver(t: &Traveler, user: &str, item: NewItem) -> Response {
    match t.store.deliver(user, item) {
        Ok(server_id) => reply(201, &StoredItem { server_id }),
        Err(e) => error(404, e.to_string()),
    }
}
