//! The fake KDC as a simulation host (`kdc.example.test`): Kerberos itself on port 88
//! ([`KerberosTcp`]), and an HTTP API of the fake's own, through which a served SEG obtains
//! tickets and steps read and change the KDC's accounts. [`contract`] lists its routes and
//! bodies and holds the typed clients.

pub mod contract;

use crate::error::AuthError;
use crate::kerberos::{IssuedTicket, Kdc};
use crate::krb5::{Account, KdcService, Principal, Realm};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use contract::{Delegation, KdcErrorBody, KdcTicket, Op, UserAdded, API_ROUTES, CONTROL_ROUTES};
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::{BoxIo, ConnInfo, Handler, HandlerFuture, Request, Response, ServiceFuture, StreamService};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub use contract::{KdcClient, KdcControl};

/// The KDC's HTTP side.
pub struct KdcServer(pub Arc<Kdc>);

/// The KDC's Kerberos side: RFC 4120 over TCP (port 88), one request and its answer per
/// connection, as a domain controller answers kinit or a SEG. It follows the KDC the role
/// holds now ([`KdcSlot::set`]: a reset of a served KDC starts a fresh one).
pub struct KerberosTcp(KdcService<Arc<KdcSlot>>);

/// The KDC a role holds now.
pub struct KdcSlot(Mutex<Arc<Kdc>>);

impl KdcSlot {
    /// A slot holding `kdc`.
    pub fn new(kdc: Arc<Kdc>) -> Arc<Self> {
        Arc::new(KdcSlot(Mutex::new(kdc)))
    }

    /// From now on, `kdc` answers.
    pub fn set(&self, kdc: Arc<Kdc>) {
        *self.0.lock().expect("kdc slot poisoned") = kdc;
    }

    fn current(&self) -> Arc<Kdc> {
        self.0.lock().expect("kdc slot poisoned").clone()
    }
}

impl Realm for KdcSlot {
    fn realm(&self) -> String {
        self.current().realm()
    }
    fn account(&self, principal: &Principal) -> Option<Account> {
        Realm::account(&*self.current(), principal)
    }
    fn krbtgt_password(&self) -> String {
        self.current().krbtgt_password()
    }
    fn now(&self) -> u64 {
        Realm::now(&*self.current())
    }
    fn lifetime(&self) -> u64 {
        Realm::lifetime(&*self.current())
    }
    fn random(&self, len: usize) -> Vec<u8> {
        self.current().random(len)
    }
    fn record_issued(&self, client: &str, service: &str, delegated_by: Option<&str>, end_time: u64) {
        Realm::record_issued(&*self.current(), client, service, delegated_by, end_time)
    }
}

/// The largest request read: a KDC refuses more (Heimdal's limit).
const MAX_REQUEST: u32 = 64 * 1024;
/// How long a connection may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl KerberosTcp {
    /// The Kerberos side of the KDC in `slot`.
    pub fn new(slot: Arc<KdcSlot>) -> Self {
        KerberosTcp(KdcService::new(slot))
    }
}

impl StreamService for KerberosTcp {
    fn serve(self: Arc<Self>, mut io: BoxIo) -> ServiceFuture {
        Box::pin(async move {
            let read = async {
                let mut length = [0u8; 4];
                io.read_exact(&mut length).await.ok()?;
                // The high bit announces an extension this KDC does not speak (RFC 4120 §7.2.2).
                let length = u32::from_be_bytes(length);
                if length > MAX_REQUEST {
                    return None;
                }
                let mut request = vec![0; length as usize];
                io.read_exact(&mut request).await.ok()?;
                Some(request)
            };
            let Ok(Some(request)) = tokio::time::timeout(REQUEST_TIMEOUT, read).await else { return };
            let answer = self.0.answer(&request);
            let Ok(length) = u32::try_from(answer.len()) else { return };
            let mut framed = length.to_be_bytes().to_vec();
            framed.extend_from_slice(&answer);
            if io.write_all(&framed).await.is_ok() {
                let _ = io.shutdown().await;
            }
        })
    }
}

impl Handler for KdcServer {
    fn handle(&self, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let kdc = self.0.clone();
        Box::pin(async move { answer(&kdc, req) })
    }
}

