//! Items as ActiveSync carries them: the `ApplicationData` of Sync (and the `Properties`
//! of ItemOperations) for mail ([MS-ASEMAIL]), calendar ([MS-ASCAL]), contacts
//! ([MS-ASCNTC]), tasks ([MS-ASTASK], code page 9) and notes ([MS-ASNOTE], code page 23),
//! and the reverse reading of what a client adds or changes.
//!
//! Bodies follow the client's `airsyncbase:BodyPreference`: plain text (1), HTML (2) or
//! MIME (4), truncated to `TruncationSize` with `Truncated` set. Time stamps are stored as
//! `xs:dateTime` and sent as the schema wants them: `xs:dateTime` in Email, the compact
//! `yyyymmddThhmmssZ` form in Calendar, `xs:dateTime` again in Tasks and Notes. The store
//! keeps every time in UTC, so a task's `DueDate` (local) equals its `UtcDueDate`.

use crate::http::ProtocolVersion;
use crate::store::{message_class, Item, ItemClass, NewItem};
use crate::{el, leaf, AirSyncBase, Calendar, Contacts, Element, Email, Notes, Tasks};
use base64::Engine;

/// `airsyncbase:Type` values.
pub(crate) mod body_type {
    pub(crate) const PLAIN: u8 = 1;
    pub(crate) const HTML: u8 = 2;
    pub(crate) const RTF: u8 = 3;
    pub(crate) const MIME: u8 = 4;
}

/// What the client asked of bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BodyPreference {
    pub(crate) body_type: u8,
    pub(crate) truncation_size: Option<usize>,
}

impl Default for BodyPreference {
    fn default() -> Self {
        BodyPreference { body_type: body_type::PLAIN, truncation_size: None }
    }
}

impl BodyPreference {
    /// Reads the first `BodyPreference` of an `Options` element whose Type this server can
    /// render (RTF is answered as plain text, as servers without RTF do).
    pub(crate) fn from_options(options: Option<&Element>) -> Option<BodyPreference> {
        let options = options?;
        options.find_all(&["BodyPreference"]).into_iter().find_map(|p| {
            let t: u8 = p.find(&["Type"])?.trim().parse().ok()?;
            let t = match t {
                body_type::PLAIN | body_type::HTML | body_type::MIME => t,
                body_type::RTF => body_type::PLAIN,
                _ => return None,
            };
            let truncation_size = p.find(&["TruncationSize"]).and_then(|s| s.trim().parse().ok());
            Some(BodyPreference { body_type: t, truncation_size })
        })
    }
}

/// `2026-01-06T10:00:00.000Z` → `20260106T100000Z`. A value already compact is kept.
pub(super) fn compact_time(value: &str) -> String {
    let digits: String = value.split('.').next().unwrap_or("").chars().filter(|c| c.is_ascii_digit() || *c == 'T').collect();
    if digits.len() == 15 {
        format!("{digits}Z")
    } else {
        value.to_string()
    }
}

/// `20260106T100000Z` → `2026-01-06T10:00:00.000Z`. A value already in `xs:dateTime` is kept.
pub(super) fn expand_time(value: &str) -> String {
    let v = value.trim().trim_end_matches('Z');
    if v.len() == 15 && v.as_bytes()[8] == b'T' && v.chars().enumerate().all(|(i, c)| i == 8 || c.is_ascii_digit()) {
        format!("{}-{}-{}T{}:{}:{}.000Z", &v[0..4], &v[4..6], &v[6..8], &v[9..11], &v[11..13], &v[13..15])
    } else {
        value.trim().to_string()
    }
}

/// A UTC time zone blob ([MS-ASDTYPE] 2.6.4): 172 bytes of zero bias and no transitions.
pub(super) fn utc_timezone() -> String {
    base64::engine::general_purpose::STANDARD.encode([0u8; 172])
}

