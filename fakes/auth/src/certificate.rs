//! The user a client certificate names: the UPN in its subjectAltName otherName
//! (1.3.6.1.4.1.311.20.2.3, "Microsoft UPN"), which is what IIS client-certificate mapping and
//! SEG's KCD read. A certificate without one has a null UPN.

use crate::der;
use crate::error::{AuthError, Result};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::FromDer;

/// The OID arcs of the UPN otherName.
pub const UPN_OID: [u64; 10] = [1, 3, 6, 1, 4, 1, 311, 20, 2, 3];

/// The UPN of a DER certificate, `None` when it carries none.
pub fn upn(cert_der: &[u8]) -> Result<Option<String>> {
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(cert_der).map_err(|e| AuthError::Certificate(e.to_string()))?;
    let Ok(Some(san)) = cert.subject_alternative_name() else { return Ok(None) };
    let want = der::oid(&UPN_OID);
    for name in &san.value.general_names {
        if let GeneralName::OtherName(oid, value) = name {
            if oid.as_bytes() != want.as_slice() {
                continue;
            }
            // value is `[0] EXPLICIT UTF8String`.
            let (inner, _) = der::expect(value, der::ctx(0)).map_err(|e| AuthError::Certificate(format!("UPN otherName: {e}")))?;
            let (text, _) = der::expect(inner, der::UTF8_STRING).map_err(|e| AuthError::Certificate(format!("UPN otherName: {e}")))?;
            return String::from_utf8(text.to_vec()).map(Some).map_err(|_| AuthError::Certificate("the UPN is not UTF-8".into()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, KeyPair, SanType};

    #[test]
    fn reads_the_upn_other_name() {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(vec!["alice".to_string()]).unwrap();
        p.subject_alt_names.push(SanType::OtherName((UPN_OID.to_vec(), "alice@example.test".into())));
        let cert = p.self_signed(&key).unwrap();
        assert_eq!(upn(cert.der()).unwrap().as_deref(), Some("alice@example.test"));
        let plain = CertificateParams::new(vec!["alice".to_string()]).unwrap().self_signed(&key).unwrap();
        assert_eq!(upn(plain.der()).unwrap(), None);
        assert!(upn(b"not a certificate").is_err());
    }
}
