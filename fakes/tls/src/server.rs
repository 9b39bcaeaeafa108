//! The server side: a host that accepts exactly a configured set of versions, on OpenSSL.
//!
//! rustls (the simulation's TLS) refuses everything below TLS 1.2, so a host that must speak
//! SSL 3.0, TLS 1.0 or 1.1 gets its port 443 from here ([`LegacyServer`] is a
//! [`StreamAcceptor`]); HTTP on top stays the simulation's (hyper and the fake's handler).
//!
//! OpenSSL 3 allows SSL 3.0, TLS 1.0 and 1.1 only at security level 0, and ships with
//! `NO_SSLv3` semantics in its helpers: the context here sets level 0, clears every `NO_*`
//! version option and sets back only those for the holes of a non-contiguous set (SSL 3.0 and
//! TLS 1.2 without 1.0 and 1.1, say).

use crate::alert::Alert;
use crate::error::{Context as _, TlsError};
use crate::version::{Version, VersionSet};
use crate::wire::{self, AlertMessage, ClientHello};
use mailconform_sim::{AcceptFuture, BoxIo, Credential, HandshakeError, StreamAcceptor, TlsAlert, TlsPeer};
use openssl::pkey::PKey;
use openssl::ssl::{Ssl, SslContext, SslContextBuilder, SslMethod, SslOptions, SslVerifyMode};
use openssl::x509::X509;
use serde::Serialize;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// The suites a server of the SSL 3.0 era offered (RSA key exchange with CBC: all that SSL 3.0
/// can use with an RSA certificate), then what later clients prefer; `@SECLEVEL=0` because
/// OpenSSL 3 refuses SHA-1/MD5 handshake signatures (all TLS 1.0/1.1 have) above it.
pub(crate) const SERVER_CIPHERS: &str = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA:AES128-SHA256:DES-CBC3-SHA:@SECLEVEL=0";

/// What one accepted connection's handshake gave, server side.
#[derive(Clone, Debug, Serialize)]
pub struct ServerHandshake {
    /// What the ClientHello offered, read by [`crate::wire`].
    pub offered: Option<VersionSet>,
    /// The hello carried TLS_FALLBACK_SCSV (RFC 7507): the client is retrying lower.
    pub fallback_scsv: bool,
    /// The version the session settled on, when the handshake completed.
    pub version: Option<Version>,
    /// The negotiated suite's OpenSSL name.
    pub cipher: Option<String>,
    /// Why the handshake failed, in OpenSSL's or the hello reader's words.
    pub error: Option<String>,
}

/// Handshakes a server has done, for benches and for a control API.
#[derive(Default, Debug)]
pub struct ServerLog {
    /// Handshakes that completed.
    pub completed: AtomicU64,
    /// Handshakes that failed, for whatever reason.
    pub failed: AtomicU64,
    recent: Mutex<Vec<ServerHandshake>>,
}

impl ServerLog {
    const KEEP: usize = 256;

    fn push(&self, h: ServerHandshake) {
        if h.error.is_some() { &self.failed } else { &self.completed }.fetch_add(1, Ordering::Relaxed);
        let mut r = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if r.len() == Self::KEEP {
            r.remove(0);
        }
        r.push(h);
    }

