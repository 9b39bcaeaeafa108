//! One ActiveSync request, read from HTTP (server side) or written to HTTP (client side).
//!
//! Both sides go through [`EasRequest`] so that the fake server and the client simulator
//! cannot disagree about where a value travels: the plain form puts the version and policy
//! key in headers, the base64 form inside the query bytes.

use super::query::{self, Base64Query, CommandParams, PlainQuery, QueryError, QueryForm, DEFAULT_LOCALE};
use super::response::{header, is_wbxml_content_type, MIME_CONTENT_TYPE, WBXML_CONTENT_TYPE};
use super::{Command, ProtocolVersion};
use crate::{decode, encode, Document, WbxmlError};
use bytes::Bytes;
use mailconform_sim::Request;

/// An ActiveSync command request with everything the query, headers and body said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EasRequest {
    /// The command of `Cmd=` or the base64 command code.
    pub command: Command,
    /// The `User` parameter as sent (`DOMAIN\user`, a UPN, or empty when a base64 query
    /// omits it). The mailbox is chosen by authentication, not by this.
    pub user: String,
    /// `DeviceId`: the partnership key together with the user.
    pub device_id: String,
    /// `DeviceType` (`iPhone`, `Android`, ...).
    pub device_type: String,
    /// `MS-ASProtocolVersion` or the base64 version byte.
    pub protocol_version: ProtocolVersion,
    /// `X-MS-PolicyKey` or the base64 PolicyKey field. An empty header counts as absent.
    pub policy_key: Option<String>,
    /// The command parameters of the query.
    pub params: CommandParams,
    /// The WBXML body, when the command carries one and it was not empty.
    pub body: Option<Document>,
    /// The MIME body of SendMail/SmartReply/SmartForward before 14.0 (or whenever a client
    /// sends `message/rfc822`).
    pub mime: Option<Bytes>,
    /// The base64 locale, or en-US (0x0409) for the plain form, which has none.
    pub locale: u16,
    /// Which query form carried the request.
    pub form: QueryForm,
    /// The `User-Agent` header, for logs and device records.
    pub user_agent: Option<String>,
}

/// Why an HTTP request is not an ActiveSync request. Every variant is answered 400.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The method is neither POST (nor OPTIONS, which is not a command).
    #[error("method {0} is not POST")]
    Method(String),
    /// The query could not be read.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The plain form without `MS-ASProtocolVersion`.
    #[error("no MS-ASProtocolVersion header")]
    MissingVersion,
    /// `MS-ASProtocolVersion` names no version this server knows.
    #[error("MS-ASProtocolVersion {0:?} is not an ActiveSync version")]
    UnknownVersion(String),
    /// The body's content type is not `application/vnd.ms-sync.wbxml`.
    #[error("body of content type {0:?} where WBXML is expected")]
    NotWbxml(String),
    /// The body does not decode as ActiveSync WBXML.
    #[error("body is not ActiveSync WBXML: {0}")]
    Wbxml(WbxmlError),
    /// The body decodes but its root is not the command's element.
    #[error("{command} request whose body is <{found}>, expected <{expected}>")]
    WrongRoot {
        /// The command of the query.
        command: Command,
        /// The root element that command carries.
        expected: &'static str,
        /// The root element the body has.
        found: &'static str,
    },
    /// The client side could not build an HTTP request from it.
    #[error("cannot build the request: {0}")]
    Build(String),
}

impl EasRequest {
    /// A request with no body, no policy key and no parameters, in the plain form.
    pub fn new(command: Command, user: &str, device_id: &str, device_type: &str, version: ProtocolVersion) -> EasRequest {
        EasRequest {
            command,
            user: user.to_string(),
            device_id: device_id.to_string(),
            device_type: device_type.to_string(),
            protocol_version: version,
            policy_key: None,
            params: CommandParams::default(),
            body: None,
            mime: None,
            locale: DEFAULT_LOCALE,
            form: QueryForm::Plain,
            user_agent: None,
        }
    }

    /// With a WBXML body.
    pub fn with_body(mut self, body: Document) -> EasRequest {
        self.body = Some(body);
        self
    }

    /// With a policy key (None sends none).
    pub(crate) fn with_policy_key(mut self, key: Option<String>) -> EasRequest {
        self.policy_key = key;
        self
    }

