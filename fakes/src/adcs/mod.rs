//! Active Directory Certificate Services with web enrollment, and the directory entries it
//! publishes to, as seed 002 sets them up for S/MIME ("Distribution de certificats par
//! e-mail"): an enterprise root CA on `https://ad.example.test/certsrv/`, the templates an
//! administrator duplicates and issues, and each domain user's `mail` and `userCertificate`.
//!
//! Requests come as AD CS takes them from a browser or a script: a PKCS#10 request posted to
//! `certfnsh.asp` with the template's name, the certificate fetched from `certnew.cer` (see
//! [`contract`] and [`web`]). The CA builds the subject from the requester's directory entry,
//! checks the template's minimum key size, gives the template's key usages, and publishes the
//! certificate to `userCertificate` when the template says so.

pub mod client;
pub mod contract;
mod web;

use crate::directory::Directory;
use crate::traveler::Person;
use contract::{
    ControlOp, DirectoryEntry, Disposition, PublishedCertificate, RequestRecord, TemplateSpec, UserCertificates, CONTROL_ROUTES, WEB_ROUTES,
};
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, SharedHandler};
use mailconform_smime::authority::{CertificateAuthority, EnrollError};
use openssl::x509::X509;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub use client::{EnrollmentClient, EnrollmentError};
pub use contract::AdcsControl;

/// The CA's name, as its certificate and the welcome page give it.
pub const CA_NAME: &str = "Example Enterprise Root CA";

/// The HRESULT AD CS denies a request with, by the enrollment error.
fn hresult(e: &EnrollError) -> &'static str {
    match e {
        // CERTSRV_E_KEY_LENGTH
        EnrollError::KeyTooSmall { .. } => "0x80094811",
        // CERTSRV_E_UNSUPPORTED_CERT_TYPE
        EnrollError::TemplateNotIssued { .. } => "0x80094800",
        // NTE_BAD_SIGNATURE / a request that does not parse
        EnrollError::BadRequest { .. } => "0x80090006",
        EnrollError::Issuing(_) => "0x80004005",
    }
}

/// The CA, its requests and the directory's users.
pub(crate) struct AdCs {
    authority: Arc<CertificateAuthority>,
    directory: Arc<Directory>,
    requests: Mutex<Vec<RequestRecord>>,
    issued: Mutex<BTreeMap<u32, X509>>,
}

impl AdCs {
    /// A CA issuing no template yet, publishing to `directory`, its key drawn from `keys`.
    pub(crate) fn new(env: FakeEnv, directory: Arc<Directory>, keys: mailconform_smime::KeySource) -> Result<Arc<AdCs>, EnrollError> {
        // Certificates dated by the run's clock, which TLS checks client certificates against.
        let clock = env.clock.clone();
        Ok(Arc::new(AdCs {
            authority: Arc::new(CertificateAuthority::with_keys(CA_NAME, keys, Arc::new(move || clock.unix_secs() as i64))?),
            directory,
            requests: Mutex::default(),
            issued: Mutex::default(),
        }))
    }

    /// The same CA (its key and certificate, which TLS trusts for client certificates) and
    /// directory, back to their first state: no template issued, no request, every
    /// `userCertificate` empty, anonymous searches refused. What a reset of a served `adcs`
    /// rebuilds.
    pub(crate) fn fresh(&self) -> Arc<AdCs> {
        self.authority.clear_templates();
        self.directory.clear(false);
        Arc::new(AdCs {
            authority: self.authority.clone(),
            directory: self.directory.clone(),
            requests: Mutex::default(),
            issued: Mutex::default(),
        })
    }

    fn person(&self, user: &str) -> Option<&Person> {
        self.directory.person(user)
    }

    /// The CA's certificate (DER): the root client certificates presented to the site chain to.
    pub(crate) fn root_der(&self) -> Vec<u8> {
        self.authority.root().to_der().unwrap_or_default()
    }

    /// The domain user a client certificate maps to (IIS client certificate mapping to Active
    /// Directory): the user whose address the certificate names. rustls has checked already
    /// that it chains to the CA, is current and allows client authentication.
    fn certificate_user(&self, conn: &ConnInfo) -> Option<&Person> {
        let cert = X509::from_der(conn.peer_certificates.first()?).ok()?;
        mailconform_smime::identity::emails(&cert).iter().find_map(|e| self.person(e))
    }

