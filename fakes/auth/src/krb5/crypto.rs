//! Keys and what is done with them: string-to-key, encryption with a key usage, checksums
//! (RFC 3961, and RFC 3962 for AES, through picky-krb), and the HMAC-MD5 checksum that
//! S4U2Self's PA-FOR-USER carries whatever the key's type ([MS-SFU] 2.2.1, RFC 4757 §4).

use super::error::Krb5Error;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use picky_krb::crypto::{ChecksumSuite, CipherSuite, KerberosCryptoError};

/// aes256-cts-hmac-sha1-96 (RFC 3962).
pub const AES256_CTS_HMAC_SHA1_96: i64 = 18;
/// aes128-cts-hmac-sha1-96 (RFC 3962).
pub const AES128_CTS_HMAC_SHA1_96: i64 = 17;
/// The encryption types asked for, strongest first.
pub(crate) const ETYPES: [i64; 2] = [AES256_CTS_HMAC_SHA1_96, AES128_CTS_HMAC_SHA1_96];
/// KERB_CHECKSUM_HMAC_MD5 ([MS-SFU] 2.2.1): PA-FOR-USER's checksum type.
pub(crate) const CKSUM_HMAC_MD5: i64 = -138;

/// A Kerberos key: its encryption type and its value.
#[derive(Clone, PartialEq, Eq)]
pub struct Key {
    etype: i64,
    value: Vec<u8>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key(etype {}, ..)", self.etype)
    }
}

fn suite(etype: i64) -> Result<CipherSuite, Krb5Error> {
    usize::try_from(etype)
        .ok()
        .and_then(|e| CipherSuite::try_from(e).ok())
        .filter(|_| ETYPES.contains(&etype))
        .ok_or(Krb5Error::UnsupportedEtype(etype))
}

fn crypto_error(what: &str, e: KerberosCryptoError) -> Krb5Error {
    match e {
        KerberosCryptoError::IntegrityCheck => Krb5Error::Integrity(what.to_string()),
        other => Krb5Error::Malformed(format!("{what}: {other}")),
    }
}

impl Key {
    /// The long-term key of an account whose password is `password` (string-to-key, RFC 3962
    /// §4: PBKDF2-HMAC-SHA1, 4096 iterations, then the derivation with "kerberos").
    pub fn from_password(etype: i64, password: &str, salt: &str) -> Result<Key, Krb5Error> {
        let value = suite(etype)?
            .cipher()
            .generate_key_from_password(password.as_bytes(), salt.as_bytes())
            .map_err(|e| crypto_error("the password's key", e))?;
        Ok(Key { etype, value })
    }

    /// A key as the KDC sent it (an EncryptionKey: a session key).
    pub(crate) fn new(etype: i64, value: Vec<u8>) -> Result<Key, Krb5Error> {
        let expected = suite(etype)?.cipher().key_size();
        if value.len() != expected {
            return Err(Krb5Error::Malformed(format!("a key of type {etype} with {} bytes instead of {expected}", value.len())));
        }
        Ok(Key { etype, value })
    }

    /// The encryption type.
    pub fn etype(&self) -> i64 {
        self.etype
    }

    pub(crate) fn value(&self) -> &[u8] {
        &self.value
    }

    /// `plain` encrypted for key usage `usage` (a random confounder, the integrity HMAC).
    pub(crate) fn encrypt(&self, usage: i32, plain: &[u8]) -> Result<Vec<u8>, Krb5Error> {
        suite(self.etype)?.cipher().encrypt(&self.value, usage, plain).map_err(|e| crypto_error("encryption", e))
    }

    /// `cipher` decrypted for key usage `usage`; `what` names it in the error.
    pub(crate) fn decrypt(&self, usage: i32, cipher: &[u8], what: &str) -> Result<Vec<u8>, Krb5Error> {
        suite(self.etype)?.cipher().decrypt(&self.value, usage, cipher).map_err(|e| crypto_error(what, e))
    }