fn answer(kdc: &Kdc, req: Request) -> Response {
    let path = req.uri().path();
    let routes = if CONTROL_ROUTES.covers(path) { CONTROL_ROUTES } else { API_ROUTES };
    let (op, args) = match routes.find(req.method().as_str(), path) {
        Ok(found) => found,
        Err(answer) => return *answer,
    };
    let body = req.body();
    match op {
        Op::Ticket => match parse::<contract::TicketRequest>(body) {
            Ok(t) => issued(kdc.ticket(&t.client, &t.password, &t.service)),
            Err(answer) => *answer,
        },
        Op::S4u => match parse::<contract::S4uRequest>(body) {
            Ok(t) => issued(kdc.s4u(&t.service, &t.password, &t.user, &t.target)),
            Err(answer) => *answer,
        },
        Op::Principals => reply(200, &kdc.principals()),
        Op::AddUser => match parse::<contract::NewUser>(body) {
            Ok(u) => {
                kdc.add_user(&u.upn, &u.password);
                reply(201, &UserAdded { upn: u.upn })
            }
            Err(answer) => *answer,
        },
        Op::AddService => match parse::<contract::NewService>(body) {
            Ok(s) => {
                kdc.add_service(&s.spn, &s.password, &s.allowed_to_delegate.iter().map(String::as_str).collect::<Vec<_>>());
                reply(201, &Delegation { spn: s.spn, allowed_to_delegate: s.allowed_to_delegate })
            }
            Err(answer) => *answer,
        },
        Op::SetDelegation => {
            let spn = format!("{}/{}", args.get("class"), args.get("host"));
            let change = match parse::<contract::DelegationChange>(body) {
                Ok(c) => c,
                Err(answer) => return *answer,
            };
            match kdc.set_delegation(&spn, &change.allowed_to_delegate) {
                Ok(()) => reply(200, &Delegation { spn, allowed_to_delegate: change.allowed_to_delegate }),
                Err(e) => error(404, e.to_string()),
            }
        }
        Op::Issued => match mailconform_sim::PageQuery::parse(req.uri().query()) {
            Ok(q) => reply(200, &kdc.issued_page(&q)),
            Err(e) => error(400, e),
        },
    }
}

