//! SOAP 1.1 faults: how Exchange reports requests it cannot process at all
//! (schema errors, bad versions, throttling). The HTTP layer sends them with
//! status 500.

use crate::dom::Node;
use crate::envelope;
use crate::names as n;
use crate::ns::Prefix;
use crate::{EwsError, ResponseCode, ServerVersionInfo};

/// A SOAP 1.1 `soap:Fault` as Exchange fills it: the unqualified `faultcode` and
/// `faultstring`, and the EWS `detail` ([MS-OXWSCDATA] 2.2.5.24 ResponseCodeType).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `a:ErrorSchemaValidation` (Exchange 2010+, `a` bound to the types
    /// namespace) or `soap:Client`-style; exchangelib maps it to an exception
    /// only when `detail` has no response code.
    pub faultcode: String,
    /// Human-readable reason (`xml:lang="en-US"`); with schema errors it names line and position.
    pub faultstring: String,
    /// `detail/e:ResponseCode`, which decides the client's exception class.
    pub code: ResponseCode,
    /// `detail/e:Message`.
    pub message: String,
    /// Schema errors point at the offending spot of the request.
    pub line_position: Option<(u64, u64)>,
}

impl Fault {
    /// The fault for a request that does not parse: `ErrorSchemaValidation` with the reason.
    pub fn schema_error(reason: impl std::fmt::Display) -> Fault {
        let reason = reason.to_string();
        Fault {
            faultcode: "soap:Client".into(),
            faultstring: reason.clone(),
            code: ResponseCode::ErrorSchemaValidation,
            message: reason,
            line_position: None,
        }
    }
}

/// Writes a fault the way Exchange 2010 and later do. Coordinates go into
/// `t:MessageXml/t:LineNumber` and `t:LinePosition`, which is where those
/// servers put them and where exchangelib reads them; the Exchange 2007 form
/// (`e:Line`, `e:Position`) is accepted by [`parse_fault`] but not written.
pub fn write_fault(server: Option<&ServerVersionInfo>, fault: &Fault) -> String {
    write_fault_with_back_off(server, fault, None)
}

/// As [`write_fault`], adding `t:MessageXml/t:Value Name="BackOffMilliseconds"`:
/// the hint an ErrorServerBusy fault carries and exchangelib's retry policy
/// honours.
pub fn write_fault_with_back_off(server: Option<&ServerVersionInfo>, fault: &Fault, back_off_ms: Option<u64>) -> String {
    envelope::write_response(server, envelope::TYPICAL_CAPACITY, |o| {
        o.elem(Prefix::Soap, n::FAULT, &[], |o| {
            o.leaf_ns(Prefix::Unqualified, n::FAULT_CODE, &[Prefix::FaultCode], &fault.faultcode);
            o.leaf(Prefix::Unqualified, n::FAULT_STRING, &[(n::XML_LANG, n::FAULT_STRING_LANG)], &fault.faultstring);
            o.elem(Prefix::Unqualified, n::DETAIL, &[], |o| {
                o.leaf_ns(Prefix::Errors, n::RESPONSE_CODE, &[Prefix::Errors], fault.code.as_str());
                o.leaf_ns(Prefix::Errors, n::MESSAGE, &[Prefix::Errors], &fault.message);
                if fault.line_position.is_none() && back_off_ms.is_none() {
                    return;
                }
                o.elem_ns(Prefix::Types, n::MESSAGE_XML, &[Prefix::Types], &[], |o| {
                    if let Some((line, position)) = fault.line_position {
                        o.leaf_number(Prefix::Types, n::LINE_NUMBER, &[], line);
                        o.leaf_number(Prefix::Types, n::LINE_POSITION, &[], position);
                    }
                    if let Some(ms) = back_off_ms {
                        o.leaf_number(Prefix::Types, n::VALUE, &[(n::NAME, n::BACK_OFF_MILLISECONDS)], ms);
                    }
                });
            });
        });
    })
}

