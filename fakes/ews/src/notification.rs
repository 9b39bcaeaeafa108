//! Push notifications: the `SendNotification` request Exchange POSTs to the
//! subscriber's URL, and the `SendNotificationResult` the subscriber answers.

use crate::dom::Node;
use crate::envelope;
use crate::folder::{read_id_attrs, write_id_attrs};
use crate::names as n;
use crate::ns::Prefix;
use crate::response::outcome;
use crate::xml_out::XmlOut;
use crate::{EventType, EwsError, ResponseClass, ResponseCode, SchemaVersion};

/// What an event is about. Items and folders use different elements
/// (`ItemId` / `FolderId`, `OldItemId` / `OldFolderId`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectId {
    /// `t:ItemId` / `t:OldItemId`.
    Item {
        /// The item's EWS id.
        id: String,
        /// Its version stamp, when the server sent one.
        change_key: Option<String>,
    },
    /// `t:FolderId` / `t:OldFolderId`.
    Folder {
        /// The folder's EWS id.
        id: String,
        /// Its version stamp, when the server sent one.
        change_key: Option<String>,
    },
}

/// One event. Fields are options rather than per-kind variants so that a
/// codec test can carry any combination a buggy peer might send; the writer
/// emits what is present, in schema order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The event's element name (`NewMailEvent`, `StatusEvent`, ...).
    pub kind: EventType,
    /// Empty when absent (the schema makes it optional on StatusEvent).
    pub watermark: String,
    /// `xs:dateTime` text; `None` for StatusEvent.
    pub timestamp: Option<String>,
    /// The item or folder the event is about; `None` for StatusEvent.
    pub object: Option<ObjectId>,
    /// `t:ParentFolderId` as (Id, ChangeKey): the folder the object is in now.
    pub parent_folder_id: Option<(String, Option<String>)>,
    /// Moved and Copied events only.
    pub old_object: Option<ObjectId>,
    /// `t:OldParentFolderId` as (Id, ChangeKey): where a moved or copied object was.
    pub old_parent_folder_id: Option<(String, Option<String>)>,
    /// Only on a ModifiedEvent about a folder.
    pub unread_count: Option<u32>,
}

/// One `m:Notification` ([MS-OXWSNTIF] 2.2.4.8 NotificationType): a batch of
/// events of one subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// The SubscriptionId the server assigned in its Subscribe response; the
    /// subscriber uses it to tell which subscription is talking.
    pub subscription_id: String,
    /// The watermark of the last event delivered before this batch; a gap
    /// tells the subscriber it missed events.
    pub previous_watermark: String,
    /// More batches follow immediately.
    pub more_events: bool,
    /// The events, oldest first; a lone StatusEvent is the keep-alive.
    pub events: Vec<Event>,
}

/// The subscriber's answer ([MS-OXWSPSNTIF] SubscriptionStatusType): the only
/// way (besides expiry) to end a push subscription is to answer `Unsubscribe`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// `OK`: keep sending.
    Ok,
    /// `Unsubscribe`: the server drops the subscription and sends no more.
    Unsubscribe,
}

impl SubscriptionStatus {
    /// The exact spelling on the wire (`OK` in capitals).
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Ok => "OK",
            SubscriptionStatus::Unsubscribe => "Unsubscribe",
        }
    }

    /// Exact, case-sensitive match on the wire spelling, as .NET reads the enumeration.
    pub fn parse(s: &str) -> Option<Self> {
        [SubscriptionStatus::Ok, SubscriptionStatus::Unsubscribe].into_iter().find(|v| v.as_str() == s)
    }
}

/// Writes the POST body Exchange sends: one `SendNotificationResponseMessage`
/// (Success, NoError) per notification, `m:Notification` in the messages
/// namespace and everything inside it in the types namespace.
pub fn write_send_notification(request_server_version: SchemaVersion, notifications: &[Notification]) -> String {
    let capacity = estimated_len(notifications);
    envelope::write_request(request_server_version.as_str(), capacity, |o| {
        o.elem(Prefix::Messages, n::SEND_NOTIFICATION, &[], |o| {
            o.elem(Prefix::Messages, n::RESPONSE_MESSAGES, &[], |o| {
                for notification in notifications {
                    let attrs = [(n::RESPONSE_CLASS, ResponseClass::Success.as_str())];
                    o.elem(Prefix::Messages, MESSAGE, &attrs, |o| {
                        o.leaf(Prefix::Messages, n::RESPONSE_CODE, &[], ResponseCode::NoError.as_str());
                        write_notification(o, notification);
                    });
                }
            });
        });
    })
}