fn issued(r: Result<IssuedTicket, AuthError>) -> Response {
    match r {
        Ok(t) => reply(
            200,
            &KdcTicket {
                client: t.info.client.clone(),
                service: t.info.service.clone(),
                end_time: t.info.end_time,
                delegated_by: t.info.delegated_by.clone(),
                authorization: t.authorization(),
                negotiate: B64.encode(t.negotiate_token()),
                ticket: B64.encode(&t.ap_req),
            },
        ),
        Err(e) => {
            let (status, code) = match &e {
                AuthError::PreauthFailed(_) => (401, "KDC_ERR_PREAUTH_FAILED"),
                AuthError::UnknownPrincipal(_) => (404, "KDC_ERR_S_PRINCIPAL_UNKNOWN"),
                AuthError::DelegationNotAllowed { .. } => (403, "KDC_ERR_BADOPTION"),
                _ => (400, "KRB_ERR_GENERIC"),
            };
            reply(status, &KdcErrorBody { error: code.into(), message: e.to_string() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kerberos::{Keytab, DEFAULT_REALM};
    use mailconform_sim::{Clock, SeededRng};
    use serde_json::{json, Value};

    fn post(path: &str, body: Value) -> Request {
        http::Request::builder().method("POST").uri(path).body(bytes::Bytes::from(body.to_string())).unwrap()
    }

    #[tokio::test]
    async fn issues_over_http_and_refuses_with_kerberos_errors() {
        let clock = Clock::simulated();
        let kdc = Arc::new(Kdc::new(DEFAULT_REALM, clock.clone(), SeededRng::new(3)));
        let server = KdcServer(kdc.clone());
        let call = |r: Request| server.handle(r, ConnInfo::default());
        assert_eq!(call(post("/_mailconform/users", json!({"upn": "alice@example.test", "password": "alice-pw"}))).await.status(), 201);
        assert_eq!(call(post("/_mailconform/services", json!({"spn": "HTTP/mail.example.test", "password": "m"}))).await.status(), 201);
        assert_eq!(
            call(post(
                "/_mailconform/services",
                json!({"spn": "HTTP/seg.example.test", "password": "s", "allowed_to_delegate": ["HTTP/mail.example.test"]})
            ))
            .await
            .status(),
            201
        );

        let r = call(post(
            "/kdc/v1/s4u",
            json!({"service": "HTTP/seg.example.test", "password": "s", "user": "alice@example.test", "target": "HTTP/mail.example.test"}),
        ))
        .await;
        assert_eq!(r.status(), 200);
        let v: KdcTicket = serde_json::from_slice(r.body()).unwrap();
        let ap_req = B64.decode(&v.ticket).unwrap();
        let info = Keytab::new(DEFAULT_REALM, "HTTP/mail.example.test", "m").accept(&ap_req, clock.unix_secs()).unwrap();
        assert_eq!(info.delegated_by.as_deref(), Some("HTTP/seg.example.test"));
        assert!(v.authorization.starts_with("Negotiate YI"));

        let r =
            call(post("/kdc/v1/ticket", json!({"client": "alice@example.test", "password": "bad", "service": "HTTP/mail.example.test"})))
                .await;
        assert_eq!(r.status(), 401);
        let refusal: KdcErrorBody = serde_json::from_slice(r.body()).unwrap();
        assert_eq!(refusal.error, "KDC_ERR_PREAUTH_FAILED");
        let put = http::Request::builder()
            .method("PUT")
            .uri("/_mailconform/services/HTTP/seg.example.test/delegation")
            .body(bytes::Bytes::from(r#"{"allowed_to_delegate":[]}"#))
            .unwrap();
        assert_eq!(call(put).await.status(), 200);
        let r = call(post(
            "/kdc/v1/s4u",
            json!({"service": "HTTP/seg.example.test", "password": "s", "user": "alice@example.test", "target": "HTTP/mail.example.test"}),
        ))
        .await;
        assert_eq!(r.status(), 403);
        assert_eq!(call(post("/kdc/v1/ticket", json!({}))).await.status(), 400, "a body without the fields is refused");
        assert_eq!(call(post("/kdc/v1/nothing", json!({}))).await.status(), 404);
        let bad = http::Request::builder().method("POST").uri("/kdc/v1/ticket").body(bytes::Bytes::from("{")).unwrap();
        assert_eq!(call(bad).await.status(), 400);
    }

    /// The KDC's Kerberos side on a TCP port of this machine: its address.
    async fn kerberos_on_a_port(kdc: Arc<Kdc>) -> String {
        let service = Arc::new(KerberosTcp::new(KdcSlot::new(kdc)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(service.clone().serve(Box::new(stream)));
            }
        });
        addr
    }

    #[tokio::test]
    async fn speaks_kerberos_over_tcp_with_s4u_and_refuses_as_a_kdc_does() {
        use crate::krb5::{Krb5Client, Krb5Error, Principal};
        let clock = Clock::simulated();
        let kdc = Arc::new(Kdc::new(DEFAULT_REALM, clock.clone(), SeededRng::new(5)));
        kdc.add_user("alice@example.test", "alice-pw");
        kdc.add_service("HTTP/mail.example.test", "m", &[]);
        kdc.add_service("HTTP/seg.example.test", "s", &["HTTP/mail.example.test"]);
        kdc.add_service("HTTP/other.example.test", "o", &[]);
        let client = Krb5Client::new(&kerberos_on_a_port(kdc.clone()).await, DEFAULT_REALM, Duration::from_secs(5));
        let now = clock.unix_secs();

        // SEG's whole constrained delegation, and Exchange's keytab opens the ticket.
        let ap_req = client.delegate("HTTP/seg.example.test", "s", "alice@example.test", "HTTP/mail.example.test", now).await.unwrap();
        let info = kdc.keytab("HTTP/mail.example.test").unwrap().accept(&ap_req, now).unwrap();
        assert_eq!(info.client, "alice@example.test");
        let delegated: Vec<_> = kdc.issued().into_iter().filter(|r| r.service == "HTTP/mail.example.test").collect();
        assert_eq!(delegated.len(), 1);
        assert_eq!(
            (delegated[0].client.as_str(), delegated[0].delegated_by.as_deref()),
            ("alice@example.test", Some("HTTP/seg.example.test"))
        );

        // A user's own TGT and a ticket with it.
        let alice = client.tgt(&Principal::user("alice"), "alice-pw", now).await.unwrap();
        assert_eq!(alice.client.to_string(), "alice");
        let refused = |e: Krb5Error| match e {
            Krb5Error::Refused { name, .. } => name,
            other => panic!("not a refusal: {other}"),
        };
        assert_eq!(refused(client.tgt(&Principal::user("alice"), "wrong", now).await.unwrap_err()), "KDC_ERR_PREAUTH_FAILED");
        assert_eq!(refused(client.tgt(&Principal::user("mallory"), "x", now).await.unwrap_err()), "KDC_ERR_C_PRINCIPAL_UNKNOWN");

        // A service allowed to delegate nowhere: its S4U2Self ticket is not forwardable, and
        // S4U2Proxy is refused.
        let other = client.tgt(&Principal::service("HTTP/other.example.test"), "o", now).await.unwrap();
        let evidence = client.s4u2self(&other, &Principal::user("alice"), DEFAULT_REALM, now).await.unwrap();
        assert!(!evidence.forwardable);
        let mail = Principal::service("HTTP/mail.example.test");
        assert_eq!(refused(client.s4u2proxy(&other, &evidence, &mail, now).await.unwrap_err()), "KDC_ERR_BADOPTION");
        let unknown = client.s4u2self(&other, &Principal::user("mallory"), DEFAULT_REALM, now).await.unwrap_err();
        assert_eq!(refused(unknown), "KDC_ERR_C_PRINCIPAL_UNKNOWN");

        // SEG's delegation taken away: refused too.
        kdc.set_delegation("HTTP/seg.example.test", &[]).unwrap();
        let e = client.delegate("HTTP/seg.example.test", "s", "alice@example.test", "HTTP/mail.example.test", now).await.unwrap_err();
        assert_eq!(refused(e), "KDC_ERR_BADOPTION");

        // Bytes that are no Kerberos request get a KRB-ERROR, not silence.
        let answer = KdcService::new(KdcSlot::new(kdc)).answer(b"GET / HTTP/1.1");
        assert_eq!(answer.first(), Some(&0x7e));
    }
}
