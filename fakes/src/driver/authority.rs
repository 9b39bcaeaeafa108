//! A certification authority's administration: the templates it issues, and the directory it
//! publishes users' certificates to.

use super::{Backing, DriverError, DriverFuture, Operation};
use crate::adcs::contract::{DirectoryEntry, DirectorySettings, PublishedCertificate, TemplateSpec};
use crate::adcs::AdcsControl;
use crate::directory::client::LdapLookup;
use std::collections::BTreeMap;

/// What an AD CS administrator does in the Certification Authority and Certificate Templates
/// consoles, and in Active Directory Users and Computers.
///
/// A real CA's templates are its administrator's, and its directory is reached over LDAP, not
/// through the CA: [`RealAuthority`] knows the templates its target configuration declares,
/// reads a user's certificates over LDAP as that user when the target names the directory, and
/// declares what it cannot do [`DriverError::NotSupported`].
pub trait CertificateAuthority: Send + Sync {
    /// The templates the CA issues, by name.
    fn templates(&self) -> DriverFuture<'_, BTreeMap<String, TemplateSpec>>;
    /// Has the CA issue template `name` set as `spec` (duplicated, set, and added to the
    /// "Certificate Templates to Issue").
    fn issue_template(&self, name: &str, spec: &TemplateSpec) -> DriverFuture<'_, ()>;
    /// `user`'s directory entry: the `userCertificate` values.
    fn entry(&self, user: &str) -> DriverFuture<'_, DirectoryEntry>;
    /// Replaces `user`'s `userCertificate` values with these PEM certificates.
    fn publish(&self, user: &str, pem: Vec<String>) -> DriverFuture<'_, ()>;
    /// Lets the directory answer searches without a bind (Active Directory refuses them by default).
    fn allow_anonymous_search(&self) -> DriverFuture<'_, ()>;
}

/// The AD CS fake, in-process or served: its control API.
impl CertificateAuthority for AdcsControl {
    fn templates(&self) -> DriverFuture<'_, BTreeMap<String, TemplateSpec>> {
        Box::pin(async move { Ok(AdcsControl::templates(self).await?) })
    }

    fn issue_template(&self, name: &str, spec: &TemplateSpec) -> DriverFuture<'_, ()> {
        let (name, spec) = (name.to_string(), spec.clone());
        Box::pin(async move { Ok(self.put_template(&name, &spec).await.map(drop)?) })
    }

    fn entry(&self, user: &str) -> DriverFuture<'_, DirectoryEntry> {
        let user = user.to_string();
        Box::pin(async move { Ok(AdcsControl::entry(self, &user).await?) })
    }

    fn publish(&self, user: &str, pem: Vec<String>) -> DriverFuture<'_, ()> {
        let user = user.to_string();
        Box::pin(async move { Ok(AdcsControl::publish(self, &user, pem).await.map(drop)?) })
    }

    fn allow_anonymous_search(&self) -> DriverFuture<'_, ()> {
        Box::pin(async move { Ok(self.set_directory(&DirectorySettings { anonymous_search: true }).await.map(drop)?) })
    }
}

/// A real AD CS (`[target.adcs]`), its templates as its target configuration declares them.
#[derive(Clone, Debug)]
pub struct RealAuthority {
    /// The role (`adcs`).
    pub role: String,
    /// Its web enrollment site (`https://ca.corp.example/certsrv`).
    pub url: String,
    /// The templates it issues, as declared (`[target.adcs.template.NAME]`).
    pub templates: BTreeMap<String, TemplateSpec>,
    /// The directory it publishes to, when the target names it (`directory`, `base_dn`).
    pub directory: Option<RealDirectory>,
}

/// The directory of a real CA (Active Directory), read over LDAP as each user.
#[derive(Clone)]
pub struct RealDirectory {
    /// Where it answers, as Secure Mail's "LDAP server address" policy writes it
    /// (`ldaps://dc.corp.example`).
    pub address: String,
    /// The base DN searched (`DC=corp,DC=example`).
    pub base_dn: String,
    /// By the features' user name: its address, which its entry's `mail` holds and which it
    /// binds with (Active Directory takes it as a UPN), and its password.
    pub accounts: BTreeMap<String, (String, String)>,
    /// Reaches the server (real TCP), trusting what the target configuration says.
    pub http: mailconform_sim::HttpClient,
}

impl std::fmt::Debug for RealDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealDirectory").field("address", &self.address).field("base_dn", &self.base_dn).finish()
    }
}

