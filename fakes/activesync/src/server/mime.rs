//! Just enough RFC 5322 / MIME / iCalendar reading for SendMail: who the message goes to,
//! its subject and text, and whether it is a meeting request or a meeting response.
//!
//! The server delivers what a device sends into the recipients' mailboxes, so this reads
//! headers (unfolded, case-insensitive), the first `text/plain` part of a multipart body
//! (or the whole body), and a `VCALENDAR` anywhere in the message. It does not decode
//! encoded words or transfer encodings other than quoted-printable soft breaks: the
//! harness's own devices send plain UTF-8.

use super::appdata::expand_time;
use crate::store::{message_class, NewItem};

/// What SendMail needs from a message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Message {
    pub from: Option<String>,
    pub to: Vec<String>,
    pub(crate) cc: Vec<String>,
    pub(crate) bcc: Vec<String>,
    pub(crate) to_header: String,
    pub subject: String,
    pub body: String,
    pub calendar: Option<CalendarPart>,
    /// The message as it came.
    pub(crate) raw: String,
    /// Its S/MIME form, from the top-level `Content-Type`.
    pub(crate) smime: Option<Smime>,
    /// File names of its attachments (not looked for inside an S/MIME entity).
    pub(crate) attachments: Vec<String>,
}

/// An S/MIME message's form ([MS-OXOSMIME] message classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Smime {
    /// `multipart/signed`: `IPM.Note.SMIME.MultipartSigned`.
    MultipartSigned,
    /// `application/pkcs7-mime` (enveloped or opaque-signed): `IPM.Note.SMIME`.
    Opaque,
}

/// The VEVENT of a `text/calendar` part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct CalendarPart {
    /// REQUEST, REPLY, CANCEL …
    pub method: String,
    pub uid: String,
    pub summary: String,
    pub start: String,
    pub end: String,
    pub location: String,
    /// The attendee's PARTSTAT in a REPLY (ACCEPTED, TENTATIVE, DECLINED).
    pub(crate) partstat: Option<String>,
}

/// Why a message could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum MimeError {
    #[error("the message has no header section")]
    NoHeaders,
}

/// Splits a header value holding addresses at commas outside quotes and angle brackets.
pub(super) fn split_addresses(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut angle) = (false, false);
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' | ';' if !quoted && !angle => {
                if !current.trim().is_empty() {
                    out.push(current.trim().to_string());
                }
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

fn split_head_body(text: &str) -> Option<(&str, &str)> {
    if let Some(i) = text.find("\r\n\r\n") {
        return Some((&text[..i], &text[i + 4..]));
    }
    if let Some(i) = text.find("\n\n") {
        return Some((&text[..i], &text[i + 2..]));
    }
    None
}

/// Headers, unfolded, names lowercased, in order.
fn headers(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    out
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_string())
    })
}

fn unqp(body: &str, quoted_printable: bool) -> String {
    if !quoted_printable {
        return body.to_string();
    }
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file name a part gives in `Content-Disposition` (`filename=`) or `Content-Type` (`name=`).
fn file_name(head: &[(String, String)]) -> Option<String> {
    let param = |value: Option<&str>, key: &str| {
        value?.split(';').skip(1).find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim().eq_ignore_ascii_case(key).then(|| v.trim().trim_matches('"').to_string())
        })
    };
    param(header(head, "content-disposition"), "filename").or_else(|| param(header(head, "content-type"), "name"))
}

/// The S/MIME form of a message by its top-level `Content-Type`.
fn smime_of(content_type: &str) -> Option<Smime> {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match media.as_str() {
        "multipart/signed" => Some(Smime::MultipartSigned),
        "application/pkcs7-mime" | "application/x-pkcs7-mime" => Some(Smime::Opaque),
        _ => None,
    }
}

/// The file names of the attachments of a (possibly multipart) entity.
fn attachments(head: &[(String, String)], body: &str, out: &mut Vec<String>, depth: usize) {
    let content_type = header(head, "content-type").unwrap_or("text/plain");
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if media.starts_with("multipart/") && depth < 8 {
        let Some(b) = boundary(content_type) else { return };
        let delimiter = format!("--{b}");
        for part in body.split(delimiter.as_str()).skip(1) {
            if part.starts_with("--") {
                break;
            }
            if let Some((h, b)) = split_head_body(part.trim_start_matches(['\r', '\n'])) {
                attachments(&headers(h), b, out, depth + 1);
            }
        }
    } else if let Some(name) = file_name(head).filter(|_| !media.starts_with("text/") || header(head, "content-disposition").is_some()) {
        out.push(name);
    }
}

