//! The client side: a TLS client on OpenSSL that offers exactly a set of versions (a device
//! profile under a policy, or a probe), and reports what the handshake itself negotiated —
//! read from the session and from the ServerHello bytes on the wire — and, on failure, the
//! alert and who sent it.

use crate::alert::Alert;
use crate::error::{Context as _, TlsError};
use crate::server::restrict;
use crate::tap::{Captured, Tap};
use crate::version::{Version, VersionSet};
use crate::wire::{self, ServerHello};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use openssl::ssl::{Ssl, SslContextBuilder, SslMethod, SslMode, SslVerifyMode};
use openssl::x509::X509;
use serde::Serialize;
use std::pin::Pin;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_openssl::SslStream;

/// What the devices of that era offered: ECDHE with AES-GCM or CBC first where the version has
/// them, then the RSA-key-exchange CBC suites (the only ones SSL 3.0 can use with an RSA
/// certificate). `@SECLEVEL=0`: OpenSSL 3 refuses SSL 3.0 to TLS 1.1 at any higher level.
pub const DEVICE_CIPHERS: &str = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0";

/// Everything OpenSSL knows, for probing a server whatever it runs.
pub const PROBE_CIPHERS: &str = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";

/// What a client offers and whom it expects.
#[derive(Clone, Debug)]
pub struct ClientOffer {
    /// Exactly the versions the client enables (a hole in the range stays disabled).
    pub versions: VersionSet,
    /// Signal a fallback retry with TLS_FALLBACK_SCSV (RFC 7507).
    pub fallback_scsv: bool,
    /// SNI and the name the certificate must carry.
    pub server_name: String,
    /// Trust anchor (PEM); `None` accepts any certificate (a probe).
    pub ca_pem: Option<String>,
    /// Check certificate validity at this Unix time (the simulation's virtual clock) instead of now.
    pub unix_time: Option<i64>,
    /// OpenSSL cipher list ([`DEVICE_CIPHERS`] or [`PROBE_CIPHERS`]).
    pub ciphers: &'static str,
}

impl ClientOffer {
    /// A device's offer of `versions` to `server_name`: device ciphers, no fallback signal,
    /// any certificate accepted until [`ClientOffer::ca_pem`] is set.
    pub fn new(versions: VersionSet, server_name: &str) -> Self {
        ClientOffer {
            versions,
            fallback_scsv: false,
            server_name: server_name.to_string(),
            ca_pem: None,
            unix_time: None,
            ciphers: DEVICE_CIPHERS,
        }
    }
}

/// Which end sent an alert: the simulation's own type, so an alert seen here is the one a
/// client role publishes.
pub use mailconform_sim::TlsPeer as Side;

/// An alert that crossed the wire during a handshake, and which end sent it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SeenAlert {
    /// The alert's description.
    pub alert: Alert,
    /// Who sent it: the client refusing the server's choice, or the server refusing the hello.
    pub from: Side,
}

impl SeenAlert {
    /// The alert as the simulation's HTTP client reports it in [`mailconform_sim::SimError::Tls`].
    pub(crate) fn to_sim(self) -> mailconform_sim::TlsAlert {
        mailconform_sim::TlsAlert { alert: self.alert.name(), from: self.from }
    }
}

/// Why a handshake failed, one case per thing an administrator does about it. The words for
/// people are [`Handshake::reason`]; this is what a check compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HandshakeFailure {
    /// The server chose a version the client does not offer, and the client ended the handshake.
    VersionNotOffered {
        /// The version the ServerHello named.
        chosen: Version,
    },
    /// The server refused a ClientHello carrying TLS_FALLBACK_SCSV below the server's own highest
    /// version (RFC 7507).
    InappropriateFallback,
    /// The server refused the ClientHello: it speaks none of the offered versions.
    NoCommonVersion,
    /// The client ended the handshake for another reason (a certificate it does not trust ...).
    EndedByClient {
        /// The alert the client sent.
        alert: Alert,
    },
    /// The connection closed without an alert.
    NoAlert,
}

/// One handshake as the client saw it.
#[derive(Clone, Debug, Serialize)]
pub struct Handshake {
    /// The versions the client enabled.
    pub offered: VersionSet,
    /// The session's version once the handshake completed (SSL_version).
    pub negotiated: Option<Version>,
    /// The version the ServerHello on the wire settled on (supported_versions for TLS 1.3).
    pub server_hello: Option<Version>,
    /// The negotiated suite's OpenSSL name, once the handshake completed.
    pub cipher: Option<String>,
    /// RFC 8446's downgrade sentinel in the ServerHello random, if the server put one there.
    pub downgrade_sentinel: Option<Version>,
    /// The first alert on the wire, from either end.
    pub alert: Option<SeenAlert>,
    /// OpenSSL's complaint when the handshake failed.
    pub error: Option<String>,
}

impl Handshake {
    /// Whether the handshake finished with a session and no error.
    pub fn completed(&self) -> bool {
        self.negotiated.is_some() && self.error.is_none()
    }

    /// "TLS 1.2", or "protocol_version from the client": a matrix cell.
    pub fn result(&self) -> String {
        match (self.negotiated, self.alert) {
            (Some(v), _) if self.error.is_none() => v.name().to_string(),
            (_, Some(a)) => format!("{} from the {}", a.alert, a.from),
            _ => "no alert (connection closed)".to_string(),
        }
    }

