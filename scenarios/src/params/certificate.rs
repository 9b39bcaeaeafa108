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

/// What the user turns on in Secure Mail's S/MIME settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "smime_settings", regex = "signing, encryption and Encrypt by default|signing and encryption|signing|encryption")]
pub struct SmimeSwitches {
    /// "Enable signing".
    pub sign: bool,
    /// "Enable encryption".
    pub encrypt: bool,
    /// "Encrypt by default".
    pub encrypt_by_default: bool,
}

closed_vocabulary!(SmimeSwitches, "S/MIME settings", {
    "signing, encryption and Encrypt by default" => SmimeSwitches { sign: true, encrypt: true, encrypt_by_default: true },
    "signing and encryption" => SmimeSwitches { sign: true, encrypt: true, encrypt_by_default: false },
    "signing" => SmimeSwitches { sign: true, encrypt: false, encrypt_by_default: false },
    "encryption" => SmimeSwitches { sign: false, encrypt: true, encrypt_by_default: false },
});

/// How a message left Secure Mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "sent_form", regex = "signed and encrypted|signed, not encrypted|encrypted, not signed|neither signed nor encrypted")]
pub struct SentForm {
    /// Signed.
    pub signed: bool,
    /// Encrypted.
    pub encrypted: bool,
}

closed_vocabulary!(SentForm, "how a message was sent", {
    "signed and encrypted" => SentForm { signed: true, encrypted: true },
    "signed, not encrypted" => SentForm { signed: true, encrypted: false },
    "encrypted, not signed" => SentForm { signed: false, encrypted: true },
    "neither signed nor encrypted" => SentForm { signed: false, encrypted: false },
});

/// Why Secure Mail refuses a certificate file or cannot open a message, by the kind of error it shows.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "smime_refusal",
    regex = "the password is wrong|it is not a whole certificate file|it has no certificate to decrypt with|it is not encrypted for its certificate|the directory cannot be searched|the app is older than 10\\.8\\.10"
)]
pub struct SmimeRefusal(pub mailconform_fakes::ErrorKind);

closed_vocabulary!(SmimeRefusal, "why an S/MIME file or message is refused", {
    "the password is wrong" => SmimeRefusal(mailconform_fakes::ErrorKind::WrongPassword),
    "it is not a whole certificate file" => SmimeRefusal(mailconform_fakes::ErrorKind::NotACertificateFile),
    "it has no certificate to decrypt with" => SmimeRefusal(mailconform_fakes::ErrorKind::NoCertificate),
    "it is not encrypted for its certificate" => SmimeRefusal(mailconform_fakes::ErrorKind::NotARecipient),
    "the directory cannot be searched" => SmimeRefusal(mailconform_fakes::ErrorKind::DirectoryUnavailable),
    "the app is older than 10.8.10" => SmimeRefusal(mailconform_fakes::ErrorKind::VersionTooOld { minimum: std::borrow::Cow::Borrowed("10.8.10") }),
});

/// Where Secure Mail's own certificates come from, besides mailed PFX files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "cert_source", regex = "the shared vault|derived credentials")]
pub struct CertSource(pub mailconform_fakes::securemail::smime::CertificateSource);

closed_vocabulary!(CertSource, "a certificate source", {
    "the shared vault" => CertSource(mailconform_fakes::securemail::smime::CertificateSource::SharedVault),
    "derived credentials" => CertSource(mailconform_fakes::securemail::smime::CertificateSource::DerivedCredentials),
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
        closed::<SmimeSwitches>();
        closed::<SentForm>();
        closed::<SmimeRefusal>();
        closed::<CertSource>();
        rejects::<BaseTemplate>("Exchange Signature");
        assert_eq!("Exchange User".parse::<BaseTemplate>(), Ok(BaseTemplate(Some(Use::Encryption))));
        assert_eq!("signing".parse::<CertUse>(), Ok(CertUse(Use::Signing)));
        assert_eq!("the key is shorter than the template's minimum".parse::<Denial>().map(|d| d.0), Ok("0x80094811"));
    }
}