/// `n::response_message_name(n::SEND_NOTIFICATION)`, spelled out because it
/// is needed for every notification written and read.
const MESSAGE: &str = "SendNotificationResponseMessage";

/// Markup bytes of a SendNotification outside the notifications, of each
/// notification outside its events, and of each event, all at their longest
/// (every optional element present, the longest event name); see the test
/// `estimate_covers_the_markup`.
const ENVELOPE_MARKUP: usize = 640;
const NOTIFICATION_MARKUP: usize = 320;
const EVENT_MARKUP: usize = 440;

/// The length of the written message when no value needs escaping, so that
/// the writer allocates its buffer once.
fn estimated_len(notifications: &[Notification]) -> usize {
    fn len(value: Option<&String>) -> usize {
        value.map_or(0, String::len)
    }
    fn object_len(object: &Option<ObjectId>) -> usize {
        match object {
            Some(ObjectId::Item { id, change_key } | ObjectId::Folder { id, change_key }) => id.len() + len(change_key.as_ref()),
            None => 0,
        }
    }
    fn id_len(id: &Option<(String, Option<String>)>) -> usize {
        id.as_ref().map_or(0, |(id, ck)| id.len() + len(ck.as_ref()))
    }
    let event_len = |e: &Event| {
        EVENT_MARKUP
            + e.watermark.len()
            + len(e.timestamp.as_ref())
            + object_len(&e.object)
            + id_len(&e.parent_folder_id)
            + object_len(&e.old_object)
            + id_len(&e.old_parent_folder_id)
    };
    ENVELOPE_MARKUP
        + notifications
            .iter()
            .map(|n| {
                NOTIFICATION_MARKUP + n.subscription_id.len() + n.previous_watermark.len() + n.events.iter().map(event_len).sum::<usize>()
            })
            .sum::<usize>()
}

fn write_notification(o: &mut XmlOut, notification: &Notification) {
    o.elem(Prefix::Messages, n::NOTIFICATION, &[], |o| {
        o.leaf(Prefix::Types, n::SUBSCRIPTION_ID, &[], &notification.subscription_id);
        o.leaf(Prefix::Types, n::PREVIOUS_WATERMARK, &[], &notification.previous_watermark);
        let more = if notification.more_events { n::TRUE } else { n::FALSE };
        o.leaf(Prefix::Types, n::MORE_EVENTS, &[], more);
        for event in &notification.events {
            write_event(o, event);
        }
    });
}

/// Schema order: Watermark, TimeStamp, ItemId|FolderId, ParentFolderId,
/// OldItemId|OldFolderId, OldParentFolderId, UnreadCount.
fn write_event(o: &mut XmlOut, event: &Event) {
    o.elem(Prefix::Types, event.kind.as_str(), &[], |o| {
        o.leaf(Prefix::Types, n::WATERMARK, &[], &event.watermark);
        if let Some(ts) = &event.timestamp {
            o.leaf(Prefix::Types, n::TIME_STAMP, &[], ts);
        }
        if let Some(object) = &event.object {
            write_object(o, object, n::ITEM_ID, n::FOLDER_ID);
        }
        if let Some((id, ck)) = &event.parent_folder_id {
            write_id_attrs(o, n::PARENT_FOLDER_ID, id, ck.as_deref());
        }
        if let Some(object) = &event.old_object {
            write_object(o, object, n::OLD_ITEM_ID, n::OLD_FOLDER_ID);
        }
        if let Some((id, ck)) = &event.old_parent_folder_id {
            write_id_attrs(o, n::OLD_PARENT_FOLDER_ID, id, ck.as_deref());
        }
        if let Some(count) = event.unread_count {
            o.leaf_number(Prefix::Types, n::UNREAD_COUNT, &[], count.into());
        }
    });
}

fn write_object(o: &mut XmlOut, object: &ObjectId, item: &str, folder: &str) {
    match object {
        ObjectId::Item { id, change_key } => write_id_attrs(o, item, id, change_key.as_deref()),
        ObjectId::Folder { id, change_key } => write_id_attrs(o, folder, id, change_key.as_deref()),
    }
}

