//! The Secure Ticket Authority's validation exchange, between the gateway and the STA.
//!
//! Modelled on Citrix's `CtxSTAProtocol` (an XML document posted to `/Scripts/CtxSTA.dll`):
//! the gateway sends `<RequestData>` with the `<TicketID>` a client presented, the STA answers
//! `<ResponseData>` with the ticket's values, or an `Error` value when it does not validate it.
//! Citrix publishes the shape but not every value name the products exchange; the names here
//! (`User`, `Services`, `Expires`, `Error`) are this project's.

use crate::mdx::ServiceAddress;
use quick_xml::events::Event;
use quick_xml::Reader;

/// Where the STA answers.
pub const STA_PATH: &str = "/Scripts/CtxSTA.dll";

/// The protocol version written in requests and answers.
const VERSION: &str = "4.1";

/// What the STA knows of a ticket it validates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validated {
    /// The user the ticket was issued to.
    pub user: String,
    /// The background services it opens.
    pub services: Vec<ServiceAddress>,
    /// When it stops being valid, in seconds since the Unix epoch (the run's clock).
    pub expires_unix: u64,
}

/// Why the STA did not validate a ticket, as its answer says.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StaRefusal {
    /// The STA issued no such ticket.
    #[error("the STA does not know this ticket")]
    Unknown,
    /// The ticket's lifetime ("Background services ticket expiration") is over.
    #[error("the ticket expired; the user must log on again for a new one")]
    Expired,
    /// The exchange itself failed: not this protocol, or a value that does not read.
    #[error("not a CtxSTAProtocol answer: {0}")]
    Malformed(String),
}

/// The gateway's request validating `ticket_id`.
pub fn validation_request(ticket_id: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE CtxSTAProtocol SYSTEM \"CtxSTA.dtd\">\n<CtxSTAProtocol version=\"{VERSION}\"><RequestData><TicketID>{}</TicketID></RequestData></CtxSTAProtocol>",
        quick_xml::escape::escape(ticket_id)
    )
}

/// The STA's answer: the ticket's values, or the refusal.
pub fn validation_response(outcome: &Result<Validated, StaRefusal>) -> String {
    let values = match outcome {
        Ok(v) => {
            let services: Vec<String> = v.services.iter().map(ToString::to_string).collect();
            format!(
                "<Value name=\"User\">{}</Value><Value name=\"Services\">{}</Value><Value name=\"Expires\">{}</Value>",
                quick_xml::escape::escape(&v.user),
                quick_xml::escape::escape(services.join(",")),
                v.expires_unix
            )
        }
        Err(StaRefusal::Expired) => "<Value name=\"Error\">TicketExpired</Value>".to_string(),
        Err(_) => "<Value name=\"Error\">TicketUnknown</Value>".to_string(),
    };
    format!("<?xml version=\"1.0\"?>\n<CtxSTAProtocol version=\"{VERSION}\"><ResponseData>{values}</ResponseData></CtxSTAProtocol>")
}

/// Text of each element named `element` (with its `name` attribute when it has one).
fn elements(xml: &str, element: &[u8]) -> Result<Vec<(Option<String>, String)>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut open: Option<(Option<String>, String)> = None;
    let mut root_seen = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => {
                root_seen |= e.local_name().as_ref() == b"CtxSTAProtocol";
                if e.local_name().as_ref() == element {
                    let name = e
                        .try_get_attribute("name")
                        .map_err(|e| e.to_string())?
                        .map(|a| a.unescape_value().map(|v| v.into_owned()))
                        .transpose()
                        .map_err(|e| e.to_string())?;
                    open = Some((name, String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = open.as_mut() {
                    text.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = open.as_mut() {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name).ok_or_else(|| format!("unknown entity &{name};"))?;
                    text.push_str(resolved);
                }
            }
            Event::End(e) if e.local_name().as_ref() == element => out.extend(open.take()),
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err("no CtxSTAProtocol element".into());
    }
    Ok(out)
}

/// The `TicketID` of a validation request.
pub fn parse_validation_request(xml: &str) -> Result<String, StaRefusal> {
    let ids = elements(xml, b"TicketID").map_err(StaRefusal::Malformed)?;
    ids.into_iter().next().map(|(_, id)| id.trim().to_string()).ok_or_else(|| StaRefusal::Malformed("no TicketID in RequestData".into()))
}

/// The ticket's values from the STA's answer, or its refusal.
pub fn parse_validation_response(xml: &str) -> Result<Validated, StaRefusal> {
    let values = elements(xml, b"Value").map_err(StaRefusal::Malformed)?;
    let get = |n: &str| values.iter().find(|(name, _)| name.as_deref() == Some(n)).map(|(_, v)| v.trim().to_string());
    match get("Error").as_deref() {
        Some("TicketExpired") => return Err(StaRefusal::Expired),
        Some(_) => return Err(StaRefusal::Unknown),
        None => {}
    }
    let user = get("User").ok_or_else(|| StaRefusal::Malformed("no User value".into()))?;
    let services = get("Services")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse().map_err(|e: crate::mdx::PolicyError| StaRefusal::Malformed(e.to_string())))
        .collect::<Result<_, _>>()?;
    let expires_unix =
        get("Expires").and_then(|v| v.parse().ok()).ok_or_else(|| StaRefusal::Malformed("no Expires value in seconds".into()))?;
    Ok(Validated { user, services, expires_unix })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_validation_goes_there_and_back() {
        let req = validation_request("0A1B<2C>");
        assert_eq!(parse_validation_request(&req).unwrap(), "0A1B<2C>");
        let v =
            Validated { user: "alice & co".into(), services: vec![ServiceAddress::new("mail.example.test", 443)], expires_unix: 604_800 };
        assert_eq!(parse_validation_response(&validation_response(&Ok(v.clone()))).unwrap(), v);
        assert_eq!(parse_validation_response(&validation_response(&Err(StaRefusal::Expired))), Err(StaRefusal::Expired));
        assert_eq!(parse_validation_response(&validation_response(&Err(StaRefusal::Unknown))), Err(StaRefusal::Unknown));
    }

    #[test]
    fn other_documents_are_malformed() {
        for doc in ["", "<html/>", "<CtxSTAProtocol><RequestData/></CtxSTAProtocol>", "<CtxSTAProtocol><TicketID>x"] {
            assert!(matches!(parse_validation_request(doc), Err(StaRefusal::Malformed(_))), "{doc}");
        }
        let no_expiry = "<CtxSTAProtocol><ResponseData><Value name=\"User\">a</Value></ResponseData></CtxSTAProtocol>";
        assert!(matches!(parse_validation_response(no_expiry), Err(StaRefusal::Malformed(_))));
    }

    proptest! {
        #[test]
        fn any_text_is_read_without_panicking(s in ".*") {
            let _ = parse_validation_request(&s);
            let _ = parse_validation_response(&s);
        }
    }
}