impl RealDirectory {
    /// `user`'s entry, as `user` reads it: a search of the base DN for its address.
    async fn entry(&self, role: &str, user: &str) -> Result<DirectoryEntry, DriverError> {
        let refused = |reason: String| DriverError::Refused { role: role.to_string(), operation: Operation::ReadDirectory, reason };
        let (email, password) = self.accounts.get(user).cloned().ok_or_else(|| {
            refused(format!(
                "the target configuration has no mailbox with an address for {user}, whose entry is searched for and who binds: \
                 add [[target.adcs.mailbox]] user = \"{user}\" with its email"
            ))
        })?;
        let bind = Some((email.clone(), password));
        let lookup = LdapLookup::at(self.http.clone(), &self.address, &self.base_dn, bind, mailconform_sim::Clock::real());
        let found = lookup.user_certificates(&email).await.map_err(|e| refused(e.to_string()))?;
        Ok(DirectoryEntry { user: user.to_string(), mail: email, user_certificates: found.iter().map(PublishedCertificate::of).collect() })
    }
}

impl RealAuthority {
    fn not_supported<T>(&self, operation: Operation, why: &'static str) -> Result<T, DriverError> {
        Err(DriverError::NotSupported { role: self.role.clone(), operation, backing: Backing::Real { url: self.url.clone() }, why })
    }
}

impl CertificateAuthority for RealAuthority {
    fn templates(&self) -> DriverFuture<'_, BTreeMap<String, TemplateSpec>> {
        Box::pin(async move { Ok(self.templates.clone()) })
    }

    /// Applies when the CA already issues the template so, as declared: its administrator set it.
    fn issue_template(&self, name: &str, spec: &TemplateSpec) -> DriverFuture<'_, ()> {
        let declared = self.templates.get(name) == Some(spec);
        Box::pin(async move {
            match declared {
                true => Ok(()),
                false => self.not_supported(
                    Operation::Configure,
                    "its templates are its administrator's, and its target configuration does not declare this one so \
                     ([target.adcs.template.NAME]: purpose, min_key_bits, exportable, publish_to_directory)",
                ),
            }
        })
    }

    fn entry(&self, user: &str) -> DriverFuture<'_, DirectoryEntry> {
        let user = user.to_string();
        Box::pin(async move {
            match &self.directory {
                Some(directory) => directory.entry(&self.role, &user).await,
                None => self.not_supported(Operation::ReadDirectory, NO_DIRECTORY),
            }
        })
    }

    fn publish(&self, _user: &str, _pem: Vec<String>) -> DriverFuture<'_, ()> {
        Box::pin(async move { self.not_supported(Operation::WriteDirectory, DIRECTORY) })
    }

    fn allow_anonymous_search(&self) -> DriverFuture<'_, ()> {
        Box::pin(async move { self.not_supported(Operation::Configure, DIRECTORY) })
    }
}

/// Why a real CA's directory is out of reach.
const DIRECTORY: &str = "the users' certificates are published to Active Directory, which the harness only reads (over LDAP, as each user)";

/// Why it is out of reach when the target does not name it.
const NO_DIRECTORY: &str = "the users' certificates are published to Active Directory, which is reached over LDAP, not through the CA: \
     give the target's directory = \"ldaps://...\" and base_dn";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::test_support::block_on;
    use mailconform_smime::Use;

    fn spec(purpose: Use, exportable: bool) -> TemplateSpec {
        TemplateSpec { purpose: Some(purpose), min_key_bits: 2048, exportable, publish_to_directory: true }
    }

    fn real() -> RealAuthority {
        let templates = BTreeMap::from([("SecureMailSigning".to_string(), spec(Use::Signing, true))]);
        RealAuthority { role: "adcs".into(), url: "https://ca.corp.example/certsrv".into(), templates, directory: None }
    }

    #[test]
    fn a_real_ca_issues_a_template_only_as_its_target_declares_it() {
        let ca = real();
        block_on(ca.issue_template("SecureMailSigning", &spec(Use::Signing, true))).expect("declared so");
        for (name, other) in [("SecureMailSigning", spec(Use::Signing, false)), ("SecureMailEncryption", spec(Use::Encryption, true))] {
            let e = block_on(ca.issue_template(name, &other)).unwrap_err();
            assert!(e.is_not_applicable(), "{e}");
            assert!(e.to_string().contains("[target.adcs.template.NAME]") && e.to_string().contains("ca.corp.example"), "{e}");
        }
        assert_eq!(block_on(ca.templates()).unwrap().keys().collect::<Vec<_>>(), ["SecureMailSigning"]);
    }

    #[test]
    fn a_real_cas_directory_is_not_applicable_naming_ldap() {
        let ca = real();
        let errors = [
            block_on(ca.entry("alice")).map(drop).unwrap_err(),
            block_on(ca.publish("alice", Vec::new())).unwrap_err(),
            block_on(ca.allow_anonymous_search()).unwrap_err(),
        ];
        for e in errors {
            assert!(e.is_not_applicable() && e.to_string().contains("LDAP"), "{e}");
        }
    }
}
