//! Certificates for S/MIME: the AD CS templates the seed duplicates, what a certificate is
//! used for, and why the CA denies a request.

use super::closed_vocabulary;
use mailconform_smime::Use;

/// The AD CS template a new one is duplicated from (seed 002, "Création de nouveaux modèles
/// de certificats"), which fixes its purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "base_template", regex = "Exchange Signature Only|Exchange User|User")]
pub struct BaseTemplate(pub Option<Use>);

closed_vocabulary!(BaseTemplate, "an AD CS certificate template", {
    "Exchange Signature Only" => BaseTemplate(Some(Use::Signing)),
    "Exchange User" => BaseTemplate(Some(Use::Encryption)),
    "User" => BaseTemplate(None),
});

/// What a certificate is for in S/MIME.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "cert_use", regex = "signing|encryption")]
pub struct CertUse(pub Use);

closed_vocabulary!(CertUse, "a certificate's use", {
    "signing" => CertUse(Use::Signing),
    "encryption" => CertUse(Use::Encryption),
});

/// Why the CA denies a request, with the HRESULT AD CS gives for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "denial", regex = "the key is shorter than the template's minimum|the CA does not issue the template")]
pub struct Denial(pub &'static str);

closed_vocabulary!(Denial, "why the CA denies a request", {
    "the key is shorter than the template's minimum" => Denial("0x80094811"),
    "the CA does not issue the template" => Denial("0x80094800"),
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn words_and_what_they_stand_for() {
        closed::<BaseTemplate>();
        closed::<CertUse>();
        closed::<Denial>();
        rejects::<BaseTemplate>("Exchange Signature");
        assert_eq!("Exchange User".parse::<BaseTemplate>(), Ok(BaseTemplate(Some(Use::Encryption))));
        assert_eq!("signing".parse::<CertUse>(), Ok(CertUse(Use::Signing)));
        assert_eq!("the key is shorter than the template's minimum".parse::<Denial>().map(|d| d.0), Ok("0x80094811"));
    }
}