    /// The last handshakes, oldest first.
    pub fn recent(&self) -> Vec<ServerHandshake> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Sets `ctx` to exactly `versions`: min and max, the holes as `NO_*` options, level 0.
pub(crate) fn restrict(ctx: &mut SslContextBuilder, versions: VersionSet) -> Result<(), TlsError> {
    let (Some(lo), Some(hi)) = (versions.min(), versions.max()) else { return Err(TlsError::NoVersions) };
    ctx.set_security_level(0);
    ctx.clear_options(SslOptions::NO_SSL_MASK);
    ctx.set_min_proto_version(Some(lo.openssl())).ctx("set the lowest protocol version")?;
    ctx.set_max_proto_version(Some(hi.openssl())).ctx("set the highest protocol version")?;
    let mut holes = SslOptions::empty();
    for v in VersionSet::range(lo, hi).iter().filter(|v| !versions.contains(*v)) {
        holes |= match v {
            Version::Ssl3 => SslOptions::NO_SSLV3,
            Version::Tls10 => SslOptions::NO_TLSV1,
            Version::Tls11 => SslOptions::NO_TLSV1_1,
            Version::Tls12 => SslOptions::NO_TLSV1_2,
            Version::Tls13 => SslOptions::NO_TLSV1_3,
        };
    }
    ctx.set_options(holes);
    Ok(())
}

/// A TLS server on OpenSSL that accepts exactly `versions`.
pub struct LegacyServer {
    ctx: SslContext,
    versions: VersionSet,
    /// Every handshake this server did, shared with whoever watches it.
    pub log: Arc<ServerLog>,
}

impl LegacyServer {
    /// `credential` must hold an RSA key when `versions` has SSL 3.0 (see
    /// `CertAuthority::server_leaf_rsa`).
    pub fn new(versions: VersionSet, credential: &Credential) -> Result<Self, TlsError> {
        let mut ctx = SslContextBuilder::new(SslMethod::tls_server()).ctx("create a server context")?;
        restrict(&mut ctx, versions)?;
        ctx.set_cipher_list(SERVER_CIPHERS).ctx("set the server's cipher suites")?;
        let mut chain = X509::stack_from_pem(credential.cert_pem.as_bytes()).ctx("read the certificate PEM")?.into_iter();
        let leaf = chain.next().ok_or_else(|| TlsError::Usage("the server credential has no certificate".into()))?;
        ctx.set_certificate(&leaf).ctx("use the certificate")?;
        for c in chain {
            ctx.add_extra_chain_cert(c).ctx("add a chain certificate")?;
        }
        let key = PKey::private_key_from_pem(credential.key_pem.as_bytes()).ctx("read the private key PEM")?;
        ctx.set_private_key(&key).ctx("use the private key")?;
        ctx.check_private_key().ctx("match the key to the certificate")?;
        ctx.set_verify(SslVerifyMode::NONE);
        // HTTP/1.1 is what servers of that era spoke; a client offering h2 as well (curl) is told
        // so through ALPN rather than left to guess.
        ctx.set_alpn_select_callback(|_, offered| {
            openssl::ssl::select_next_proto(b"\x08http/1.1", offered).ok_or(openssl::ssl::AlpnError::NOACK)
        });
        Ok(LegacyServer { ctx: ctx.build(), versions, log: Arc::default() })
    }

