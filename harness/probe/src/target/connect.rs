//! Opening a connection to a target as its checks need it: name resolution, TCP, TLS with the
//! configured trust, then an HTTP/1.1 client on it. Each stage that fails becomes a problem
//! line saying what to change; every wait has the check's timeout.

use super::config::Trust;
use super::report::{CheckLine, Step};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use mailconform_sim::tls::AcceptAnyServerCertificate;
use rustls::{CertificateError, RootCertStore};
use rustls_pki_types::ServerName;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// An HTTP/1.1 connection to the target, ready for requests.
pub(crate) struct Connection {
    sender: SendRequest<Full<Bytes>>,
    timeout: Duration,
    /// Where it goes and whom it trusts, to open it again.
    url: http::Uri,
    trust: Trust,
    /// Whether a request went on it already.
    used: bool,
}

/// An answer, read whole.
pub(crate) struct Answer {
    /// The status.
    pub status: http::StatusCode,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Answer {
    /// A header's value as text (empty when absent or not text).
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// `what` within `timeout`, or the problem of having waited that long.
async fn within<T>(timeout: Duration, what: impl Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(timeout, what).await.map_err(|_| format!("no answer within {} s", timeout.as_secs()))
}

/// Opens a connection to `url` with `trust`; the lines say how each stage went (the last one
/// is the problem when the result is `None`).
pub(crate) async fn open(url: &http::Uri, trust: &Trust, timeout: Duration) -> (Vec<CheckLine>, Option<Connection>) {
    let mut lines = Vec::new();
    let tls = url.scheme_str() == Some("https");
    let host = url.host().unwrap_or_default().trim_matches(|c| c == '[' || c == ']').to_string();
    let port = url.port_u16().unwrap_or(if tls { 443 } else { 80 });

    let addrs = match within(timeout, tokio::net::lookup_host((host.as_str(), port))).await {
        Ok(Ok(addrs)) => addrs.collect::<Vec<_>>(),
        Ok(Err(e)) => {
            lines.push(CheckLine::problem(
                Step::Resolve,
                format!("cannot resolve {host}: {e}"),
                "check the host name in url; it must resolve from this machine (DNS or /etc/hosts)",
            ));
            return (lines, None);
        }
        Err(waited) => {
            lines.push(CheckLine::problem(Step::Resolve, format!("resolving {host}: {waited}"), "check this machine's DNS server"));
            return (lines, None);
        }
    };
    let shown: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    lines.push(CheckLine::ok(Step::Resolve, format!("{host} is {}", shown.join(", "))));

    let mut last = String::new();
    let mut tcp = None;
    for addr in &addrs {
        match within(timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                tcp = Some((s, *addr));
                break;
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => last = format!("connection refused by {addr}"),
            Ok(Err(e)) => last = format!("cannot connect to {addr}: {e}"),
            Err(waited) => last = format!("connecting to {addr}: {waited}"),
        }
    }
    let Some((tcp, addr)) = tcp else {
        lines.push(CheckLine::problem(
            Step::Connect,
            last,
            format!("check the port in url ({port}) and that the server runs and listens on it; a firewall between here and {host} can also refuse or drop the connection"),
        ));
        return (lines, None);
    };
    lines.push(CheckLine::ok(Step::Connect, format!("TCP connection to {addr}")));

    let stream: Box<dyn Io> = if tls {
        match handshake(tcp, &host, trust, timeout).await {
            Ok((s, line)) => {
                lines.push(line);
                s
            }
            Err(line) => {
                lines.push(line);
                return (lines, None);
            }
        }
    } else {
        lines.push(CheckLine::ok(Step::Tls, "none: the url is plain http, nothing is encrypted"));
        Box::new(tcp)
    };

    match within(timeout, hyper::client::conn::http1::handshake(TokioIo::new(stream))).await {
        Ok(Ok((sender, conn))) => {
            tokio::spawn(conn);
            (lines, Some(Connection { sender, timeout, url: url.clone(), trust: trust.clone(), used: false }))
        }
        Ok(Err(e)) => {
            lines.push(CheckLine::problem(Step::Http, format!("cannot start HTTP/1.1: {e}"), "check that the url names an HTTP server"));
            (lines, None)
        }
        Err(waited) => {
            lines.push(CheckLine::problem(Step::Http, format!("starting HTTP: {waited}"), "check that the url names an HTTP server"));
            (lines, None)
        }
    }
}

impl Connection {
    /// Sends `req` (its URI absolute; sent in origin form with a `Host` header) and reads the
    /// whole answer, within the timeout.
    pub(crate) async fn send(&mut self, req: http::Request<Bytes>) -> Result<Answer, String> {
        let (mut parts, body) = req.into_parts();
        if let Some(authority) = parts.uri.authority() {
            let host = http::HeaderValue::from_str(authority.as_str()).map_err(|e| e.to_string())?;
            parts.headers.insert(http::header::HOST, host);
        }
        parts.uri = parts.uri.path_and_query().map_or("/", |p| p.as_str()).parse().map_err(|e: http::uri::InvalidUri| e.to_string())?;
        let answered = self.exchange(http::Request::from_parts(parts.clone(), Full::new(body.clone()))).await;
        match answered {
            // A server may close a connection after any answer (sogod closes it after every one,
            // without the `Connection: close` RFC 9112 9.3 asks for): a request on a reused
            // connection that got no answer at all goes once more on a new connection.
            Err(Exchange::Closed(_)) if self.used => {
                let (lines, conn) = open(&self.url, &self.trust, self.timeout).await;
                let Some(conn) = conn else {
                    let why = lines.into_iter().rev().find(CheckLine::is_problem).map_or_else(String::new, |l| l.text);
                    return Err(format!("the server closed the connection, and a new one failed: {why}"));
                };
                *self = conn;
                self.used = true;
                self.exchange(http::Request::from_parts(parts, Full::new(body))).await.map_err(Exchange::into_text)
            }
            other => {
                self.used = true;
                other.map_err(Exchange::into_text)
            }
        }
    }

    async fn exchange(&mut self, req: http::Request<Full<Bytes>>) -> Result<Answer, Exchange> {
        let exchange = async {
            self.sender.ready().await.map_err(|e| Exchange::Closed(format!("the connection closed: {e}")))?;
            let resp = self.sender.send_request(req).await.map_err(|e| Exchange::Closed(format!("no HTTP answer: {e}")))?;
            let (parts, body) = resp.into_parts();
            let body = body.collect().await.map_err(|e| Exchange::Failed(format!("the answer's body broke off: {e}")))?.to_bytes();
            Ok(Answer { status: parts.status, headers: parts.headers, body })
        };
        within(self.timeout, exchange).await.map_err(Exchange::Failed)?
    }
}

/// How an exchange failed: without any answer (the connection was closed, or reset) or later.
enum Exchange {
    Closed(String),
    Failed(String),
}

impl Exchange {
    fn into_text(self) -> String {
        match self {
            Exchange::Closed(t) | Exchange::Failed(t) => t,
        }
    }
}

/// The TLS handshake with `trust`; the line says what was verified, or which certificate
/// problem stopped it.
async fn handshake(
    tcp: tokio::net::TcpStream,
    host: &str,
    trust: &Trust,
    timeout: Duration,
) -> Result<(Box<dyn Io>, CheckLine), CheckLine> {
    let fix_tls = "check that this port serves HTTPS (for plain HTTP write http:// in url); `mailconform tls-probe HOST:PORT` shows the TLS versions it accepts";
    let config = client_config(trust).map_err(|e| CheckLine::problem(Step::Tls, e, fix_tls))?;
    let name = ServerName::try_from(host.to_string()).map_err(|e| {
        CheckLine::problem(Step::Tls, format!("{host} cannot be a TLS server name: {e}"), "write a host name or an IP address in url")
    })?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match within(timeout, connector.connect(name, tcp)).await {
        Ok(Ok(stream)) => {
            let (_, session) = stream.get_ref();
            let version = session.protocol_version().map_or("TLS".into(), |v| format!("{v:?}").replace('_', "."));
            let verified = match trust {
                Trust::Insecure => "certificate NOT verified (insecure = true): anyone could be answering".to_string(),
                Trust::System => format!("certificate valid for {host}, issued by a CA of the system's trust store"),
                Trust::Ca { path, .. } => format!("certificate valid for {host}, issued by a CA of {}", path.display()),
            };
            Ok((Box::new(stream), CheckLine::ok(Step::Tls, format!("{version}, {verified}"))))
        }
        Ok(Err(e)) => Err(tls_problem(&e, host, trust)),
        Err(waited) => Err(CheckLine::problem(Step::Tls, format!("TLS handshake: {waited}"), fix_tls)),
    }
}

/// Names the certificate problem that ended a handshake, and its fix.
fn tls_problem(e: &std::io::Error, host: &str, trust: &Trust) -> CheckLine {
    let trusted = match trust {
        Trust::System => "the system's trust store".to_string(),
        Trust::Ca { path, .. } => path.display().to_string(),
        Trust::Insecure => "nothing (insecure)".to_string(),
    };
    let Some(rustls_error) = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) else {
        return CheckLine::problem(
            Step::Tls,
            format!("the TLS handshake failed: {e}"),
            "check that this port serves HTTPS (for plain HTTP write http:// in url)",
        );
    };
    match rustls_error {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => CheckLine::problem(
            Step::Tls,
            format!("certificate chain problem: unknown issuer (the server's certificate is not issued by a CA of {trusted})"),
            match trust {
                Trust::Ca { path, .. } => format!("put the CA that issued the server's certificate in {} (and make the server send its intermediate certificates)", path.display()),
                _ => "set ca = \"FILE.pem\" for this target to the CA that issued the server's certificate (relative to the configuration file)".to_string(),
            },
        ),
        rustls::Error::InvalidCertificate(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }) => {
            CheckLine::problem(
                Step::Tls,
                format!("certificate chain problem: name mismatch (the server's certificate is not valid for {host}): {rustls_error}"),
                format!("use a host name in url that the certificate names, or reissue the certificate with {host} in its subjectAltName"),
            )
        }
        rustls::Error::InvalidCertificate(CertificateError::Expired | CertificateError::ExpiredContext { .. }) => CheckLine::problem(
            Step::Tls,
            format!("certificate chain problem: expired ({rustls_error})"),
            "renew the server's certificate (or check this machine's clock)",
        ),
        rustls::Error::InvalidCertificate(CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }) => {
            CheckLine::problem(
                Step::Tls,
                format!("certificate chain problem: not valid yet ({rustls_error})"),
                "check the clocks of this machine and of the server",
            )
        }
        rustls::Error::InvalidCertificate(other) => CheckLine::problem(
            Step::Tls,
            format!("certificate chain problem: {other:?}"),
            "have the server present a certificate chain for its name from a CA this target trusts",
        ),
        rustls::Error::AlertReceived(alert) => CheckLine::problem(
            Step::Tls,
            format!("the server ended the TLS handshake with the alert {alert:?}"),
            "the server and this client share no TLS version or cipher suite (this check speaks TLS 1.2 and 1.3); `mailconform tls-probe HOST:PORT` shows what it accepts",
        ),
        other => CheckLine::problem(
            Step::Tls,
            format!("the TLS handshake failed: {other}"),
            "check that this port serves HTTPS (for plain HTTP write http:// in url)",
        ),
    }
}

fn client_config(trust: &Trust) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("the TLS client cannot be set up: {e}"))?;
    let mut roots = RootCertStore::empty();
    let mut config = match trust {
        Trust::Insecure => {
            builder.dangerous().with_custom_certificate_verifier(Arc::new(AcceptAnyServerCertificate::new(provider))).with_no_client_auth()
        }
        Trust::System => {
            // Certificates the system store holds but rustls cannot parse are skipped: one odd
            // entry must not make every target unreachable.
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::Ca { certs, .. } => {
            roots.add_parsable_certificates(certs.iter().cloned());
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
