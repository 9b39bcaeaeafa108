//! What the S/MIME scenarios keep between steps: each user's certificate store (the Windows
//! machine the seed's user enrolls and exports from), the PFX files exported, and what the
//! last request, export or import gave.

use mailconform_fakes::adcs::EnrollmentError;
use mailconform_smime::{Identity, SmimeError};
use openssl::x509::X509;
use std::collections::BTreeMap;

/// The S/MIME side of a scenario.
#[derive(Default)]
pub(crate) struct SmimeState {
    /// Installed certificates with their keys, by user and template.
    pub installed: BTreeMap<(String, String), Identity>,
    /// Exported PKCS#12 files, by file name.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The last enrollment's outcome.
    pub last_request: Option<Result<X509, EnrollmentError>>,
    /// The last export's failure.
    pub last_export_error: Option<SmimeError>,
    /// The error the last S/MIME action on a device answered (an import, opening a message).
    pub last_device_error: Option<mailconform_fakes::RoleError>,
    /// Where the scenario's RSA keys come from (the CA's and the users' requests).
    keys: Option<mailconform_smime::KeySource>,
}

/// Sends `files` attached to one message from `from`'s mailbox to `to` over ActiveSync
/// SendMail, as the seed's user does from Outlook Web Access.
pub(crate) fn mail_attachments(w: &mut crate::MailWorld, from: &crate::params::User, to: &str, subject: &str, files: &[(String, Vec<u8>)]) {
    let url = format!("https://{}/Microsoft-Server-ActiveSync", mailconform_fakes::defaults::EXCHANGE_HOST);
    let http = w.sim_ref().client();
    w.run(mailconform_fakes::securemail::smime::mail_certificates(http, &url, from.builtin_login(), &from.email(), to, subject, files))
        .unwrap_or_else(|e| panic!("{from} could not mail {subject:?}: {e}"));
}

impl SmimeState {
    /// The scenario's key source: kept test keys, drawn from an offset the scenario's seed picks.
    pub(crate) fn keys(&mut self, seed: u64) -> mailconform_smime::KeySource {
        self.keys.get_or_insert_with(|| mailconform_smime::KeySource::kept(seed)).clone()
    }

    /// `user`'s certificate from `template`, which a step must have installed.
    pub(crate) fn installed(&self, user: &str, template: &str) -> &Identity {
        self.installed
            .get(&(user.to_string(), template.to_string()))
            .unwrap_or_else(|| panic!("{user} has no certificate from the template {template}: a step must request one first"))
    }

    /// The certificate the last request gave; fails the step with the denial otherwise.
    pub(crate) fn issued(&self) -> &X509 {
        match &self.last_request {
            Some(Ok(cert)) => cert,
            Some(Err(e)) => panic!("the request gave no certificate: {e}"),
            None => panic!("no certificate was requested"),
        }
    }
}
