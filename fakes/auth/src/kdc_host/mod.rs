//! The fake KDC as a simulation host (`kdc.example.test`), so that a served gateway can obtain
//! tickets over HTTP the way it would ask a domain controller. [`contract`] lists its routes
//! and bodies and holds the typed clients.

pub mod contract;

use crate::error::AuthError;
use crate::kerberos::{IssuedTicket, Kdc};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use contract::{Delegation, KdcErrorBody, KdcTicket, Op, UserAdded, API_ROUTES, CONTROL_ROUTES};
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::{ConnInfo, Handler, HandlerFuture, Request, Response};
use std::sync::Arc;

pub use contract::{KdcClient, KdcControl};

/// The KDC's HTTP side.
pub struct KdcServer(pub Arc<Kdc>);

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
}