/// Decodes a SendNotification POST body. Like exchangelib, every message must
/// be Success/NoError ([`EwsError::Unsuccessful`] otherwise); unknown event
/// elements are errors rather than silently dropped, because a listener that
/// skips events would mask exactly the bugs the harness looks for.
pub fn parse_send_notification(xml: &[u8]) -> Result<Vec<Notification>, EwsError> {
    let doc = envelope::parse(xml)?;
    let env = doc.root();
    let payload = envelope::expect_payload(&env, n::SEND_NOTIFICATION)?;
    let messages = payload.require_child(n::RESPONSE_MESSAGES)?;
    let mut out = Vec::new();
    for msg in messages.children_named(MESSAGE) {
        if let Err(e) = outcome(&msg)? {
            return Err(EwsError::Unsuccessful {
                element: msg.path().to_owned(),
                response_class: msg.attr(n::RESPONSE_CLASS).unwrap_or_default().to_owned(),
                code: e.code.as_str().to_owned(),
                message: e.message,
            });
        }
        let mut found = false;
        for notification in msg.children_named(n::NOTIFICATION) {
            found = true;
            out.push(read_notification(&notification)?);
        }
        if !found {
            return Err(msg.error("required element Notification is missing"));
        }
    }
    Ok(out)
}

fn read_notification(node: &Node<'_>) -> Result<Notification, EwsError> {
    let mut subscription_id = None;
    let mut previous_watermark = String::new();
    let mut more_events = false;
    let mut events = Vec::new();
    for child in node.children() {
        match child.name() {
            n::SUBSCRIPTION_ID => subscription_id = Some(child.text().to_owned()),
            n::PREVIOUS_WATERMARK => previous_watermark = child.text().to_owned(),
            n::MORE_EVENTS => more_events = child.parse_bool(child.text(), "MoreEvents boolean")?,
            name => match EventType::parse(name) {
                Some(kind) => events.push(read_event(&child, kind)?),
                None => return Err(EwsError::unknown(child.path(), "notification event element", name)),
            },
        }
    }
    let subscription_id = subscription_id.ok_or_else(|| node.error("required element SubscriptionId is missing"))?;
    Ok(Notification { subscription_id, previous_watermark, more_events, events })
}

/// The children an event is read from, each the first child of its name,
/// gathered in one pass instead of one search per name. Other children are
/// ignored.
#[derive(Default)]
struct EventChildren<'a> {
    watermark: Option<Node<'a>>,
    time_stamp: Option<Node<'a>>,
    item_id: Option<Node<'a>>,
    folder_id: Option<Node<'a>>,
    parent_folder_id: Option<Node<'a>>,
    old_item_id: Option<Node<'a>>,
    old_folder_id: Option<Node<'a>>,
    old_parent_folder_id: Option<Node<'a>>,
    unread_count: Option<Node<'a>>,
}

impl<'a> EventChildren<'a> {
    fn of(event: &Node<'a>) -> Self {
        let mut found = EventChildren::default();
        for child in event.children() {
            let slot = match child.name() {
                n::WATERMARK => &mut found.watermark,
                n::TIME_STAMP => &mut found.time_stamp,
                n::ITEM_ID => &mut found.item_id,
                n::FOLDER_ID => &mut found.folder_id,
                n::PARENT_FOLDER_ID => &mut found.parent_folder_id,
                n::OLD_ITEM_ID => &mut found.old_item_id,
                n::OLD_FOLDER_ID => &mut found.old_folder_id,
                n::OLD_PARENT_FOLDER_ID => &mut found.old_parent_folder_id,
                n::UNREAD_COUNT => &mut found.unread_count,
                _ => continue,
            };
            slot.get_or_insert(child);
        }
        found
    }
}

fn read_event(node: &Node<'_>, kind: EventType) -> Result<Event, EwsError> {
    let found = EventChildren::of(node);
    let object = read_object(node, (n::ITEM_ID, found.item_id), (n::FOLDER_ID, found.folder_id))?;
    let old_object = read_object(node, (n::OLD_ITEM_ID, found.old_item_id), (n::OLD_FOLDER_ID, found.old_folder_id))?;
    let id_pair = |c: Option<Node<'_>>| c.map(|c| read_id_attrs(&c)).transpose();
    Ok(Event {
        kind,
        watermark: found.watermark.map(|w| w.text().to_owned()).unwrap_or_default(),
        timestamp: found.time_stamp.map(|t| t.text().to_owned()),
        object,
        parent_folder_id: id_pair(found.parent_folder_id)?,
        old_object,
        old_parent_folder_id: id_pair(found.old_parent_folder_id)?,
        unread_count: found.unread_count.map(|c| c.parse_u32(c.text(), "UnreadCount")).transpose()?,
    })
}