    /// The requester's entry: from its client certificate, or from Basic credentials of a
    /// domain user.
    fn authenticated(&self, req: &Request, conn: &ConnInfo) -> Option<&Person> {
        if let Some(p) = self.certificate_user(conn) {
            return Some(p);
        }
        let (user, password) = crate::basic_auth::credentials(req)?;
        self.person(&user).filter(|p| p.http_password == password)
    }

    /// Enrolls `csr` for `person` under `template`: the request is recorded, the certificate
    /// kept under its request ID and published when the template says so.
    fn submit(&self, person: &Person, csr: &[u8], template: &str) -> (u32, Result<X509, EnrollError>) {
        let display = format!("{} {}", person.first_name, person.last_name);
        let outcome = self.authority.enroll(csr, template, &display, &person.internet_address);
        let mut requests = self.requests.lock().expect("requests poisoned");
        let id = requests.len() as u32 + 1;
        let disposition = match &outcome {
            Ok(cert) => {
                self.issued.lock().expect("issued poisoned").insert(id, cert.clone());
                if self.authority.template(template).is_some_and(|t| t.publish_to_directory) {
                    self.directory.publish(person, cert.clone());
                }
                Disposition::Issued { serial: contract::serial(cert) }
            }
            Err(e) => Disposition::Denied { code: hresult(e).into(), message: e.to_string() },
        };
        requests.push(RequestRecord { id, user: person.short_name.clone(), template: template.into(), disposition });
        (id, outcome)
    }

    fn entry(&self, user: &str) -> Option<DirectoryEntry> {
        let person = self.person(user)?;
        let certs = self.directory.certificates(person);
        Some(DirectoryEntry {
            user: person.short_name.clone(),
            mail: person.internet_address.clone(),
            user_certificates: certs.iter().map(published).collect(),
        })
    }

    fn control(&self, op: ControlOp, args: &mailconform_sim::contract::Args, body: &[u8]) -> mailconform_sim::Response {
        match op {
            ControlOp::PutTemplate => {
                let spec: TemplateSpec = match parse(body) {
                    Ok(s) => s,
                    Err(answer) => return *answer,
                };
                self.authority.issue_template(spec.template(args.get("name")));
                reply(200, &spec)
            }
            ControlOp::Templates => {
                let all: BTreeMap<String, TemplateSpec> =
                    self.authority.templates().iter().map(|t| (t.name.clone(), TemplateSpec::of(t))).collect();
                reply(200, &all)
            }
            ControlOp::Entry => match self.entry(args.get("user")) {
                Some(e) => reply(200, &e),
                None => error(404, format!("no user {} in the directory", args.get("user"))),
            },
            ControlOp::Publish => {
                let new: UserCertificates = match parse(body) {
                    Ok(c) => c,
                    Err(answer) => return *answer,
                };
                let Some(person) = self.person(args.get("user")) else {
                    return error(404, format!("no user {} in the directory", args.get("user")));
                };
                let mut certs = Vec::new();
                for pem in &new.pem {
                    match X509::from_pem(pem.as_bytes()) {
                        Ok(c) => certs.push(c),
                        Err(e) => return error(400, format!("a userCertificate value is not a PEM certificate: {e}")),
                    }
                }
                let user = person.short_name.clone();
                self.directory.replace(person, certs);
                match self.entry(&user) {
                    Some(e) => reply(200, &e),
                    None => error(404, "the user left the directory"),
                }
            }
            ControlOp::Requests => reply(200, &*self.requests.lock().expect("requests poisoned")),
            ControlOp::DirectorySettings => {
                let s: contract::DirectorySettings = match parse(body) {
                    Ok(s) => s,
                    Err(answer) => return *answer,
                };
                self.directory.set_anonymous_search(s.anonymous_search);
                reply(200, &s)
            }
        }
    }
}

fn published(cert: &X509) -> PublishedCertificate {
    PublishedCertificate::of(cert)
}

impl SharedHandler for AdCs {
    fn handle(self: Arc<Self>, req: Request, conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path();
            let method = req.method().as_str();
            if CONTROL_ROUTES.covers(path) {
                return match CONTROL_ROUTES.find(method, path) {
                    Ok((op, args)) => self.control(op, &args, req.body()),
                    Err(answer) => *answer,
                };
            }
            if WEB_ROUTES.covers(path) {
                return match WEB_ROUTES.find(method, path) {
                    Ok((op, _)) => web::page(&self, op, &req, &conn),
                    Err(answer) => *answer,
                };
            }
            error(404, format!("no such endpoint {path}: web enrollment is under {}/", contract::CERTSRV))
        })
    }
}
