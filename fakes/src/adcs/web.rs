//! The web enrollment pages (`/certsrv/`), answering as AD CS does: HTML pages whose request
//! ID link and disposition message scripts read, and certificates as `application/pkix-cert`.
//! Every page asks for a domain user first: a client certificate of the domain (IIS client
//! certificate mapping, as seed 002 configures the site) or Basic credentials.

use super::contract::WebOp;
use super::{AdCs, CA_NAME};
use base64::Engine;
use mailconform_sim::http::response;
use mailconform_sim::{Request, Response};

/// The form fields of a `application/x-www-form-urlencoded` body or query.
fn fields(raw: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(raw).into_owned().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn html(status: u16, title: &str, body: &str) -> Response {
    let page = format!(
        "<html><head><title>Microsoft Active Directory Certificate Services</title></head><body>\
         <p><b>Microsoft</b> Active Directory Certificate Services -- {CA_NAME}</p><h2>{title}</h2>{body}</body></html>"
    );
    response(status, "text/html", page)
}

fn challenge() -> Response {
    let mut r = html(401, "401 - Unauthorized", "<p>You do not have permission to view this directory or page.</p>");
    r.headers_mut().insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Basic realm=\"ad.example.test\""));
    r
}

/// The page of `op`, for an authenticated domain user.
pub(super) fn page(adcs: &AdCs, op: WebOp, req: &Request, conn: &mailconform_sim::ConnInfo) -> Response {
    let Some(person) = adcs.authenticated(req, conn) else { return challenge() };
    let query = fields(req.uri().query().unwrap_or_default().as_bytes());
    match op {
        WebOp::Welcome => html(
            200,
            "Welcome",
            &format!(
                "<p>Use this Web site to request a certificate, {} {}.</p><a href=\"certrqus.asp\">Request a certificate</a>",
                person.first_name, person.last_name
            ),
        ),
        WebOp::CaPage => html(200, "Download a CA certificate", "<script>var nRenewals=0;</script>"),
        WebOp::Submit => submit(adcs, person, req.body()),
        WebOp::Certificate => certificate(adcs, &query),
    }
}

