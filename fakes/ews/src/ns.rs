//! Namespace URIs and the prefixes we bind them to when writing.
//!
//! Parsing ignores namespaces (see the crate docs), so these matter only for
//! output — but there they must be exact: exchangelib looks elements up as
//! `{URI}LocalName`, so a single wrong character makes a response invisible.

/// SOAP 1.1 envelope. EWS speaks SOAP 1.1 only.
pub const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// EWS messages schema: operations, response wrappers, `ResponseCode`.
pub const MESSAGES: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
/// EWS types schema: ids, events, header elements.
pub const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
/// EWS errors schema: used only inside SOAP fault `detail`.
pub const ERRORS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";

/// A namespace binding we emit. `Unqualified` exists because SOAP 1.1 fault
/// children (`faultcode`, `faultstring`, `detail`) are unqualified, and
/// exchangelib finds them only without a namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prefix {
    Soap,
    Messages,
    Types,
    Errors,
    /// `a:` is how Exchange qualifies the fault code (`a:ErrorSchemaValidation`),
    /// bound to the types namespace.
    FaultCode,
    Unqualified,
}

impl Prefix {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Prefix::Soap => "soap",
            Prefix::Messages => "m",
            Prefix::Types => "t",
            Prefix::Errors => "e",
            Prefix::FaultCode => "a",
            Prefix::Unqualified => "",
        }
    }

    pub(crate) fn uri(self) -> &'static str {
        match self {
            Prefix::Soap => SOAP,
            Prefix::Messages => MESSAGES,
            Prefix::Types | Prefix::FaultCode => TYPES,
            Prefix::Errors => ERRORS,
            Prefix::Unqualified => "",
        }
    }
}