/// The text/plain body and any text/calendar part of a (possibly multipart) entity.
fn walk(head: &[(String, String)], body: &str, text: &mut Option<String>, calendar: &mut Option<String>, depth: usize) {
    let content_type = header(head, "content-type").unwrap_or("text/plain");
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if file_name(head).is_some() && header(head, "content-disposition").is_some_and(|d| d.to_ascii_lowercase().starts_with("attachment")) {
        return;
    }
    let qp = header(head, "content-transfer-encoding").is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"));
    if media.starts_with("multipart/") && depth < 8 {
        let Some(b) = boundary(content_type) else {
            return;
        };
        let delimiter = format!("--{b}");
        for part in body.split(delimiter.as_str()).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let part = part.trim_start_matches(['\r', '\n']);
            if let Some((h, b)) = split_head_body(part) {
                walk(&headers(h), b, text, calendar, depth + 1);
            }
        }
    } else if media == "text/calendar" {
        calendar.get_or_insert_with(|| unqp(body, qp));
    } else if media == "text/plain" || media.is_empty() {
        text.get_or_insert_with(|| unqp(body, qp).trim_end().to_string());
    } else if media == "text/html" && text.is_none() {
        *text = Some(unqp(body, qp));
    }
}

/// Reads a message.
pub(super) fn parse(raw: &[u8]) -> Result<Message, MimeError> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = split_head_body(&text).ok_or(MimeError::NoHeaders)?;
    let h = headers(head);
    if h.is_empty() {
        return Err(MimeError::NoHeaders);
    }
    let list = |name: &str| header(&h, name).map(split_addresses).unwrap_or_default();
    let smime = smime_of(header(&h, "content-type").unwrap_or_default());
    let (mut plain, mut cal) = (None, None);
    if smime != Some(Smime::Opaque) {
        walk(&h, body, &mut plain, &mut cal, 0);
    }
    let mut found = Vec::new();
    if smime.is_none() {
        attachments(&h, body, &mut found, 0);
    }
    if cal.is_none() && body.contains("BEGIN:VCALENDAR") {
        cal = Some(body.to_string());
    }
    Ok(Message {
        from: header(&h, "from").map(str::to_string),
        to: list("to"),
        cc: list("cc"),
        bcc: list("bcc"),
        to_header: header(&h, "to").unwrap_or("").to_string(),
        subject: header(&h, "subject").unwrap_or("").to_string(),
        body: plain.unwrap_or_default(),
        calendar: cal.as_deref().and_then(parse_calendar),
        raw: text.to_string(),
        smime,
        attachments: found,
    })
}

/// Reads the first VEVENT of an iCalendar text (lines unfolded, parameters dropped except
/// the attendee's PARTSTAT).
pub(super) fn parse_calendar(text: &str) -> Option<CalendarPart> {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if (line.starts_with(' ') || line.starts_with('\t')) && !lines.is_empty() {
            if let Some(last) = lines.last_mut() {
                last.push_str(&line[1..]);
            }
        } else {
            lines.push(line.to_string());
        }
    }
    if !lines.iter().any(|l| l.eq_ignore_ascii_case("BEGIN:VEVENT")) {
        return None;
    }
    let mut part = CalendarPart::default();
    for line in &lines {
        let Some((name_params, value)) = line.split_once(':') else {
            continue;
        };
        let mut pieces = name_params.split(';');
        let name = pieces.next().unwrap_or("").to_ascii_uppercase();
        match name.as_str() {
            "METHOD" => part.method = value.trim().to_ascii_uppercase(),
            "UID" => part.uid = value.trim().to_string(),
            "SUMMARY" => part.summary = value.trim().to_string(),
            "LOCATION" => part.location = value.trim().to_string(),
            "DTSTART" => part.start = expand_time(value),
            "DTEND" => part.end = expand_time(value),
            "ATTENDEE" => {
                for p in pieces {
                    if let Some(v) = p.strip_prefix("PARTSTAT=") {
                        part.partstat = Some(v.to_ascii_uppercase());
                    }
                }
            }
            _ => {}
        }
    }
    Some(part)
}

impl Message {
    /// Every recipient, To, Cc and Bcc.
    pub(super) fn recipients(&self) -> impl Iterator<Item = &String> {
        self.to.iter().chain(&self.cc).chain(&self.bcc)
    }