    /// The key type's keyed checksum (hmac-sha1-96-aes256 or -aes128) of `data` for `usage`:
    /// its checksum type and value.
    pub(crate) fn checksum(&self, usage: i32, data: &[u8]) -> Result<(i64, Vec<u8>), Krb5Error> {
        let suite = match self.etype {
            AES256_CTS_HMAC_SHA1_96 => ChecksumSuite::HmacSha196Aes256,
            AES128_CTS_HMAC_SHA1_96 => ChecksumSuite::HmacSha196Aes128,
            other => return Err(Krb5Error::UnsupportedEtype(other)),
        };
        let kind = i64::from(u32::from(&suite));
        let value = suite.hasher().checksum(&self.value, usage, data).map_err(|e| crypto_error("a checksum", e))?;
        Ok((kind, value))
    }
}

/// A principal's default salt (RFC 4120 §4): the realm, then each component of its name.
pub fn default_salt(realm: &str, components: &[String]) -> String {
    let mut salt = realm.to_string();
    components.iter().for_each(|c| salt.push_str(c));
    salt
}

/// KERB_CHECKSUM_HMAC_MD5 (RFC 4757 §4, the checksum of RC4-HMAC) of `data` under `key` for
/// key usage `usage`: PA-FOR-USER carries it whatever the session key's type.
pub(crate) fn hmac_md5(key: &[u8], usage: u32, data: &[u8]) -> Vec<u8> {
    let mut signing = <Hmac<Md5> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    signing.update(b"signaturekey\0");
    let signing_key = signing.finalize().into_bytes();
    let mut digest = Md5::new();
    digest.update(usage.to_le_bytes());
    digest.update(data);
    let mut mac = <Hmac<Md5> as Mac>::new_from_slice(&signing_key).expect("HMAC takes a key of any length");
    mac.update(&digest.finalize());
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_term_key_depends_on_password_and_salt() {
        let key = |password: &str, salt: &str| Key::from_password(AES256_CTS_HMAC_SHA1_96, password, salt).unwrap();
        let seg = key("seg-svc-pw", "EXAMPLE.TESTHTTPseg.example.test");
        assert_eq!((seg.value().len(), seg.etype()), (32, AES256_CTS_HMAC_SHA1_96));
        assert_ne!(seg, key("seg-svc-pw", "EXAMPLE.TESTHTTPmail.example.test"), "the salt is part of the key");
        assert_ne!(seg, key("other", "EXAMPLE.TESTHTTPseg.example.test"));
        let aes128 = Key::from_password(AES128_CTS_HMAC_SHA1_96, "seg-svc-pw", "EXAMPLE.TESTHTTPseg.example.test").unwrap();
        assert_eq!(aes128.value().len(), 16);
    }

    #[test]
    fn what_is_encrypted_for_one_usage_does_not_decrypt_for_another_or_with_another_key() {
        let key = Key::from_password(AES256_CTS_HMAC_SHA1_96, "seg-svc-pw", "EXAMPLE.TESTHTTPseg.example.test").unwrap();
        let sealed = key.encrypt(3, b"EncASRepPart").unwrap();
        assert_eq!(key.decrypt(3, &sealed, "the reply").unwrap(), b"EncASRepPart");
        assert!(matches!(key.decrypt(8, &sealed, "the reply"), Err(Krb5Error::Integrity(_))));
        let wrong = Key::from_password(AES256_CTS_HMAC_SHA1_96, "wrong", "EXAMPLE.TESTHTTPseg.example.test").unwrap();
        let e = wrong.decrypt(3, &sealed, "the AS reply").unwrap_err();
        assert!(e.to_string().starts_with("the AS reply did not decrypt: wrong key"), "{e}");
    }

    #[test]
    fn rc4_and_des_are_refused_by_name() {
        let e = Key::from_password(23, "pw", "salt").unwrap_err();
        assert_eq!(e, Krb5Error::UnsupportedEtype(23));
        assert!(Key::new(AES256_CTS_HMAC_SHA1_96, vec![0; 16]).is_err(), "a 16-byte AES-256 key");
    }

    #[test]
    fn the_hmac_md5_checksum_is_rfc_4757s() {
        // Independent of the data's length and keyed: two keys, two checksums of 16 bytes.
        let a = hmac_md5(&[1; 32], 17, b"\x01\x00\x00\x00aliceEXAMPLE.TESTKerberos");
        let b = hmac_md5(&[2; 32], 17, b"\x01\x00\x00\x00aliceEXAMPLE.TESTKerberos");
        assert_eq!((a.len(), a == b), (16, false));
        assert_ne!(a, hmac_md5(&[1; 32], 17, b"\x01\x00\x00\x00bobEXAMPLE.TESTKerberos"));
    }
}