/// `Ok(None)` when the body holds something other than a fault.
pub fn parse_fault(xml: &[u8]) -> Result<Option<Fault>, EwsError> {
    let doc = envelope::parse(xml)?;
    let env = doc.root();
    let payload = envelope::payload(&env)?;
    if payload.name() != n::FAULT {
        return Ok(None);
    }
    fault_from_node(&payload).map(Some)
}

/// The `BackOffMilliseconds` hint of a fault, if it has one.
pub fn parse_fault_back_off(xml: &[u8]) -> Result<Option<u64>, EwsError> {
    let doc = envelope::parse(xml)?;
    let env = doc.root();
    let payload = envelope::payload(&env)?;
    if payload.name() != n::FAULT {
        return Ok(None);
    }
    let Some(value) = payload
        .child(n::DETAIL)
        .and_then(|d| d.child(n::MESSAGE_XML))
        .and_then(|x| x.children_named(n::VALUE).find(|v| v.attr(n::NAME) == Some(n::BACK_OFF_MILLISECONDS)))
    else {
        return Ok(None);
    };
    let ms = value.token();
    ms.parse().map(Some).map_err(|_| value.error(format!("{ms:?} is not a number of milliseconds")))
}

/// Decodes a `Fault` element. The response code comes from `detail`; a fault
/// without one (a proxy's, or a bare `soap:Client`) falls back to the local
/// part of `faultcode` and fails only if that is not a known code either.
pub(crate) fn fault_from_node(fault: &Node<'_>) -> Result<Fault, EwsError> {
    let faultcode = fault.child(n::FAULT_CODE).map(|c| c.token().to_owned()).unwrap_or_default();
    let faultstring = fault.child(n::FAULT_STRING).map(|s| s.text().to_owned()).unwrap_or_default();
    let detail = fault.child(n::DETAIL);
    let detail_code = detail.as_ref().and_then(|d| d.child(n::RESPONSE_CODE));
    let code = match &detail_code {
        Some(c) => ResponseCode::parse(c.token()).ok_or_else(|| EwsError::unknown(c.path(), "response code", c.text()))?,
        None => {
            let local = faultcode.rsplit(':').next().unwrap_or_default();
            ResponseCode::parse(local).ok_or_else(|| {
                EwsError::unknown(fault.path(), "response code (no detail/ResponseCode, and faultcode is not one)", faultcode.clone())
            })?
        }
    };
    let message = detail.as_ref().and_then(|d| d.child(n::MESSAGE)).map(|m| m.text().to_owned()).unwrap_or_else(|| faultstring.clone());
    let line_position = match &detail {
        Some(d) => read_line_position(d)?,
        None => None,
    };
    Ok(Fault { faultcode, faultstring, code, message, line_position })
}