/// The schema makes item and folder ids a choice; both at once is an error.
/// Each side is `(element name, first such child)`.
fn read_object(
    node: &Node<'_>,
    (item, item_node): (&str, Option<Node<'_>>),
    (folder, folder_node): (&str, Option<Node<'_>>),
) -> Result<Option<ObjectId>, EwsError> {
    match (item_node, folder_node) {
        (Some(_), Some(_)) => Err(node.error(format!("both {item} and {folder} are present; the schema allows one"))),
        (Some(i), None) => {
            let (id, change_key) = read_id_attrs(&i)?;
            Ok(Some(ObjectId::Item { id, change_key }))
        }
        (None, Some(f)) => {
            let (id, change_key) = read_id_attrs(&f)?;
            Ok(Some(ObjectId::Folder { id, change_key }))
        }
        (None, None) => Ok(None),
    }
}

/// The subscriber's reply, shaped like exchangelib's (no header).
pub fn write_send_notification_result(status: SubscriptionStatus) -> String {
    // The whole message is under 400 bytes.
    envelope::write_bare(512, |o| {
        o.elem(Prefix::Messages, n::SEND_NOTIFICATION_RESULT, &[], |o| {
            o.leaf(Prefix::Messages, n::SUBSCRIPTION_STATUS, &[], status.as_str());
        });
    })
}

/// Reads the subscriber's reply. Anything but exactly `OK` or `Unsubscribe`
/// is an error: Exchange's deserializer would not accept it either, and the
/// fake server treats a failed reply as a failed delivery.
pub fn parse_send_notification_result(xml: &[u8]) -> Result<SubscriptionStatus, EwsError> {
    let doc = envelope::parse(xml)?;
    let env = doc.root();
    let result = envelope::expect_payload(&env, n::SEND_NOTIFICATION_RESULT)?;
    let status = result.require_child(n::SUBSCRIPTION_STATUS)?;
    SubscriptionStatus::parse(status.token())
        .ok_or_else(|| EwsError::unknown(status.path(), "SubscriptionStatus (OK or Unsubscribe)", status.text()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{dom, testdata};

    fn item(id: &str, ck: &str) -> Option<ObjectId> {
        Some(ObjectId::Item { id: id.into(), change_key: Some(ck.into()) })
    }

    #[test]
    fn exchange_2010_sp2_capture_with_new_mail_and_folder_modified() {
        let got = parse_send_notification(testdata::EXCHANGE_2010_SP2_SEND_NOTIFICATION.as_bytes()).unwrap();
        assert_eq!(
            got,
            vec![Notification {
                subscription_id: "FQBtYWlsMDEuY29ycC5leGFtcGxlEAAAAPa7Wz8jsblNs4dm1XdMZS4fG2T0pkDRCBAAAAAy/vjh3aTiQYjWRf6ebw4H".into(),
                previous_watermark: "AQAAAIvIDm3ifcZMlaZ6rBHgwEx/BQAAAAAAAAE=".into(),
                more_events: false,
                events: vec![
                    Event {
                        kind: EventType::NewMail,
                        watermark: "AQAAAIvIDm3ifcZMlaZ6rBHgwEyABQAAAAAAAAE=".into(),
                        timestamp: Some("2015-07-13T09:41:25Z".into()),
                        object: item(
                            "AAMkADU1YjM0ZTQyLTc0ZDctNGJjMi1iNzk4LWI2NjU0NWQ3OGY1MQBGAAAAAABF4z3AAA==",
                            "CQAAABYAAADq2IM5JZoaR6V3Gv2h7UHNAAAAGrgS"
                        ),
                        parent_folder_id: Some((
                            "AQMkADU1YjM0ZTQyLTc0ZDctNGJjMi1iNzk4LWI2NjU0NWQ3OGY1MQAuAAAD".into(),
                            Some("AQAAAA==".into())
                        )),
                        old_object: None,
                        old_parent_folder_id: None,
                        unread_count: None,
                    },
                    Event {
                        kind: EventType::Modified,
                        watermark: "AQAAAIvIDm3ifcZMlaZ6rBHgwEyBBQAAAAAAAAE=".into(),
                        timestamp: Some("2015-07-13T09:41:25Z".into()),
                        object: Some(ObjectId::Folder {
                            id: "AQMkADU1YjM0ZTQyLTc0ZDctNGJjMi1iNzk4LWI2NjU0NWQ3OGY1MQAuAAAD".into(),
                            change_key: Some("AQAAABYAAADq2IM5JZoaR6V3Gv2h7UHNAAAAGrgT".into()),
                        }),
                        parent_folder_id: Some((
                            "AQMkADU1YjM0ZTQyLTc0ZDctNGJjMi1iNzk4LWI2NjU0NWQ3OGY1MQAuAAAB".into(),
                            Some("AQAAAA==".into())
                        )),
                        old_object: None,
                        old_parent_folder_id: None,
                        unread_count: Some(1),
                    },
                ],
            }]
        );
    }

    #[test]
    fn status_event_notification() {
        let got = parse_send_notification(testdata::EXCHANGELIB_STATUS_NOTIFICATION.as_bytes()).unwrap();
        assert_eq!(
            got,
            vec![Notification {
                subscription_id: "XXXXX=".into(),
                previous_watermark: "AAAAA=".into(),
                more_events: false,
                events: vec![Event {
                    kind: EventType::Status,
                    watermark: "BBBBB=".into(),
                    timestamp: None,
                    object: None,
                    parent_folder_id: None,
                    old_object: None,
                    old_parent_folder_id: None,
                    unread_count: None,
                }],
            }]
        );
    }

    #[test]
    fn written_notification_has_canonical_shape() {
        let moved = Event {
            kind: EventType::Moved,
            watermark: "W2".into(),
            timestamp: Some("2024-01-01T10:00:00Z".into()),
            object: item("I&1", "C1"),
            parent_folder_id: Some(("P".into(), None)),
            old_object: item("I0", "C0"),
            old_parent_folder_id: Some(("OP".into(), Some("K".into()))),
            unread_count: None,
        };
        let n = Notification { subscription_id: "S".into(), previous_watermark: "W1".into(), more_events: true, events: vec![moved] };
        let xml = write_send_notification(SchemaVersion::Exchange2010Sp2, std::slice::from_ref(&n));
        assert!(xml.contains(r#"<t:RequestServerVersion Version="Exchange2010_SP2"/>"#), "{xml}");
        assert!(
            xml.contains(concat!(
                r#"<m:SendNotification><m:ResponseMessages><m:SendNotificationResponseMessage ResponseClass="Success">"#,
                r#"<m:ResponseCode>NoError</m:ResponseCode><m:Notification><t:SubscriptionId>S</t:SubscriptionId>"#,
                r#"<t:PreviousWatermark>W1</t:PreviousWatermark><t:MoreEvents>true</t:MoreEvents><t:MovedEvent>"#,
                r#"<t:Watermark>W2</t:Watermark><t:TimeStamp>2024-01-01T10:00:00Z</t:TimeStamp>"#,
                r#"<t:ItemId Id="I&amp;1" ChangeKey="C1"/><t:ParentFolderId Id="P"/><t:OldItemId Id="I0" ChangeKey="C0"/>"#,
                r#"<t:OldParentFolderId Id="OP" ChangeKey="K"/></t:MovedEvent></m:Notification>"#
            )),
            "{xml}"
        );
        let root = dom::parse_tree(xml.as_bytes()).unwrap();
        let notification = &root.children[1].children[0].children[0].children[0].children[1];
        assert_eq!(notification.name, "Notification");
        assert_eq!(notification.ns.as_deref(), Some(crate::ns::MESSAGES));
        fn all_t(e: &dom::Tree) -> bool {
            e.ns.as_deref() == Some(crate::ns::TYPES) && e.children.iter().all(all_t)
        }
        assert!(notification.children.iter().all(all_t));
        assert_eq!(parse_send_notification(xml.as_bytes()).unwrap(), vec![n]);
    }

    #[test]
    fn estimate_covers_the_markup() {
        assert_eq!(MESSAGE, n::response_message_name(n::SEND_NOTIFICATION));
        let longest = EventType::ALL.iter().copied().max_by_key(|k| k.as_str().len()).unwrap();
        let object = Some(ObjectId::Folder { id: String::new(), change_key: Some(String::new()) });
        let event = Event {
            kind: longest,
            watermark: String::new(),
            timestamp: Some(String::new()),
            object: object.clone(),
            parent_folder_id: Some((String::new(), Some(String::new()))),
            old_object: object,
            old_parent_folder_id: Some((String::new(), Some(String::new()))),
            unread_count: Some(u32::MAX),
        };
        let notification = |events: usize| Notification {
            subscription_id: String::new(),
            previous_watermark: String::new(),
            more_events: false,
            events: vec![event.clone(); events],
        };
        let len = |ns: &[Notification]| write_send_notification(SchemaVersion::Exchange2010Sp2, ns).len();
        let envelope = len(&[]);
        let one = len(&[notification(0)]) - envelope;
        let event_len = len(&[notification(1)]) - envelope - one;
        assert!(envelope <= ENVELOPE_MARKUP, "{envelope}");
        assert!(one <= NOTIFICATION_MARKUP, "{one}");
        assert!(event_len <= EVENT_MARKUP, "{event_len}");
        let ns = [notification(2), notification(3)];
        assert!(len(&ns) <= estimated_len(&ns));
    }

    #[test]
    fn notification_problems_are_reported() {
        let base = testdata::EXCHANGELIB_STATUS_NOTIFICATION;
        let e = parse_send_notification(base.replace("StatusEvent", "PingEvent").as_bytes()).unwrap_err();
        assert!(matches!(&e, EwsError::UnknownValue { value, .. } if value == "PingEvent"), "{e}");
        let e =
            parse_send_notification(base.replace("\"Success\"", "\"Error\"").replace(">NoError<", ">ErrorReadEventsFailed<").as_bytes())
                .unwrap_err();
        assert!(matches!(&e, EwsError::Unsuccessful { code, .. } if code == "ErrorReadEventsFailed"), "{e}");
        let e = parse_send_notification(base.replace(">false<", ">maybe<").as_bytes()).unwrap_err();
        assert!(e.to_string().contains("MoreEvents"), "{e}");
        let two_ids = base.replace("<t:Watermark>BBBBB=</t:Watermark>", "<t:ItemId Id=\"a\"/><t:FolderId Id=\"b\"/>");
        assert!(parse_send_notification(two_ids.as_bytes()).unwrap_err().to_string().contains("both ItemId and FolderId"));
    }

    #[test]
    fn send_notification_result_both_ways() {
        for status in [SubscriptionStatus::Ok, SubscriptionStatus::Unsubscribe] {
            let xml = write_send_notification_result(status);
            assert!(!xml.contains("Header"));
            assert!(xml.contains(&format!(
                "<m:SendNotificationResult><m:SubscriptionStatus>{}</m:SubscriptionStatus></m:SendNotificationResult>",
                status.as_str()
            )));
            assert_eq!(parse_send_notification_result(xml.as_bytes()).unwrap(), status);
        }
        assert_eq!(parse_send_notification_result(testdata::EXCHANGELIB_RESULT_OK.as_bytes()).unwrap(), SubscriptionStatus::Ok);
        assert_eq!(
            parse_send_notification_result(testdata::EXCHANGELIB_RESULT_UNSUBSCRIBE.as_bytes()).unwrap(),
            SubscriptionStatus::Unsubscribe
        );
        // Microsoft's own: unprefixed, the messages namespace as the default one.
        assert_eq!(parse_send_notification_result(testdata::MS_OXWSNTIF_RESULT_OK.as_bytes()).unwrap(), SubscriptionStatus::Ok);
        assert_eq!(
            parse_send_notification_result(testdata::MS_OXWSNTIF_RESULT_UNSUBSCRIBE.as_bytes()).unwrap(),
            SubscriptionStatus::Unsubscribe
        );
        let lower = testdata::EXCHANGELIB_RESULT_OK.replace(">OK<", ">ok<");
        assert!(matches!(parse_send_notification_result(lower.as_bytes()), Err(EwsError::UnknownValue { .. })));
        let empty_body = format!(r#"<s:Envelope xmlns:s="{}"><s:Body/></s:Envelope>"#, crate::ns::SOAP);
        let e = parse_send_notification_result(empty_body.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("expected <SendNotificationResult>"), "{e}");
    }
}
