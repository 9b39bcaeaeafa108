//! The AD CS fake's contracts: the web enrollment pages a user's browser or a standard client
//! (Python's `certsrv`) calls, and the control API an administrator (a step) sets templates and
//! the directory through. Routes, bodies and the typed client ([`AdcsControl`]).
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/certsrv/` | | the welcome page (HTML) |
//! | `POST` | `/certsrv/certfnsh.asp` | form: `Mode=newreq`, `CertRequest` (PKCS#10, PEM or base64), `CertAttrib` (`CertificateTemplate:<name>`) | HTML: "Certificate Issued" with the `certnew.cer?ReqID=<n>&Enc=b64` link, or the denial's disposition message |
//! | `GET` | `/certsrv/certnew.cer` | query: `ReqID` (a number or `CACert`), `Enc` (`b64` or `bin`) | `application/pkix-cert`: the certificate |
//! | `GET` | `/certsrv/certcarc.asp` | | HTML with `var nRenewals=0;` |
//! | `PUT` | `/_mailconform/templates/{name}` | [`TemplateSpec`] | [`TemplateSpec`]: the template duplicated, set and issued |
//! | `GET` | `/_mailconform/templates` | | map of name to [`TemplateSpec`] |
//! | `GET` | `/_mailconform/directory/{user}` | | [`DirectoryEntry`]: the user's `mail` and `userCertificate` values |
//! | `PUT` | `/_mailconform/directory/{user}` | [`UserCertificates`] | [`DirectoryEntry`]: `userCertificate` replaced (the user publishes to the GAL, or an administrator edits the attribute) |
//! | `GET` | `/_mailconform/requests` | | list of [`RequestRecord`]: every request, issued or denied |
//! | `PUT` | `/_mailconform/directory-settings` | [`DirectorySettings`] | [`DirectorySettings`]: whether the directory answers searches without a bind |
//!
//! The web pages ask for HTTP Basic authentication as a domain user; refusals of the control
//! API are `{"error": …}`, a body that does not parse is refused with 400 and an example.

use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use mailconform_smime::authority::{Template, MIN_KEY_BITS};
use mailconform_smime::Purposes;
/// A template's purpose, as [`TemplateSpec`] names it.
pub use mailconform_smime::Use;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the web enrollment pages are.
pub const CERTSRV: &str = "/certsrv";

/// The operations of the web enrollment pages, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WebOp {
    Welcome,
    Submit,
    Certificate,
    CaPage,
}

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlOp {
    PutTemplate,
    Templates,
    Entry,
    Publish,
    Requests,
    DirectorySettings,
}

pub(crate) const WEB_ROUTES: Routes<WebOp> = Routes::new(
    CERTSRV,
    &[
        Route::new(WebOp::Welcome, "GET", "/"),
        Route::new(WebOp::Submit, "POST", "/certfnsh.asp"),
        Route::new(WebOp::Certificate, "GET", "/certnew.cer"),
        Route::new(WebOp::CaPage, "GET", "/certcarc.asp"),
    ],
);

pub(crate) const CONTROL_ROUTES: Routes<ControlOp> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(ControlOp::PutTemplate, "PUT", "/templates/{name}"),
        Route::new(ControlOp::Templates, "GET", "/templates"),
        Route::new(ControlOp::Entry, "GET", "/directory/{user}"),
        Route::new(ControlOp::Publish, "PUT", "/directory/{user}"),
        Route::new(ControlOp::Requests, "GET", "/requests"),
        Route::new(ControlOp::DirectorySettings, "PUT", "/directory-settings"),
    ],
);

fn min_bits() -> u32 {
    MIN_KEY_BITS
}

fn yes() -> bool {
    true
}

/// A certificate template as the seed sets it on the "Request Handling" tab, issued by the CA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSpec {
    /// `signing` (from "Exchange Signature Only"), `encryption` (from "Exchange User"), or
    /// absent for both.
    #[serde(default)]
    pub purpose: Option<Use>,
    /// Minimum key size (default 2048).
    #[serde(default = "min_bits")]
    pub min_key_bits: u32,
    /// "Allow private key to be exported" (default on).
    #[serde(default = "yes")]
    pub exportable: bool,
    /// "Publish certificate in Active Directory" (default on).
    #[serde(default = "yes")]
    pub publish_to_directory: bool,
}

impl TemplateSpec {
    /// The CA's template of this name.
    pub fn template(&self, name: &str) -> Template {
        Template {
            name: name.into(),
            purpose: self.purpose,
            min_key_bits: self.min_key_bits,
            exportable: self.exportable,
            publish_to_directory: self.publish_to_directory,
        }
    }

    /// The spec of a CA's template.
    pub fn of(t: &Template) -> Self {
        TemplateSpec {
            purpose: t.purpose,
            min_key_bits: t.min_key_bits,
            exportable: t.exportable,
            publish_to_directory: t.publish_to_directory,
        }
    }
}

/// One `userCertificate` value, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedCertificate {
    /// Its subject's common name.
    pub subject: String,
    /// Its serial number, decimal.
    pub serial: String,
    /// What its key usages allow.
    pub purposes: Purposes,
    /// The certificate, PEM.
    pub pem: String,
}

/// A certificate's serial number, decimal.
pub(crate) fn serial(cert: &openssl::x509::X509) -> String {
    cert.serial_number().to_bn().ok().and_then(|b| b.to_dec_str().ok()).map(|s| s.to_string()).unwrap_or_default()
}

impl PublishedCertificate {
    /// How `cert` reads as a `userCertificate` value.
    pub fn of(cert: &openssl::x509::X509) -> Self {
        PublishedCertificate {
            subject: mailconform_smime::identity::subject(cert),
            serial: serial(cert),
            purposes: mailconform_smime::identity::purposes(cert),
            pem: cert.to_pem().map(|p| String::from_utf8_lossy(&p).into_owned()).unwrap_or_default(),
        }
    }
}

/// A user's entry in the directory, as an LDAP search for it reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    /// The user's logon name (`sAMAccountName`).
    pub user: String,
    /// Its `mail` attribute.
    pub mail: String,
    /// Its `userCertificate` values, oldest first.
    pub user_certificates: Vec<PublishedCertificate>,
}

/// The new `userCertificate` values of a user (PEM each; empty clears the attribute).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCertificates {
    /// The certificates, PEM.
    #[serde(default)]
    pub pem: Vec<String>,
}

/// The directory's settings an administrator changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectorySettings {
    /// Searches without a bind are answered (Active Directory refuses them by default).
    pub anonymous_search: bool,
}

/// What the CA did with one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Its request ID.
    pub id: u32,
    /// Who requested it.
    pub user: String,
    /// The template asked for.
    pub template: String,
    /// Issued, or why not (the page's disposition message).
    pub disposition: Disposition,
}

/// A request's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Issued; the certificate's serial number.
    Issued {
        /// Decimal serial number.
        serial: String,
    },
    /// Denied, with the CA's message and its HRESULT.
    Denied {
        /// The HRESULT (`0x80094811`).
        code: String,
        /// The message.
        message: String,
    },
}

impl Body for TemplateSpec {
    fn example() -> Self {
        TemplateSpec { purpose: Some(Use::Encryption), min_key_bits: 2048, exportable: true, publish_to_directory: false }
    }
}

impl Body for DirectoryEntry {
    fn example() -> Self {
        DirectoryEntry {
            user: "alice".into(),
            mail: "alice@example.test".into(),
            user_certificates: vec![PublishedCertificate {
                subject: "Alice Example".into(),
                serial: "2".into(),
                purposes: Purposes { signing: false, encryption: true },
                pem: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n".into(),
            }],
        }
    }
}

impl Body for UserCertificates {
    fn example() -> Self {
        UserCertificates { pem: vec!["-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n".into()] }
    }
}

impl Body for DirectorySettings {
    fn example() -> Self {
        DirectorySettings { anonymous_search: true }
    }
}

impl Body for RequestRecord {
    fn example() -> Self {
        RequestRecord {
            id: 3,
            user: "alice".into(),
            template: "SecureMailEncryption".into(),
            disposition: Disposition::Denied { code: "0x80094811".into(), message: "The public key is too short".into() },
        }
    }
}

/// Typed client of the AD CS fake's control API, for steps.
#[derive(Clone)]
pub struct AdcsControl(pub ControlClient);

impl AdcsControl {
    /// Duplicates a template as `name` with `spec`, and issues it.
    pub async fn put_template(&self, name: &str, spec: &TemplateSpec) -> Result<TemplateSpec, ControlError> {
        self.0.put(&format!("/templates/{name}"), spec).await
    }

    /// Every template the CA issues.
    pub async fn templates(&self) -> Result<BTreeMap<String, TemplateSpec>, ControlError> {
        self.0.get("/templates").await
    }

    /// `user`'s directory entry.
    pub async fn entry(&self, user: &str) -> Result<DirectoryEntry, ControlError> {
        self.0.get(&format!("/directory/{user}")).await
    }

    /// Replaces `user`'s `userCertificate` values.
    pub async fn publish(&self, user: &str, pem: Vec<String>) -> Result<DirectoryEntry, ControlError> {
        self.0.put(&format!("/directory/{user}"), &UserCertificates { pem }).await
    }

    /// Allows or refuses searches without a bind.
    pub async fn set_directory(&self, settings: &DirectorySettings) -> Result<DirectorySettings, ControlError> {
        self.0.put("/directory-settings", settings).await
    }

    /// Every request the CA received.
    pub async fn requests(&self) -> Result<Vec<RequestRecord>, ControlError> {
        self.0.get("/requests").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<TemplateSpec>();
        check_round_trip::<DirectoryEntry>();
        check_round_trip::<UserCertificates>();
        check_round_trip::<RequestRecord>();
        check_round_trip::<DirectorySettings>();
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let adcs = {
            let _rt = sim.enter();
            super::super::AdCs::new(
                env,
                std::sync::Arc::new(crate::directory::Directory::new(crate::deployment::default_people(), false)),
                mailconform_smime::KeySource::kept(1),
            )
            .unwrap()
        };
        check_handler_serves(&sim, adcs, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[WEB_ROUTES.listing(), CONTROL_ROUTES.listing()]);
    }
}