    /// Reads a POST. OPTIONS is not a command and is answered before this is called.
    pub fn from_http(req: &Request) -> Result<EasRequest, RequestError> {
        if req.method() != ::http::Method::POST {
            return Err(RequestError::Method(req.method().to_string()));
        }
        let query_text = req.uri().query().unwrap_or("");
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_string());
        let header_key = header(header::POLICY_KEY).filter(|k| !k.is_empty());
        let mut r = if query_text.is_empty() || query::is_plain(query_text) {
            let q = query::parse_plain(query_text)?;
            let version_text = header(header::PROTOCOL_VERSION).ok_or(RequestError::MissingVersion)?;
            let version = ProtocolVersion::parse(&version_text).ok_or(RequestError::UnknownVersion(version_text))?;
            EasRequest {
                command: q.command,
                user: q.user,
                device_id: q.device_id,
                device_type: q.device_type,
                protocol_version: version,
                policy_key: header_key,
                params: q.params,
                body: None,
                mime: None,
                locale: DEFAULT_LOCALE,
                form: QueryForm::Plain,
                user_agent: None,
            }
        } else {
            let q = query::parse_base64(query_text)?;
            EasRequest {
                command: q.command,
                user: q.user.unwrap_or_default(),
                device_id: q.device_id,
                device_type: q.device_type,
                protocol_version: q.version,
                policy_key: q.policy_key.or(header_key),
                params: q.params,
                body: None,
                mime: None,
                locale: q.locale,
                form: QueryForm::Base64,
                user_agent: None,
            }
        };
        r.user_agent = header(::http::header::USER_AGENT.as_str());
        if header(header::ACCEPT_MULTIPART).is_some_and(|v| v.eq_ignore_ascii_case("T")) {
            r.params.accept_multipart = true;
        }
        let body = req.body();
        if !body.is_empty() {
            let content_type = header(::http::header::CONTENT_TYPE.as_str()).unwrap_or_default();
            let mime_type = content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(MIME_CONTENT_TYPE);
            if r.command.body_is_mime(r.protocol_version)
                || (mime_type && matches!(r.command, Command::SendMail | Command::SmartReply | Command::SmartForward))
            {
                r.mime = Some(body.clone());
            } else {
                let acceptable = content_type.is_empty()
                    || is_wbxml_content_type(&content_type)
                    || content_type.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/vnd.ms-sync"));
                if !acceptable {
                    return Err(RequestError::NotWbxml(content_type));
                }
                let doc = decode(body).map_err(RequestError::Wbxml)?;
                match r.command.root_tag() {
                    Some(expected) if expected != doc.root.tag => {
                        return Err(RequestError::WrongRoot { command: r.command, expected: expected.name(), found: doc.root.name() });
                    }
                    _ => {}
                }
                r.body = Some(doc);
            }
        }
        Ok(r)
    }

    /// The request in the plain query form, with the version and policy key as headers.
    /// `base_url` is the ActiveSync endpoint, e.g. `https://mail.example.test/Microsoft-Server-ActiveSync`.
    pub fn to_http(&self, base_url: &str) -> Result<Request, RequestError> {
        let q = PlainQuery {
            command: self.command,
            user: self.user.clone(),
            device_id: self.device_id.clone(),
            device_type: self.device_type.clone(),
            params: self.params.clone(),
        };
        let url = format!("{}?{}", base_url, query::encode_plain(&q));
        let mut b = ::http::Request::post(url).header(header::PROTOCOL_VERSION, self.protocol_version.as_str());
        if let Some(key) = &self.policy_key {
            b = b.header(header::POLICY_KEY, key.as_str());
        }
        if self.params.accept_multipart {
            b = b.header(header::ACCEPT_MULTIPART, "T");
        }
        self.finish(b)
    }

    /// The request in the base64 query form, which carries the version and policy key
    /// itself, so neither MS- header is sent. Only 12.1 and later may use it.
    pub fn to_http_base64(&self, base_url: &str) -> Result<Request, RequestError> {
        let q = Base64Query {
            version: self.protocol_version,
            command: self.command,
            locale: self.locale,
            device_id: self.device_id.clone(),
            policy_key: self.policy_key.clone(),
            device_type: self.device_type.clone(),
            user: Some(self.user.clone()).filter(|u| !u.is_empty()),
            params: self.params.clone(),
        };
        let encoded = query::encode_base64(&q)?;
        let url = format!("{}?{}", base_url, encoded.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D"));
        self.finish(::http::Request::post(url))
    }

    fn finish(&self, mut b: ::http::request::Builder) -> Result<Request, RequestError> {
        if let Some(agent) = &self.user_agent {
            b = b.header(::http::header::USER_AGENT, agent.as_str());
        }
        let body = if let Some(mime) = &self.mime {
            b = b.header(::http::header::CONTENT_TYPE, MIME_CONTENT_TYPE);
            mime.clone()
        } else if let Some(doc) = &self.body {
            b = b.header(::http::header::CONTENT_TYPE, WBXML_CONTENT_TYPE);
            Bytes::from(encode(doc).map_err(|e| RequestError::Build(e.to_string()))?)
        } else {
            Bytes::new()
        };
        b.body(body).map_err(|e| RequestError::Build(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{el, leaf, FolderHierarchy, Ping};

    fn folder_sync() -> Document {
        Document::new(el(FolderHierarchy::FolderSync, [leaf(FolderHierarchy::SyncKey, "0")]))
    }

    #[test]
    fn plain_form_round_trips_through_http() {
        let r = EasRequest::new(Command::FolderSync, "fakename", "v140Device", "SmartPhone", ProtocolVersion::V14_0)
            .with_policy_key(Some("3942919513".into()))
            .with_body(folder_sync());
        let http = r.to_http("https://contoso.example.test/Microsoft-Server-ActiveSync").unwrap();
        assert_eq!(
            http.uri().to_string(),
            "https://contoso.example.test/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=fakename&DeviceId=v140Device&DeviceType=SmartPhone"
        );
        assert_eq!(http.headers()[header::PROTOCOL_VERSION], "14.0");
        assert_eq!(http.headers()[header::POLICY_KEY], "3942919513");
        assert_eq!(http.headers()[::http::header::CONTENT_TYPE], WBXML_CONTENT_TYPE);
        assert_eq!(http.body().as_ref(), [0x03, 0x01, 0x6A, 0x00, 0x00, 0x07, 0x56, 0x52, 0x03, 0x30, 0x00, 0x01, 0x01]);
        assert_eq!(EasRequest::from_http(&http).unwrap(), r);
    }

    #[test]
    fn base64_form_round_trips_without_ms_headers() {
        let r = EasRequest::new(Command::Ping, "alice", "dev1", "iPhone", ProtocolVersion::V14_1)
            .with_policy_key(Some("12345".into()))
            .with_body(Document::new(el(Ping::Ping, [leaf(Ping::HeartbeatInterval, "480")])));
        let http = r.to_http_base64("https://m.example.test/Microsoft-Server-ActiveSync").unwrap();
        assert!(http.headers().get(header::PROTOCOL_VERSION).is_none());
        assert!(http.headers().get(header::POLICY_KEY).is_none());
        let back = EasRequest::from_http(&http).unwrap();
        assert_eq!(back.form, QueryForm::Base64);
        assert_eq!(EasRequest { form: QueryForm::Plain, ..back }, r);
    }

    #[test]
    fn malformed_requests_are_errors() {
        let post = |uri: &str, headers: &[(&str, &str)], body: &'static [u8]| {
            let mut b = ::http::Request::post(uri);
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            b.body(Bytes::from_static(body)).unwrap()
        };
        let q = "/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=u&DeviceId=d&DeviceType=t";
        assert_eq!(EasRequest::from_http(&post(q, &[], b"")), Err(RequestError::MissingVersion));
        assert!(matches!(EasRequest::from_http(&post(q, &[("MS-ASProtocolVersion", "3.0")], b"")), Err(RequestError::UnknownVersion(_))));
        let v = ("MS-ASProtocolVersion", "14.1");
        assert!(matches!(EasRequest::from_http(&post(q, &[v], b"\x03\x01\x6a\x00\x45")), Err(RequestError::Wbxml(_))));
        assert!(matches!(EasRequest::from_http(&post(q, &[v, ("Content-Type", "text/html")], b"<html>")), Err(RequestError::NotWbxml(_))));
        // A Sync body under Cmd=FolderSync.
        assert!(matches!(
            EasRequest::from_http(&post(q, &[v], &[0x03, 0x01, 0x6A, 0x00, 0x45, 0x01])),
            Err(RequestError::WrongRoot { .. })
        ));
        let get = ::http::Request::get(q).body(Bytes::new()).unwrap();
        assert!(matches!(EasRequest::from_http(&get), Err(RequestError::Method(_))));
        // An empty header key counts as no key; SendMail MIME passes through before 14.0.
        let r = EasRequest::from_http(&post(
            "/Microsoft-Server-ActiveSync?Cmd=SendMail&User=u&DeviceId=d&DeviceType=t&SaveInSent=T",
            &[("MS-ASProtocolVersion", "12.1"), ("X-MS-PolicyKey", ""), ("Content-Type", "message/rfc822")],
            b"Subject: hi\r\n\r\nbody",
        ))
        .unwrap();
        assert_eq!(r.policy_key, None);
        assert!(r.params.save_in_sent);
        assert_eq!(r.mime.as_deref(), Some(&b"Subject: hi\r\n\r\nbody"[..]));
    }
}