    /// Why the handshake failed; `None` when it completed.
    pub fn failure(&self) -> Option<HandshakeFailure> {
        if self.completed() {
            return None;
        }
        Some(match (self.alert, self.server_hello) {
            (Some(SeenAlert { from: Side::Client, .. }), Some(v)) if !self.offered.contains(v) => {
                HandshakeFailure::VersionNotOffered { chosen: v }
            }
            (Some(SeenAlert { from: Side::Server, alert: Alert::InappropriateFallback }), _) => HandshakeFailure::InappropriateFallback,
            (Some(SeenAlert { from: Side::Server, .. }), _) => HandshakeFailure::NoCommonVersion,
            (Some(SeenAlert { from: Side::Client, alert }), _) => HandshakeFailure::EndedByClient { alert },
            (None, _) => HandshakeFailure::NoAlert,
        })
    }

    /// Why the handshake failed, in words a deployment's administrator can act on.
    pub fn reason(&self) -> String {
        let alert = self.alert.map(|a| a.alert.name()).unwrap_or_default();
        let error = self.error.clone().unwrap_or_default();
        match self.failure() {
            None => format!("negotiated {}", self.result()),
            Some(HandshakeFailure::VersionNotOffered { chosen }) => {
                format!("the server chose {chosen}, which the client does not offer (it offered {}): the client sent {alert} and closed", self.offered)
            }
            Some(HandshakeFailure::InappropriateFallback) => format!(
                "the server refused the ClientHello (offering {}) with inappropriate_fallback: it carried TLS_FALLBACK_SCSV although the server speaks a higher version (RFC 7507)",
                self.offered
            ),
            Some(HandshakeFailure::NoCommonVersion) => {
                format!("the server refused the ClientHello (offering {}) with {alert}: it speaks none of those versions", self.offered)
            }
            Some(HandshakeFailure::EndedByClient { alert }) => format!("the client ended the handshake with {alert}: {error}"),
            Some(HandshakeFailure::NoAlert) => format!("the handshake failed without an alert: {error}"),
        }
    }
}

/// Runs the client side of a handshake on `io`. The stream is returned when the handshake
/// completed, for the application data (HTTP) that follows.
pub async fn connect<S>(io: S, offer: &ClientOffer) -> Result<(Handshake, Option<SslStream<Tap<S>>>), TlsError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut ctx = SslContextBuilder::new(SslMethod::tls_client()).ctx("create a client context")?;
    restrict(&mut ctx, offer.versions)?;
    ctx.set_cipher_list(offer.ciphers).ctx("set the client's cipher suites")?;
    if offer.fallback_scsv {
        ctx.set_mode(SslMode::SEND_FALLBACK_SCSV);
    }
    match &offer.ca_pem {
        Some(pem) => {
            for ca in X509::stack_from_pem(pem.as_bytes()).ctx("read the CA PEM")? {
                ctx.cert_store_mut().add_cert(ca).ctx("trust the CA")?;
            }
            ctx.set_verify(SslVerifyMode::PEER);
        }
        None => ctx.set_verify(SslVerifyMode::NONE),
    }
    let ctx = ctx.build();
    let mut ssl = Ssl::new(&ctx).ctx("create a connection")?;
    if offer.server_name.parse::<std::net::IpAddr>().is_err() {
        ssl.set_hostname(&offer.server_name).ctx("set the server name (SNI)")?;
    }
    if offer.ca_pem.is_some() {
        let param = ssl.param_mut();
        match offer.server_name.parse::<std::net::IpAddr>() {
            Ok(ip) => param.set_ip(ip).ctx("expect the server's address")?,
            Err(_) => param.set_host(&offer.server_name).ctx("expect the server's name")?,
        }
        if let Some(t) = offer.unix_time {
            param.set_time(t as _);
        }
    }
    let captured = Captured::default();
    let mut stream = SslStream::new(ssl, Tap { inner: io, captured: captured.clone() }).ctx("wrap the stream")?;
    let outcome = Pin::new(&mut stream).connect().await;
    let from_server = captured.read_bytes();
    let from_client = captured.written_bytes();
    let hello = ServerHello::parse(&from_server).ok().flatten();
    let alert = match wire::first_alert(&from_server) {
        Some(a) => Some(SeenAlert { alert: a.description, from: Side::Server }),
        None => wire::first_alert(&from_client).map(|a| SeenAlert { alert: a.description, from: Side::Client }),
    };
    let s = stream.ssl();
    let mut h = Handshake {
        offered: offer.versions,
        negotiated: None,
        server_hello: hello.as_ref().and_then(ServerHello::negotiated),
        cipher: None,
        downgrade_sentinel: hello.as_ref().and_then(ServerHello::downgrade_sentinel),
        alert,
        error: None,
    };
    match outcome {
        Ok(()) => {
            h.negotiated = s.version2().and_then(Version::from_openssl);
            h.cipher = s.current_cipher().map(|c| c.name().to_string());
            Ok((h, Some(stream)))
        }
        Err(e) => {
            h.error = Some(e.to_string());
            Ok((h, None))
        }
    }
}

/// Sends one HTTP/1.1 request over an established stream and reads the whole answer.
pub async fn http1_request<S>(stream: S, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, TlsError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|source| TlsError::Http { stage: "handshake", source })?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let resp = send.send_request(req.map(Full::new)).await.map_err(|source| TlsError::Http { stage: "request", source })?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.map_err(|source| TlsError::Http { stage: "body", source })?.to_bytes();
    driver.abort();
    Ok(http::Response::from_parts(parts, body))
}