/// Both layouts: `t:MessageXml/t:LineNumber|LinePosition` (2010+) and
/// `e:Line`/`e:Position` directly in `detail` (2007).
fn read_line_position(detail: &Node<'_>) -> Result<Option<(u64, u64)>, EwsError> {
    let pair = match detail.child(n::MESSAGE_XML) {
        Some(x) if x.child(n::LINE_NUMBER).is_some() => (x.child(n::LINE_NUMBER), x.child(n::LINE_POSITION)),
        _ => (detail.child(n::LINE), detail.child(n::POSITION)),
    };
    let number = |node: Option<Node<'_>>| -> Result<u64, EwsError> {
        match node {
            Some(n) => n.token().parse().map_err(|_| n.error(format!("{:?} is not a line or position number", n.text()))),
            None => Ok(0),
        }
    };
    match pair {
        (None, None) => Ok(None),
        (line, position) => Ok(Some((number(line)?, number(position)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    fn schema_fault() -> Fault {
        Fault {
            faultcode: "a:ErrorSchemaValidation".into(),
            faultstring: "The request failed schema validation: The 'Id' attribute is invalid.".into(),
            code: ResponseCode::ErrorSchemaValidation,
            message: "The request failed schema validation.".into(),
            line_position: Some((14, 34)),
        }
    }

    #[test]
    fn written_like_exchange_2010_and_read_back() {
        let f = schema_fault();
        let xml = write_fault(None, &f);
        assert!(!xml.contains("Header"), "{xml}");
        assert!(xml.contains(concat!(
            r#"<soap:Body><soap:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorSchemaValidation</faultcode>"#,
            r#"<faultstring xml:lang="en-US">The request failed schema validation: The 'Id' attribute is invalid.</faultstring>"#
        )), "{xml}");
        assert!(xml.contains(r#"<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorSchemaValidation</e:ResponseCode>"#), "{xml}");
        assert!(xml.contains(r#"<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:LineNumber>14</t:LineNumber><t:LinePosition>34</t:LinePosition></t:MessageXml></detail>"#), "{xml}");
        assert_eq!(parse_fault(xml.as_bytes()).unwrap(), Some(f.clone()));

        let server = ServerVersionInfo::for_schema(crate::SchemaVersion::Exchange2010Sp2);
        let xml = write_fault(Some(&server), &Fault { line_position: None, ..f.clone() });
        assert!(!xml.contains("MessageXml"), "{xml}");
        assert_eq!(crate::parse_server_version_info(xml.as_bytes()).unwrap(), Some(server));
        assert_eq!(parse_fault(xml.as_bytes()).unwrap(), Some(Fault { line_position: None, ..f }));
    }

    #[test]
    fn server_busy_back_off() {
        let f = Fault {
            faultcode: "a:ErrorServerBusy".into(),
            faultstring: "The server cannot service this request right now. Try again later.".into(),
            code: ResponseCode::ErrorServerBusy,
            message: "The server cannot service this request right now. Try again later.".into(),
            line_position: None,
        };
        let xml = write_fault_with_back_off(None, &f, Some(20_000));
        assert!(xml.contains(r#"<t:Value Name="BackOffMilliseconds">20000</t:Value>"#), "{xml}");
        assert_eq!(parse_fault(xml.as_bytes()).unwrap(), Some(f.clone()));
        assert_eq!(parse_fault_back_off(xml.as_bytes()).unwrap(), Some(20_000));
        assert_eq!(parse_fault_back_off(write_fault(None, &f).as_bytes()).unwrap(), None);
    }

    #[test]
    fn exchange_2010_schema_fault_sample() {
        let f = parse_fault(testdata::SCHEMA_VALIDATION_FAULT.as_bytes()).unwrap().unwrap();
        assert_eq!(f.faultcode, "a:ErrorSchemaValidation");
        assert_eq!(f.code, ResponseCode::ErrorSchemaValidation);
        assert_eq!(f.message, "The request failed schema validation.");
        assert_eq!(f.line_position, Some((11, 33)));
        assert!(f.faultstring.contains("EntityName"));
    }

    #[test]
    fn exchange_2007_fault_sample_with_e_line() {
        let f = parse_fault(testdata::EXCHANGE_2007_FAULT.as_bytes()).unwrap().unwrap();
        assert_eq!(f.faultcode, "Client");
        assert_eq!(f.code, ResponseCode::ErrorSchemaValidation);
        assert_eq!(f.line_position, Some((17, 19)));
    }

    #[test]
    fn faults_without_detail_and_non_faults() {
        let bare = format!(
            r#"<s:Envelope xmlns:s="{}"><s:Body><s:Fault><faultcode>a:ErrorInvalidServerVersion</faultcode><faultstring>bad version</faultstring></s:Fault></s:Body></s:Envelope>"#,
            crate::ns::SOAP
        );
        let f = parse_fault(bare.as_bytes()).unwrap().unwrap();
        assert_eq!((f.code, f.message.as_str(), f.line_position), (ResponseCode::ErrorInvalidServerVersion, "bad version", None));
        let client = bare.replace("a:ErrorInvalidServerVersion", "soap:Client");
        assert!(matches!(parse_fault(client.as_bytes()), Err(EwsError::UnknownValue { .. })));
        let ok = crate::write_unsubscribe_response(&ServerVersionInfo::for_schema(crate::SchemaVersion::Exchange2016), &Ok(()));
        assert_eq!(parse_fault(ok.as_bytes()).unwrap(), None);
    }
}