    /// The item a recipient's Inbox (or the sender's Sent Items) gets.
    pub(super) fn to_item(&self, from: &str, now: &str) -> NewItem {
        let mut item = NewItem::email(from, &self.to_header, &self.subject, &self.body);
        item.date_received = now.to_string();
        item.mime = self.raw.clone();
        item.attachments = self.attachments.clone();
        item.message_class = match self.smime {
            Some(Smime::MultipartSigned) => message_class::SMIME_MULTIPART_SIGNED.to_string(),
            Some(Smime::Opaque) => message_class::SMIME.to_string(),
            None => String::new(),
        };
        if let Some(cal) = &self.calendar {
            item.message_class = match (cal.method.as_str(), cal.partstat.as_deref()) {
                ("REQUEST", _) => message_class::MEETING_REQUEST,
                ("CANCEL", _) => message_class::MEETING_CANCELED,
                ("REPLY", Some("ACCEPTED")) => message_class::MEETING_ACCEPTED,
                ("REPLY", Some("TENTATIVE")) => message_class::MEETING_TENTATIVE,
                ("REPLY", Some("DECLINED")) => message_class::MEETING_DECLINED,
                _ => message_class::NOTE,
            }
            .to_string();
            item.uid = cal.uid.clone();
            item.start = cal.start.clone();
            item.end = cal.end.clone();
            item.location = cal.location.clone();
            if item.subject.is_empty() {
                item.subject = cal.summary.clone();
            }
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_messages_read() {
        let m = parse(b"From: Alice <alice@example.test>\r\nTo: \"Bob, B.\" <bob@example.test>, carol@example.test\r\nCc: dave@example.test\r\nSubject: Lunch\r\n  today\r\n\r\nSee you at noon.\r\n").unwrap();
        assert_eq!(m.to, ["\"Bob, B.\" <bob@example.test>", "carol@example.test"]);
        assert_eq!(m.cc, ["dave@example.test"]);
        assert_eq!(m.subject, "Lunch today");
        assert_eq!(m.body, "See you at noon.");
        assert_eq!(m.recipients().count(), 3);
        assert!(parse(b"no headers here").is_err());
    }

    const WITH_ATTACHMENT: &str = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Figures\r\nContent-Type: multipart/mixed; boundary=\"m1\"\r\n\r\n--m1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--m1\r\nContent-Type: application/pdf; name=\"numbers.pdf\"\r\nContent-Disposition: attachment; filename=\"numbers.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--m1--\r\n";

    #[test]
    fn a_plain_message_keeps_its_mime_and_lists_its_attachments() {
        let m = parse(WITH_ATTACHMENT.as_bytes()).unwrap();
        assert_eq!((m.body.as_str(), m.attachments.as_slice(), m.smime), ("See attached.", &["numbers.pdf".to_string()][..], None));
        let item = m.to_item("alice@example.test", "2026-01-05T09:00:00.000Z");
        assert_eq!(item.mime, WITH_ATTACHMENT);
        assert_eq!(item.message_class, "");
    }

    #[test]
    fn smime_messages_get_their_message_class_and_list_no_attachment() {
        let inner = "Content-Type: multipart/mixed; boundary=\"m1\"\r\n\r\n--m1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--m1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"numbers.pdf\"\r\n\r\nJVBERi0=\r\n--m1--\r\n";
        let signed = format!(
            "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Figures\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=\"sha-256\"; boundary=\"s1\"\r\n\r\n--s1\r\n{inner}\r\n--s1\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n\r\nMIIB\r\n--s1--\r\n"
        );
        let m = parse(signed.as_bytes()).unwrap();
        assert_eq!(m.smime, Some(Smime::MultipartSigned));
        assert!(m.attachments.is_empty(), "the attachments are inside the signed entity");
        assert_eq!(m.to_item("a", "t").message_class, message_class::SMIME_MULTIPART_SIGNED);
        let sealed = "From: a@example.test\r\nTo: b@example.test\r\nSubject: Sealed\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqG\r\n";
        let m = parse(sealed.as_bytes()).unwrap();
        assert_eq!((m.smime, m.body.as_str()), (Some(Smime::Opaque), ""), "an encrypted body is not text");
        assert_eq!(m.to_item("a", "t").message_class, message_class::SMIME);
    }

    #[test]
    fn multipart_meeting_requests_are_recognised() {
        let raw = "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: Review\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nPlease come.\r\n--b1\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:uid-7\r\nDTSTART:20260106T100000Z\r\nDTEND:20260106T110000Z\r\nLOCATION:Room 4\r\nSUMMARY:Review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--b1--\r\n";
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(m.body, "Please come.");
        let cal = m.calendar.clone().unwrap();
        assert_eq!(cal.method, "REQUEST");
        assert_eq!(cal.start, "2026-01-06T10:00:00.000Z");
        let item = m.to_item("bob@example.test", "2026-01-05T09:00:00.000Z");
        assert_eq!(item.message_class, "IPM.Schedule.Meeting.Request");
        assert_eq!(item.uid, "uid-7");
        let reply = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Accepted: Review\r\nContent-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:uid-7\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let m = parse(reply.as_bytes()).unwrap();
        assert_eq!(m.to_item("alice", "now").message_class, "IPM.Schedule.Meeting.Resp.Pos");
    }
}