fn submit(adcs: &AdCs, person: &crate::traveler::Person, body: &[u8]) -> Response {
    let form = fields(body);
    if field(&form, "Mode") != Some("newreq") {
        return html(400, "Bad request", "<p>Mode must be newreq.</p>");
    }
    let Some(request) = field(&form, "CertRequest").filter(|r| !r.trim().is_empty()) else {
        return denied("0x80094801", "The request contains no certificate request (CertRequest is empty).");
    };
    let template = field(&form, "CertAttrib")
        .unwrap_or_default()
        .split(['\r', '\n'])
        .find_map(|line| line.trim().strip_prefix("CertificateTemplate:"))
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if template.is_empty() {
        return denied("0x80094801", "The request contains no certificate template information (CertAttrib CertificateTemplate:).");
    }
    let csr = match request.trim_start().starts_with("-----") {
        true => request.as_bytes().to_vec(),
        false => {
            let compact: String = request.chars().filter(|c| !c.is_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(compact) {
                Ok(der) => der,
                Err(e) => return denied("0x80090006", &format!("The request is not base64: {e}")),
            }
        }
    };
    match adcs.submit(person, &csr, &template) {
        (id, Ok(_)) => html(
            200,
            "Certificate Issued",
            &format!(
                "<p>The certificate you requested was issued to you.</p>\
                 <a href=\"certnew.cer?ReqID={id}&amp;Enc=bin\">DER encoded</a> or \
                 <a href=\"certnew.cer?ReqID={id}&amp;Enc=b64\">Base 64 encoded</a>"
            ),
        ),
        (_, Err(e)) => denied(super::hresult(&e), &e.to_string()),
    }
}

/// The denial page, with the disposition message scripts read.
fn denied(code: &str, message: &str) -> Response {
    let message = message.replace('"', "'");
    html(
        200,
        "Certificate Request Denied",
        &format!(
            "<p>Your certificate request was denied.</p><p>Contact your administrator for further information.</p>\
             <p>The disposition message is \"Denied by Policy Module  {code}, {message}\".</p>"
        ),
    )
}

fn certificate(adcs: &AdCs, query: &[(String, String)]) -> Response {
    let id = field(query, "ReqID").unwrap_or_default();
    let cert = match id {
        "CACert" => Some(adcs.authority.root().clone()),
        n => n.parse::<u32>().ok().and_then(|n| adcs.issued.lock().expect("issued poisoned").get(&n).cloned()),
    };
    let Some(cert) = cert else {
        return html(
            200,
            "Certificate Retrieval",
            &format!("<p>Disposition message:\t\tThe request {id} was not issued or does not exist.</p>"),
        );
    };
    let body = match field(query, "Enc") {
        Some("bin") => cert.to_der(),
        _ => cert.to_pem(),
    };
    match body {
        Ok(bytes) => response(200, "application/pkix-cert", bytes),
        Err(e) => html(500, "Error", &format!("<p>The certificate could not be encoded: {e}</p>")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::client::{EnrollmentClient, EnrollmentError};
    use super::super::contract::{AdcsControl, Disposition, TemplateSpec};
    use super::super::AdCs;
    use mailconform_sim::{ControlClient, Simulation};
    use mailconform_smime::authority::{request, rsa_key};
    use mailconform_smime::Use;
    use std::sync::Arc;

    struct Site {
        sim: Simulation,
        control: AdcsControl,
    }

    fn site() -> Site {
        let mut sim = Simulation::new(3).unwrap();
        let adcs = {
            let _rt = sim.enter();
            AdCs::new(
                crate::deployment::env(&sim, "adcs"),
                Arc::new(crate::directory::Directory::new(crate::deployment::default_people(), false)),
                mailconform_smime::KeySource::kept(1),
            )
            .unwrap()
        };
        sim.add_host("adcs", "ad.example.test", Arc::new(adcs), mailconform_sim::tls::ClientAuth::None, false).unwrap();
        let control = AdcsControl(ControlClient::new(sim.control_client(), "https://ad.example.test/_mailconform"));
        Site { sim, control }
    }

    impl Site {
        fn template(&self, name: &str, purpose: Use) {
            let spec = TemplateSpec { purpose: Some(purpose), min_key_bits: 2048, exportable: true, publish_to_directory: true };
            self.sim.block_on(self.control.put_template(name, &spec)).unwrap();
        }

        fn enroll(&self, user: &str, password: &str, bits: u32, template: &str) -> Result<openssl::x509::X509, EnrollmentError> {
            let client = EnrollmentClient::new(self.sim.client(), "https://ad.example.test/certsrv", user, password);
            let csr = request(&rsa_key(bits).unwrap(), "ignored").unwrap();
            self.sim.block_on(client.request(&csr, template))
        }
    }

    #[test]
    fn a_request_for_an_issued_template_is_issued_and_published() {
        let s = site();
        s.template("SecureMailEncryption", Use::Encryption);
        let cert = s.enroll("alice", "alice-pw", 2048, "SecureMailEncryption").unwrap();
        assert_eq!(mailconform_smime::identity::subject(&cert), "Alice Example");
        let entry = s.sim.block_on(s.control.entry("alice")).unwrap();
        assert_eq!(entry.user_certificates.len(), 1);
        assert!(entry.user_certificates[0].purposes.encryption && !entry.user_certificates[0].purposes.signing);
    }

    #[test]
    fn a_short_key_is_denied_with_the_disposition_message_and_nothing_is_published() {
        let s = site();
        s.template("SecureMailSigning", Use::Signing);
        let e = s.enroll("alice", "alice-pw", 1024, "SecureMailSigning").unwrap_err();
        assert!(matches!(&e, EnrollmentError::Denied { code, .. } if code == "0x80094811"), "{e:?}");
        assert!(s.sim.block_on(s.control.entry("alice")).unwrap().user_certificates.is_empty());
        let requests = s.sim.block_on(s.control.requests()).unwrap();
        assert!(matches!(&requests[0].disposition, Disposition::Denied { code, .. } if code == "0x80094811"));
    }

    #[test]
    fn a_wrong_password_is_refused_and_the_site_asks_for_basic_credentials() {
        let s = site();
        s.template("SecureMailSigning", Use::Signing);
        assert_eq!(
            s.enroll("alice", "guess", 2048, "SecureMailSigning").unwrap_err(),
            EnrollmentError::Unauthorized { user: "alice".into() }
        );
        let req = http::Request::get("https://ad.example.test/certsrv/").body(bytes::Bytes::new()).unwrap();
        let resp = s.sim.block_on(s.sim.client().send(req, &Default::default())).unwrap();
        assert_eq!(resp.status(), 401);
        assert!(resp.headers()[http::header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Basic"));
    }
}
