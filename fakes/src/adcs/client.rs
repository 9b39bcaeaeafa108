//! A web enrollment client: what the seed's user does in Internet Explorer ("Demande de
//! certificat avancée", PKCS#10, pick the template, "Installer ce certificat"), as a script
//! does it against AD CS: post the request to `certfnsh.asp`, read the request ID or the
//! disposition message off the page, fetch `certnew.cer`.

use mailconform_sim::{HttpClient, RequestOptions};
use openssl::x509::X509;

/// Why a request did not give a certificate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnrollmentError {
    /// The CA denied the request; its disposition message (with the HRESULT).
    #[error("the CA denied the request: {message}")]
    Denied {
        /// The HRESULT of the disposition message (`0x80094811`).
        code: String,
        /// The disposition message.
        message: String,
    },
    /// The site asked for other credentials.
    #[error("the enrollment site refused the credentials of {user} (HTTP 401): check the domain user's password")]
    Unauthorized {
        /// Who tried.
        user: String,
    },
    /// The site answered what is not an enrollment page or a certificate.
    #[error("the enrollment site answered {what}")]
    Unexpected {
        /// What came back.
        what: String,
    },
}

/// Web enrollment at `https://<host>/certsrv/` as one domain user.
#[derive(Clone)]
pub struct EnrollmentClient {
    http: HttpClient,
    base: String,
    user: String,
    password: String,
}

impl EnrollmentClient {
    /// A client of the enrollment site at `base` (`https://ad.example.test/certsrv`).
    pub fn new(http: HttpClient, base: &str, user: &str, password: &str) -> Self {
        EnrollmentClient { http, base: base.trim_end_matches('/').into(), user: user.into(), password: password.into() }
    }

    async fn send(&self, req: http::request::Builder, body: Vec<u8>) -> Result<(u16, String, bytes::Bytes), EnrollmentError> {
        use base64::Engine;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.user, self.password));
        let req = req
            .header(http::header::AUTHORIZATION, format!("Basic {auth}"))
            .body(bytes::Bytes::from(body))
            .map_err(|e| EnrollmentError::Unexpected { what: format!("a request that cannot be built: {e}") })?;
        let resp = self
            .http
            .send(req, &RequestOptions::default())
            .await
            .map_err(|e| EnrollmentError::Unexpected { what: format!("nothing: {e}") })?;
        if resp.status() == http::StatusCode::UNAUTHORIZED {
            return Err(EnrollmentError::Unauthorized { user: self.user.clone() });
        }
        let ctype = resp.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        Ok((resp.status().as_u16(), ctype, resp.into_body()))
    }

    /// The CA's certificate (`certnew.cer?ReqID=CACert`), which the user's machine installs
    /// beside the certificates it issues.
    pub async fn ca_certificate(&self) -> Result<X509, EnrollmentError> {
        self.certificate("CACert").await
    }

    async fn certificate(&self, id: &str) -> Result<X509, EnrollmentError> {
        let get = http::Request::get(format!("{}/certnew.cer?ReqID={id}&Enc=bin", self.base));
        let (status, ctype, body) = self.send(get, Vec::new()).await?;
        if ctype != "application/pkix-cert" {
            return Err(EnrollmentError::Unexpected { what: format!("HTTP {status} {ctype} instead of the certificate of request {id}") });
        }
        X509::from_der(&body).map_err(|e| EnrollmentError::Unexpected { what: format!("a certificate that does not parse: {e}") })
    }

    /// Submits the PKCS#10 request `csr_der` for `template` and fetches the certificate issued.
    pub async fn request(&self, csr_der: &[u8], template: &str) -> Result<X509, EnrollmentError> {
        use base64::Engine;
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("Mode", "newreq")
            .append_pair("CertRequest", &base64::engine::general_purpose::STANDARD.encode(csr_der))
            .append_pair("CertAttrib", &format!("CertificateTemplate:{template}\r\n"))
            .append_pair("TargetStoreFlags", "0")
            .append_pair("SaveCert", "yes")
            .finish();
        let post = http::Request::post(format!("{}/certfnsh.asp", self.base))
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let (_, _, page) = self.send(post, form.into_bytes()).await?;
        let page = String::from_utf8_lossy(&page).into_owned();
        let id = match request_id(&page) {
            Some(id) => id,
            None => return Err(denial(&page)),
        };
        self.certificate(&id.to_string()).await
    }
}

/// The request ID of an issued certificate's page (`certnew.cer?ReqID=<n>&`).
fn request_id(page: &str) -> Option<u32> {
    let after = page.split("certnew.cer?ReqID=").nth(1)?;
    after.split('&').next()?.parse().ok()
}

/// The denial a page without a request ID states (`The disposition message is "…"`).
fn denial(page: &str) -> EnrollmentError {
    let Some(message) = page.split("The disposition message is \"").nth(1).and_then(|m| m.split('"').next()) else {
        return EnrollmentError::Unexpected { what: "a page with neither a certificate nor a disposition message".into() };
    };
    let code = message.split_whitespace().find(|w| w.starts_with("0x")).unwrap_or_default().trim_end_matches(',').to_string();
    EnrollmentError::Denied { code, message: message.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_give_the_request_id_or_the_denial() {
        assert_eq!(request_id("<a href=\"certnew.cer?ReqID=12&amp;Enc=b64\">"), Some(12));
        assert_eq!(request_id("<p>denied</p>"), None);
        let page = "<p>The disposition message is \"Denied by Policy Module  0x80094811, The key is short\".</p>";
        assert_eq!(
            denial(page),
            EnrollmentError::Denied { code: "0x80094811".into(), message: "Denied by Policy Module  0x80094811, The key is short".into() }
        );
        assert!(matches!(denial("<html/>"), EnrollmentError::Unexpected { .. }));
    }
}