    /// The versions it accepts.
    pub fn versions(&self) -> VersionSet {
        self.versions
    }
}

/// Reads the client's bytes up to a whole ClientHello. Malformed input is answered here with
/// the alert [`crate::wire`] gives it.
async fn read_client_hello(io: &mut BoxIo) -> Result<(Vec<u8>, ClientHello), HandshakeError> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match ClientHello::parse(&buf) {
            Ok(Some(h)) => return Ok((buf, h)),
            Ok(None) => {}
            Err(e) => {
                let _ = io.write_all(&AlertMessage { level: 2, description: e.alert }.encode(0x0301)).await;
                return Err(HandshakeError { reason: format!("bad ClientHello: {e}"), alert: Some(sent(e.alert)) });
            }
        }
        let n = io.read(&mut chunk).await.map_err(|e| HandshakeError::without_alert(e.to_string()))?;
        if n == 0 {
            return Err(HandshakeError::without_alert("the client closed before its ClientHello was complete"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// An alert this server sent.
fn sent(alert: Alert) -> TlsAlert {
    TlsAlert { alert: alert.name(), from: TlsPeer::Server }
}

/// A stream that first gives back bytes already read from it.
struct Prefixed {
    prefix: Vec<u8>,
    at: usize,
    inner: BoxIo,
}

impl AsyncRead for Prefixed {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        if self.at < self.prefix.len() {
            let n = buf.remaining().min(self.prefix.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.prefix[at..at + n]);
            self.at += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl StreamAcceptor for LegacyServer {
    fn accept(&self, mut io: BoxIo) -> AcceptFuture {
        let ssl = Ssl::new(&self.ctx);
        let log = self.log.clone();
        let versions = self.versions;
        Box::pin(async move {
            let ssl = ssl.map_err(|e| HandshakeError::without_alert(e.to_string()))?;
            let (prefix, hello) = read_client_hello(&mut io).await?;
            let offered = hello.offered().ok();
            let fallback_scsv = hello.has_fallback_scsv();
            // SSL 3.0 has no protocol_version alert (RFC 6101 §5.4.2): an SSL 3.0-only server that
            // shares no version with a client (one whose supported_versions leaves SSL 3.0 out)
            // refuses with handshake_failure, where OpenSSL would send protocol_version.
            if versions.max() == Some(Version::Ssl3) {
                if let Err(alert) = wire::negotiate(versions, &hello) {
                    let _ = io.write_all(&AlertMessage { level: 2, description: alert }.encode(0x0300)).await;
                    let _ = io.shutdown().await;
                    log.push(ServerHandshake {
                        offered,
                        fallback_scsv,
                        version: None,
                        cipher: None,
                        error: Some(format!("no common version: sent {alert}")),
                    });
                    return Err(HandshakeError {
                        reason: format!("no version in common with the client: sent {alert}"),
                        alert: Some(sent(alert)),
                    });
                }
            }
            let io: BoxIo = Box::new(Prefixed { prefix, at: 0, inner: io });
            let mut stream = tokio_openssl::SslStream::new(ssl, io).map_err(|e| HandshakeError::without_alert(e.to_string()))?;
            let outcome = Pin::new(&mut stream).accept().await;
            let s = stream.ssl();
            let record = ServerHandshake {
                offered,
                fallback_scsv,
                version: s.version2().and_then(Version::from_openssl),
                cipher: s.current_cipher().map(|c| c.name().to_string()),
                error: outcome.as_ref().err().map(|e| e.to_string()),
            };
            log.push(record);
            match outcome {
                Ok(()) => Ok(Box::new(stream) as BoxIo),
                Err(e) => Err(HandshakeError::without_alert(format!("TLS handshake failed: {e}"))),
            }
        })
    }
}

/// Moves `host`'s port 443 in `sim` to a [`LegacyServer`] accepting exactly `versions`, with an
/// RSA certificate from the run's CA; the host's handler (HTTP), faults and port 80 stay.
pub fn serve_in_simulation(sim: &mut mailconform_sim::Simulation, host: &str, versions: VersionSet) -> Result<Arc<LegacyServer>, TlsError> {
    let leaf = {
        let _rt = sim.enter();
        sim.pki.ca.server_leaf_rsa(&[host, "localhost", "127.0.0.1"], sim.clock.offset_date_time())?
    };
    let server = Arc::new(LegacyServer::new(versions, &leaf)?);
    sim.use_tls_acceptor(host, Arc::new(SharedServer(server.clone())))?;
    Ok(server)
}

/// An `Arc<LegacyServer>` as an acceptor, so the caller keeps the server's log.
pub struct SharedServer(pub Arc<LegacyServer>);

impl StreamAcceptor for SharedServer {
    fn accept(&self, io: BoxIo) -> AcceptFuture {
        self.0.accept(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::first_alert;
    use crate::Alert;

    fn server(versions: &str) -> LegacyServer {
        let now = time::OffsetDateTime::now_utc();
        let pki = mailconform_sim::Pki::new(now).unwrap();
        let leaf = pki.ca.server_leaf_rsa(&["traveler.example.test"], now).unwrap();
        LegacyServer::new(VersionSet::parse(versions).unwrap(), &leaf).unwrap()
    }

    /// What the server answers to `bytes` sent as the start of a connection.
    fn answer(s: &LegacyServer, bytes: &[u8]) -> Vec<u8> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (mut c, io) = tokio::io::duplex(64 * 1024);
            let accept = tokio::spawn(s.accept(Box::new(io)));
            c.write_all(bytes).await.unwrap();
            c.shutdown().await.unwrap();
            assert!(accept.await.unwrap().is_err(), "the handshake must fail");
            let mut out = Vec::new();
            let _ = c.read_to_end(&mut out).await;
            out
        })
    }

    #[test]
    fn garbage_gets_the_protocols_alert_not_a_panic() {
        let s = server("ssl3,tls1.0");
        let plain_http = answer(&s, b"OPTIONS /traveler HTTP/1.1\r\n\r\n");
        assert_eq!(first_alert(&plain_http).unwrap().description, Alert::UnexpectedMessage);
        let sslv2_hello = answer(&s, &[0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15]);
        assert_eq!(first_alert(&sslv2_hello).unwrap().description, Alert::ProtocolVersion);
        let truncated = answer(&s, &[22, 3, 1, 0, 10, 1, 0, 0, 6, 3, 1, 0, 0, 0, 0]);
        assert_eq!(first_alert(&truncated).unwrap().description, Alert::DecodeError);
        assert_eq!(s.log.completed.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn an_ssl3_only_server_refuses_with_handshake_failure() {
        let s = server("ssl3");
        let hello = ClientHello::offering(VersionSet::parse("tls1.0 to tls1.3").unwrap(), &[0x002f], false).encode();
        let out = answer(&s, &hello);
        let alert = first_alert(&out).unwrap();
        assert_eq!((alert.level, alert.description), (2, Alert::HandshakeFailure));
        let recent = s.log.recent();
        assert_eq!(recent[0].offered, Some(VersionSet::parse("tls1.0 to tls1.3").unwrap()));
    }
}