/// The Outlook GlobalObjectId of a meeting with an iCalendar UID ([MS-OXOCAL] 2.2.1.27,
/// the `vCal-Uid` form), base64 as `email:GlobalObjId` carries it.
pub(super) fn global_obj_id(uid: &str) -> String {
    let mut data = b"vCal-Uid".to_vec();
    data.extend_from_slice(&1u32.to_le_bytes());
    data.extend_from_slice(uid.as_bytes());
    data.push(0);
    let mut out = vec![0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00, 0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08];
    out.extend_from_slice(&[0u8; 4 + 8 + 8]);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    base64::engine::general_purpose::STANDARD.encode(out)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn truncate_chars(s: &str, max_bytes: usize) -> &str {
    if s.len() <= max_bytes {
        return s;
    }
    let mut end = max_bytes;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The item as an RFC 5322 message, for BodyPreference Type 4: the message as it was sent,
/// or one made from its fields.
pub(super) fn item_as_mime(item: &Item) -> String {
    if !item.mime.is_empty() {
        return item.mime.clone();
    }
    format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
        item.from, item.to, item.subject, item.date_received, item.body
    )
}

/// `airsyncbase:Body` for an item under a preference.
pub(super) fn body_element(item: &Item, pref: BodyPreference) -> Element {
    let full = match pref.body_type {
        body_type::HTML => format!("<html><body>{}</body></html>", html_escape(&item.body)),
        body_type::MIME => item_as_mime(item),
        _ => item.body.clone(),
    };
    let mut children =
        vec![leaf(AirSyncBase::Type, pref.body_type.to_string()), leaf(AirSyncBase::EstimatedDataSize, full.len().to_string())];
    match pref.truncation_size {
        Some(max) if full.len() > max => {
            children.push(leaf(AirSyncBase::Truncated, "1"));
            children.push(leaf(AirSyncBase::Data, truncate_chars(&full, max)));
        }
        _ => children.push(leaf(AirSyncBase::Data, full)),
    }
    el(AirSyncBase::Body, children)
}

/// The children of `ApplicationData` (or `Properties`) for an item.
pub(super) fn render(item: &Item, pref: BodyPreference, version: ProtocolVersion) -> Vec<Element> {
    match item.class {
        ItemClass::Email => render_email(item, pref, version),
        ItemClass::Calendar => render_calendar(item, pref, version),
        ItemClass::Contacts => render_contact(item),
        ItemClass::Tasks => render_task(item, pref),
        ItemClass::Notes => render_note(item, pref),
    }
}

fn render_email(item: &Item, pref: BodyPreference, version: ProtocolVersion) -> Vec<Element> {
    let meeting = message_class::is_meeting(&item.message_class);
    let mut v = vec![
        leaf(Email::To, item.to.as_str()),
        leaf(Email::From, item.from.as_str()),
        leaf(Email::Subject, item.subject.as_str()),
        leaf(Email::DateReceived, item.date_received.as_str()),
        leaf(Email::DisplayTo, crate::store::address_of(&item.to)),
        leaf(Email::ThreadTopic, item.subject.as_str()),
        leaf(Email::Importance, item.importance.unwrap_or(1).to_string()),
        leaf(Email::Read, if item.read { "1" } else { "0" }),
        body_element(item, pref),
        leaf(Email::MessageClass, item.message_class.as_str()),
    ];
    if item.message_class == message_class::MEETING_REQUEST || item.message_class == message_class::MEETING_CANCELED {
        v.push(el(
            Email::MeetingRequest,
            [
                leaf(Email::AllDayEvent, "0"),
                leaf(Email::StartTime, item.start.as_str()),
                leaf(Email::DtStamp, item.date_received.as_str()),
                leaf(Email::EndTime, item.end.as_str()),
                leaf(Email::InstanceType, "0"),
                location(item, version, Email::Location),
                leaf(Email::Organizer, item.from.as_str()),
                leaf(Email::ResponseRequested, "1"),
                leaf(Email::Sensitivity, "0"),
                leaf(Email::BusyStatus, "2"),
                leaf(Email::TimeZone, utc_timezone()),
                leaf(Email::GlobalObjId, global_obj_id(&item.uid)),
            ],
        ));
    }
    if pref.body_type != body_type::MIME && !item.attachments.is_empty() {
        v.push(attachments_element(item));
    }
    v.push(leaf(Email::InternetCPID, "65001"));
    if version >= ProtocolVersion::V12_0 {
        let content_class = if meeting { "urn:content-classes:calendarmessage" } else { "urn:content-classes:message" };
        v.push(leaf(Email::ContentClass, content_class));
        v.push(leaf(AirSyncBase::NativeBodyType, "1"));
    }
    v
}

/// `airsyncbase:Attachments` ([MS-ASAIRS] 2.2.2.8): what a client that does not take MIME
/// learns of the attachments. An S/MIME message lists none: its attachments are inside the
/// signed or encrypted entity, which only MIME carries.
fn attachments_element(item: &Item) -> Element {
    el(
        AirSyncBase::Attachments,
        item.attachments.iter().enumerate().map(|(i, name)| {
            el(
                AirSyncBase::Attachment,
                [
                    leaf(AirSyncBase::DisplayName, name.as_str()),
                    leaf(AirSyncBase::FileReference, format!("{}:{i}", item.server_id)),
                    leaf(AirSyncBase::Method, "1"),
                ],
            )
        }),
    )
}

/// The meeting location: `calendar:Location` (or `email:Location`) text up to 14.1, an
/// `airsyncbase:Location` container from 16.0 ([MS-ASAIRS] 2.2.2.27).
fn location(item: &Item, version: ProtocolVersion, before_16: impl Into<crate::Tag>) -> Element {
    if version >= ProtocolVersion::V16_0 {
        el(AirSyncBase::Location, [leaf(AirSyncBase::DisplayName, item.location.as_str())])
    } else {
        leaf(before_16, item.location.as_str())
    }
}

/// The location a client sent, in either form.
fn location_of(app: &Element) -> Option<String> {
    let l = app.child("Location")?;
    Some(l.find(&["DisplayName"]).or_else(|| l.text()).unwrap_or("").to_string())
}

fn render_calendar(item: &Item, pref: BodyPreference, version: ProtocolVersion) -> Vec<Element> {
    let mut v = vec![
        leaf(Calendar::Timezone, utc_timezone()),
        leaf(Calendar::AllDayEvent, "0"),
        body_element(item, pref),
        leaf(Calendar::BusyStatus, item.busy_status.unwrap_or(2).to_string()),
        leaf(Calendar::DtStamp, compact_time(&item.date_received)),
        leaf(Calendar::EndTime, compact_time(&item.end)),
        location(item, version, Calendar::Location),
        leaf(Calendar::Sensitivity, "0"),
        leaf(Calendar::Subject, item.subject.as_str()),
        leaf(Calendar::StartTime, compact_time(&item.start)),
        leaf(Calendar::UID, item.uid.as_str()),
        leaf(Calendar::MeetingStatus, if item.from.is_empty() { "0" } else { "3" }),
    ];
    if !item.from.is_empty() {
        v.insert(4, leaf(Calendar::OrganizerEmail, crate::store::address_of(&item.from)));
    }
    v
}

fn render_contact(item: &Item) -> Vec<Element> {
    let file_as = match (item.last_name.is_empty(), item.first_name.is_empty()) {
        (false, false) => format!("{}, {}", item.last_name, item.first_name),
        (false, true) => item.last_name.clone(),
        _ => item.first_name.clone(),
    };
    vec![
        leaf(Contacts::Email1Address, item.email.as_str()),
        leaf(Contacts::FileAs, file_as),
        leaf(Contacts::FirstName, item.first_name.as_str()),
        leaf(Contacts::LastName, item.last_name.as_str()),
    ]
}

/// A task in the element order of the [MS-ASTASK] schema: Body, Subject, Importance,
/// UtcDueDate/DueDate, Categories, Complete, DateCompleted, Sensitivity, ReminderSet.
fn render_task(item: &Item, pref: BodyPreference) -> Vec<Element> {
    let mut v = vec![
        body_element(item, pref),
        leaf(Tasks::Subject, item.subject.as_str()),
        leaf(Tasks::Importance, item.importance.unwrap_or(1).to_string()),
    ];
    if !item.due.is_empty() {
        v.push(leaf(Tasks::UtcDueDate, item.due.as_str()));
        v.push(leaf(Tasks::DueDate, item.due.as_str()));
    }
    if !item.categories.is_empty() {
        v.push(categories(&item.categories, Tasks::Categories, Tasks::Category));
    }
    v.push(leaf(Tasks::Complete, if item.complete { "1" } else { "0" }));
    if item.complete {
        let done = if item.date_completed.is_empty() { &item.date_received } else { &item.date_completed };
        v.push(leaf(Tasks::DateCompleted, done.as_str()));
    }
    v.push(leaf(Tasks::Sensitivity, "0"));
    v.push(leaf(Tasks::ReminderSet, "0"));
    v
}

/// A note: Subject, Body, MessageClass, LastModifiedDate and, when it has any, Categories.
fn render_note(item: &Item, pref: BodyPreference) -> Vec<Element> {
    let mut v = vec![
        leaf(Notes::Subject, item.subject.as_str()),
        body_element(item, pref),
        leaf(Notes::MessageClass, item.message_class.as_str()),
        leaf(Notes::LastModifiedDate, item.last_modified.as_str()),
    ];
    if !item.categories.is_empty() {
        v.push(categories(&item.categories, Notes::Categories, Notes::Category));
    }
    v
}

fn categories(values: &[String], container: impl Into<crate::Tag>, one: impl Into<crate::Tag> + Copy) -> Element {
    el(container, values.iter().map(|c| leaf(one, c.as_str())))
}

/// The `Category` texts under a client's `Categories`, if it sent the element.
fn categories_of(app: &Element) -> Option<Vec<String>> {
    let c = app.child("Categories")?;
    Some(c.elements().filter(|e| e.name() == "Category").filter_map(|e| e.text().map(|t| t.trim().to_string())).collect())
}

/// A task's due date as a client sent it: `UtcDueDate`, else `DueDate` (local time, which
/// for this UTC-only store is the same instant).
fn due_of(app: &Element) -> Option<String> {
    app.find(&["UtcDueDate"]).or_else(|| app.find(&["DueDate"])).map(expand_time)
}

/// The body text a client sent inside `airsyncbase:Body/Data`.
fn client_body(app: &Element) -> Option<String> {
    app.find(&["Body", "Data"]).map(str::to_string)
}

/// A new item from a client's `Add`. Fields the client did not send stay empty.
pub(super) fn parse_new_item(class: ItemClass, app: &Element) -> NewItem {
    let text = |name: &str| app.find(&[name]).unwrap_or("").to_string();
    let mut item = NewItem { class, body: client_body(app).unwrap_or_default(), ..Default::default() };
    match class {
        ItemClass::Email => {
            item.subject = text("Subject");
            item.to = text("To");
            item.from = text("From");
            item.read = app.find(&["Read"]) == Some("1");
        }
        ItemClass::Calendar => {
            item.subject = text("Subject");
            item.start = expand_time(&text("StartTime"));
            item.end = expand_time(&text("EndTime"));
            item.location = location_of(app).unwrap_or_default();
            item.uid = app.find(&["UID"]).or_else(|| app.find(&["ClientUid"])).unwrap_or("").to_string();
            item.busy_status = app.find(&["BusyStatus"]).and_then(|b| b.trim().parse().ok()).or(Some(2));
        }
        ItemClass::Contacts => {
            item.first_name = text("FirstName");
            item.last_name = text("LastName");
            item.email = text("Email1Address");
        }
        ItemClass::Tasks => {
            item.subject = text("Subject");
            item.due = due_of(app).unwrap_or_default();
            item.importance = app.find(&["Importance"]).and_then(|i| i.trim().parse().ok());
            item.complete = app.find(&["Complete"]).map(str::trim) == Some("1");
            if item.complete {
                item.date_completed = app.find(&["DateCompleted"]).map(expand_time).unwrap_or_default();
            }
            item.categories = categories_of(app).unwrap_or_default();
        }
        ItemClass::Notes => {
            item.subject = text("Subject");
            item.message_class =
                app.find(&["MessageClass"]).map(str::trim).filter(|m| !m.is_empty()).unwrap_or(message_class::STICKY_NOTE).to_string();
            item.last_modified = app.find(&["LastModifiedDate"]).map(expand_time).unwrap_or_default();
            item.categories = categories_of(app).unwrap_or_default();
        }
    }
    item
}

/// Applies a client's `Change` to a stored item: only the elements present change (a Change
/// of an email carries little more than `Read` and `Flag`). `now` (`xs:dateTime`) stamps
/// what the client leaves to the server: a task's completion, a note's modification.
pub(super) fn apply_change(item: &mut Item, app: &Element, now: &str) {
    let set = |field: &mut String, value: Option<&str>| {
        if let Some(v) = value {
            *field = v.to_string();
        }
    };
    match item.class {
        ItemClass::Email => {
            if let Some(r) = app.find(&["Read"]) {
                item.read = r.trim() == "1";
            }
        }
        ItemClass::Calendar => {
            set(&mut item.subject, app.find(&["Subject"]));
            if let Some(l) = location_of(app) {
                item.location = l;
            }
            if let Some(v) = app.find(&["StartTime"]) {
                item.start = expand_time(v);
            }
            if let Some(v) = app.find(&["EndTime"]) {
                item.end = expand_time(v);
            }
            if let Some(b) = app.find(&["BusyStatus"]).and_then(|b| b.trim().parse().ok()) {
                item.busy_status = Some(b);
            }
            if let Some(body) = client_body(app) {
                item.body = body;
            }
        }
        ItemClass::Contacts => {
            set(&mut item.first_name, app.find(&["FirstName"]));
            set(&mut item.last_name, app.find(&["LastName"]));
            set(&mut item.email, app.find(&["Email1Address"]));
        }
        ItemClass::Tasks => {
            set(&mut item.subject, app.find(&["Subject"]));
            if let Some(body) = client_body(app) {
                item.body = body;
            }
            if let Some(due) = due_of(app) {
                item.due = due;
            }
            if let Some(i) = app.find(&["Importance"]).and_then(|i| i.trim().parse().ok()) {
                item.importance = Some(i);
            }
            if let Some(c) = categories_of(app) {
                item.categories = c;
            }
            if let Some(c) = app.find(&["Complete"]) {
                item.complete = c.trim() == "1";
                item.date_completed = if item.complete {
                    app.find(&["DateCompleted"]).map(expand_time).unwrap_or_else(|| now.to_string())
                } else {
                    String::new()
                };
            }
        }
        ItemClass::Notes => {
            set(&mut item.subject, app.find(&["Subject"]));
            if let Some(body) = client_body(app) {
                item.body = body;
            }
            if let Some(c) = categories_of(app) {
                item.categories = c;
            }
            item.last_modified = app.find(&["LastModifiedDate"]).map(expand_time).unwrap_or_else(|| now.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AirSync, Document};

    fn mail() -> Item {
        NewItem::email("Bob <bob@example.test>", "alice@example.test", "Hello", "Hello Alice, here is the report.")
            .into_item("1:1".into(), "2026-01-05T09:00:00.000Z")
    }

    #[test]
    fn times_convert_both_ways() {
        assert_eq!(compact_time("2026-01-06T10:00:00.000Z"), "20260106T100000Z");
        assert_eq!(compact_time("20260106T100000Z"), "20260106T100000Z");
        assert_eq!(expand_time("20260106T100000Z"), "2026-01-06T10:00:00.000Z");
        assert_eq!(expand_time("2026-01-06T10:00:00.000Z"), "2026-01-06T10:00:00.000Z");
        assert_eq!(utc_timezone().len(), 232);
        let goid = base64::engine::general_purpose::STANDARD.decode(global_obj_id("uid-1")).unwrap();
        assert_eq!(&goid[..4], &[4, 0, 0, 0]);
        assert!(goid.windows(5).any(|w| w == b"uid-1"));
    }

    #[test]
    fn bodies_follow_the_preference() {
        let item = mail();
        let plain = body_element(&item, BodyPreference { body_type: 1, truncation_size: Some(5) });
        assert_eq!(plain.find(&["Data"]), Some("Hello"));
        assert_eq!(plain.find(&["Truncated"]), Some("1"));
        assert_eq!(plain.find(&["EstimatedDataSize"]), Some("32"));
        let html = body_element(&item, BodyPreference { body_type: 2, truncation_size: None });
        assert!(html.find(&["Data"]).unwrap().starts_with("<html>"));
        let mime = body_element(&item, BodyPreference { body_type: 4, truncation_size: None });
        assert!(mime.find(&["Data"]).unwrap().contains("Subject: Hello\r\n"));
        let options = el(AirSync::Options, [el(AirSyncBase::BodyPreference, [leaf(AirSyncBase::Type, "3")])]);
        assert_eq!(BodyPreference::from_options(Some(&options)), Some(BodyPreference { body_type: 1, truncation_size: None }));
    }

    #[test]
    fn attachments_are_listed_without_mime_and_the_sent_message_is_the_mime() {
        let mut item = mail();
        item.attachments = vec!["numbers.pdf".into()];
        item.mime = "From: bob@example.test\r\nSubject: Hello\r\n\r\nas sent\r\n".into();
        let text = el(AirSync::ApplicationData, render(&item, BodyPreference::default(), ProtocolVersion::V14_1));
        assert_eq!(text.find(&["Attachments", "Attachment", "DisplayName"]), Some("numbers.pdf"));
        let mime =
            el(AirSync::ApplicationData, render(&item, BodyPreference { body_type: 4, truncation_size: None }, ProtocolVersion::V14_1));
        assert!(mime.child("Attachments").is_none(), "MIME carries them itself");
        assert_eq!(mime.find(&["Body", "Data"]), Some(item.mime.as_str()));
    }

    #[test]
    fn rendered_items_encode_and_read_back() {
        let item = mail();
        let app = el(AirSync::ApplicationData, render(&item, BodyPreference::default(), ProtocolVersion::V14_1));
        let doc = Document::new(app.clone());
        crate::encode(&doc).unwrap();
        assert_eq!(app.find(&["Subject"]), Some("Hello"));
        assert_eq!(app.find(&["Read"]), Some("0"));
        let back = parse_new_item(ItemClass::Email, &app);
        assert_eq!(back.subject, "Hello");
        assert_eq!(back.body, item.body);

        let meeting = NewItem::meeting_request(
            "bob@example.test",
            "alice@example.test",
            "Review",
            "2026-01-06T10:00:00.000Z",
            "2026-01-06T11:00:00.000Z",
            "Room",
            "uid-9",
        )
        .into_item("1:2".into(), "2026-01-05T09:00:00.000Z");
        let app = el(AirSync::ApplicationData, render(&meeting, BodyPreference::default(), ProtocolVersion::V14_1));
        assert_eq!(app.find(&["MeetingRequest", "StartTime"]), Some("2026-01-06T10:00:00.000Z"));
        assert_eq!(app.find(&["MessageClass"]), Some("IPM.Schedule.Meeting.Request"));

        let cal = NewItem::appointment("Standup", "2026-01-06T09:00:00.000Z", "2026-01-06T09:15:00.000Z", "Room", "uid-3")
            .into_item("7:1".into(), "2026-01-05T09:00:00.000Z");
        let app = el(AirSync::ApplicationData, render(&cal, BodyPreference::default(), ProtocolVersion::V14_1));
        assert_eq!(app.find(&["StartTime"]), Some("20260106T090000Z"));
        let back = parse_new_item(ItemClass::Calendar, &app);
        assert_eq!(back.start, "2026-01-06T09:00:00.000Z");
        assert_eq!(back.uid, "uid-3");
        assert_eq!(back.location, "Room");
        let app16 = el(AirSync::ApplicationData, render(&cal, BodyPreference::default(), ProtocolVersion::V16_1));
        assert_eq!(app16.find(&["Location", "DisplayName"]), Some("Room"));
        assert_eq!(parse_new_item(ItemClass::Calendar, &app16).location, "Room");
    }
}
