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
    /// The site refused the client certificate at the TLS handshake (not the domain CA's, or
    /// without Client Authentication).
    #[error("the enrollment site refused the client certificate: {reason}; sign in with a certificate of the domain's CA that allows client authentication")]
    CertificateRefused {
        /// What the handshake said.
        reason: String,
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
    /// The client certificate presented instead of a password, if any.
    certificate: Option<mailconform_sim::ClientIdentity>,
}

impl EnrollmentClient {
    /// A client of the enrollment site at `base` (`https://ad.example.test/certsrv`).
    pub fn new(http: HttpClient, base: &str, user: &str, password: &str) -> Self {
        EnrollmentClient { http, base: base.trim_end_matches('/').into(), user: user.into(), password: password.into(), certificate: None }
    }

    /// A client of the site at `base` signing in with `identity`'s certificate (IIS client
    /// certificate mapping) rather than a password.
    pub fn with_certificate(http: HttpClient, base: &str, identity: &mailconform_smime::Identity) -> Result<Self, EnrollmentError> {
        let unusable = |e: String| EnrollmentError::CertificateRefused { reason: format!("the certificate cannot be presented: {e}") };
        let mut chain = identity.certificate().to_pem().map_err(|e| unusable(e.to_string()))?;
        for c in identity.chain() {
            chain.extend(c.to_pem().map_err(|e| unusable(e.to_string()))?);
        }
        let key = identity.key().private_key_to_pem_pkcs8().map_err(|e| unusable(e.to_string()))?;
        let credential = mailconform_sim::Credential::from_pem(&String::from_utf8_lossy(&chain), &String::from_utf8_lossy(&key))
            .map_err(|e| unusable(e.to_string()))?;
        let who = identity.subject();
        // The client keeps a TLS configuration per identity ID: two certificates of one subject
        // (a user's signing one and their client-authentication one) must not share it.
        let digest = identity.certificate().digest(openssl::hash::MessageDigest::sha256()).map_err(|e| unusable(e.to_string()))?;
        let fingerprint: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let mut client = EnrollmentClient::new(http, base, &who, "");
        client.certificate = Some(mailconform_sim::ClientIdentity { id: format!("enroll:{who}:{fingerprint}"), credential });
        Ok(client)
    }

    async fn send(&self, req: http::request::Builder, body: Vec<u8>) -> Result<(u16, String, bytes::Bytes), EnrollmentError> {
        use base64::Engine;
        let req = match &self.certificate {
            Some(_) => req,
            None => {
                let auth = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", self.user, self.password));
                req.header(http::header::AUTHORIZATION, format!("Basic {auth}"))
            }
        };
        let req = req
            .body(bytes::Bytes::from(body))
            .map_err(|e| EnrollmentError::Unexpected { what: format!("a request that cannot be built: {e}") })?;
        let opts = RequestOptions { identity: self.certificate.clone(), ..RequestOptions::default() };
        // Under TLS 1.3 a refused client certificate ends the connection after the client's
        // side of the handshake is done: the failure shows at the exchange, not at the handshake.
        let resp = self.http.send(req, &opts).await.map_err(|e| match e {
            mailconform_sim::SimError::Tls { .. } | mailconform_sim::SimError::Http { .. } if self.certificate.is_some() => {
                EnrollmentError::CertificateRefused { reason: e.to_string() }
            }
            e => EnrollmentError::Unexpected { what: format!("nothing: {e}") },
        })?;
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
