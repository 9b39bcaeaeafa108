//! The fake KDC as a simulation host (`kdc.example.test`), so that a served gateway can obtain
//! tickets over HTTP the way it would ask a domain controller.
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `POST /kdc/v1/ticket` | `{"client","password","service"}` | `{"authorization","negotiate","ticket"}` (base64) |
//! | `POST /kdc/v1/s4u` | `{"service","password","user","target"}` | the same, for `user` to `target` |
//! | `GET /_mailconform/principals` | | realm, users, services with their delegation lists |
//! | `POST /_mailconform/users` | `{"upn","password"}` | adds a user |
//! | `POST /_mailconform/services` | `{"spn","password","allowed_to_delegate":[...]}` | adds a service account |
//! | `PUT /_mailconform/services/{spn}/delegation` | `{"allowed_to_delegate":[...]}` | replaces its list |
//! | `GET /_mailconform/issued` | | every ticket issued |
//!
//! Errors answer with `{"error": <Kerberos error name>, "message": ...}`: 401
//! KDC_ERR_PREAUTH_FAILED, 404 KDC_ERR_S_PRINCIPAL_UNKNOWN, 403 KDC_ERR_BADOPTION (delegation
//! not allowed), 400 for a body that is not what the route takes.

use crate::error::AuthError;
use crate::kerberos::{IssueRecord, IssuedTicket, Kdc};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use mailconform_sim::http::{json_body, json_response, segments};
use mailconform_sim::{ConnInfo, ControlClient, ControlError, Handler, HandlerFuture, Request, Response, CONTROL_PREFIX};
use serde_json::{json, Value};
use std::sync::Arc;

/// The KDC's HTTP side.
pub struct KdcServer(pub Arc<Kdc>);

impl Handler for KdcServer {
    fn handle(&self, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let kdc = self.0.clone();
        Box::pin(async move { answer(&kdc, req) })
    }
}

fn answer(kdc: &Kdc, req: Request) -> Response {
    let body = match json_body(req.body()) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let path = req.uri().path().to_string();
    let method = req.method().as_str().to_string();
    if let Some(rest) = path.strip_prefix(CONTROL_PREFIX) {
        return control(kdc, &method, rest, &body);
    }
    let s = |k: &str| body[k].as_str().unwrap_or_default().to_string();
    match (method.as_str(), path.as_str()) {
        ("POST", "/kdc/v1/ticket") => issued(kdc.ticket(&s("client"), &s("password"), &s("service"))),
        ("POST", "/kdc/v1/s4u") => issued(kdc.s4u(&s("service"), &s("password"), &s("user"), &s("target"))),
        _ => json_response(
            404,
            &json!({"error": "not found", "message": format!("no KDC operation {method} {path}; use POST /kdc/v1/ticket or /kdc/v1/s4u")}),
        ),
    }
}

fn issued(r: Result<IssuedTicket, AuthError>) -> Response {
    match r {
        Ok(t) => json_response(
            200,
            &json!({
                "client": t.info.client, "service": t.info.service, "end_time": t.info.end_time,
                "delegated_by": t.info.delegated_by,
                "authorization": t.authorization(),
                "negotiate": B64.encode(t.negotiate_token()),
                "ticket": B64.encode(&t.ap_req),
            }),
        ),
        Err(e) => {
            let (status, code) = match &e {
                AuthError::PreauthFailed(_) => (401, "KDC_ERR_PREAUTH_FAILED"),
                AuthError::UnknownPrincipal(_) => (404, "KDC_ERR_S_PRINCIPAL_UNKNOWN"),
                AuthError::DelegationNotAllowed { .. } => (403, "KDC_ERR_BADOPTION"),
                _ => (400, "KRB_ERR_GENERIC"),
            };
            json_response(status, &json!({"error": code, "message": e.to_string()}))
        }
    }
}

fn control(kdc: &Kdc, method: &str, path: &str, body: &Value) -> Response {
    let parts = segments(path);
    let strs =
        |v: &Value| v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect::<Vec<_>>()).unwrap_or_default();
    match (method, parts.as_slice()) {
        ("GET", ["principals"]) => json_response(200, &kdc.principals()),
        ("POST", ["users"]) => match (body["upn"].as_str(), body["password"].as_str()) {
            (Some(u), Some(p)) => {
                kdc.add_user(u, p);
                json_response(201, &json!({"upn": u}))
            }
            _ => json_response(400, &json!({"error": "send {\"upn\": ..., \"password\": ...}"})),
        },
        ("POST", ["services"]) => match (body["spn"].as_str(), body["password"].as_str()) {
            (Some(spn), Some(p)) => {
                let targets = strs(&body["allowed_to_delegate"]);
                kdc.add_service(spn, p, &targets.iter().map(String::as_str).collect::<Vec<_>>());
                json_response(201, &json!({"spn": spn, "allowed_to_delegate": targets}))
            }
            _ => json_response(400, &json!({"error": "send {\"spn\": ..., \"password\": ..., \"allowed_to_delegate\": [...]}"})),
        },
        // SPNs contain a slash: the route is services/<service class>/<host>/delegation.
        ("PUT", ["services", class, host, "delegation"]) => {
            let spn = format!("{class}/{host}");
            match kdc.set_delegation(&spn, &strs(&body["allowed_to_delegate"])) {
                Ok(()) => json_response(200, &json!({"spn": spn, "allowed_to_delegate": strs(&body["allowed_to_delegate"])})),
                Err(e) => json_response(404, &json!({"error": e.to_string()})),
            }
        }
        ("GET", ["issued"]) => json_response(200, &serde_json::to_value(kdc.issued()).unwrap_or_default()),
        _ => json_response(404, &json!({"error": format!("no control operation {method} {path}")})),
    }
}

/// Typed client of the KDC's control API, for steps.
#[derive(Clone)]
pub struct KdcControl(pub ControlClient);

impl KdcControl {
    pub async fn principals(&self) -> Result<Value, ControlError> {
        self.0.get("/principals").await
    }
    pub async fn add_user(&self, upn: &str, password: &str) -> Result<(), ControlError> {
        self.0.post("/users", &json!({"upn": upn, "password": password})).await.map(|_| ())
    }
    pub async fn add_service(&self, spn: &str, password: &str, allowed_to_delegate: &[&str]) -> Result<(), ControlError> {
        self.0.post("/services", &json!({"spn": spn, "password": password, "allowed_to_delegate": allowed_to_delegate})).await.map(|_| ())
    }
    pub async fn set_delegation(&self, spn: &str, targets: &[&str]) -> Result<(), ControlError> {
        self.0.put(&format!("/services/{spn}/delegation"), &json!({"allowed_to_delegate": targets})).await.map(|_| ())
    }
    pub async fn issued(&self) -> Result<Vec<IssueRecord>, ControlError> {
        self.0.get_as("/issued").await
    }
}

/// Typed client of the KDC protocol API (`/kdc/v1`), for fakes that need tickets: build it
/// with `ControlClient::new(http, "<kdc base url>/kdc/v1")`. Answers the `Authorization`
/// header value to send.
#[derive(Clone)]
pub struct KdcClient(pub ControlClient);

impl KdcClient {
    pub async fn ticket(&self, client: &str, password: &str, service: &str) -> Result<String, ControlError> {
        let v = self.0.post("/ticket", &json!({"client": client, "password": password, "service": service})).await?;
        Ok(v["authorization"].as_str().unwrap_or_default().to_string())
    }

    /// Constrained delegation: `service` obtains a ticket for `user` to `target`.
    pub async fn s4u(&self, service: &str, password: &str, user: &str, target: &str) -> Result<String, ControlError> {
        let v = self.0.post("/s4u", &json!({"service": service, "password": password, "user": user, "target": target})).await?;
        Ok(v["authorization"].as_str().unwrap_or_default().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kerberos::{Keytab, DEFAULT_REALM};
    use mailconform_sim::{Clock, SeededRng};

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
        let v: Value = serde_json::from_slice(r.body()).unwrap();
        let ap_req = B64.decode(v["ticket"].as_str().unwrap()).unwrap();
        let info = Keytab::new(DEFAULT_REALM, "HTTP/mail.example.test", "m").accept(&ap_req, clock.unix_secs()).unwrap();
        assert_eq!(info.delegated_by.as_deref(), Some("HTTP/seg.example.test"));
        assert!(v["authorization"].as_str().unwrap().starts_with("Negotiate YI"));

        let r =
            call(post("/kdc/v1/ticket", json!({"client": "alice@example.test", "password": "bad", "service": "HTTP/mail.example.test"})))
                .await;
        assert_eq!(r.status(), 401);
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
        assert_eq!(call(post("/kdc/v1/ticket", json!({}))).await.status(), 404);
        let bad = http::Request::builder().method("POST").uri("/kdc/v1/ticket").body(bytes::Bytes::from("{")).unwrap();
        assert_eq!(call(bad).await.status(), 400);
    }
}
