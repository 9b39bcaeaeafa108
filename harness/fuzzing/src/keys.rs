//! The fixed keys and names the token targets verify with, and the seed generator signs with.
//!
//! A token seed only reaches the code behind the signature check if the fuzz target trusts the
//! key that signed it, in another process and on another day. So the key is not random: its
//! scalar is the SHA-256 of a label, wrapped as an RFC 5915 `ECPrivateKey`. It protects
//! nothing; it exists so that seeds stay valid.

use aws_lc_rs::digest::{digest, SHA256};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::Engine;
use mailconform_apns::TeamKey;

/// "Now" for every time check of the token and ticket targets (2026-01-05T09:00:00Z).
pub const NOW_SECS: u64 = 1_767_603_600;

/// The OAuth issuer and audience of the `jwt` target.
pub const OAUTH_ISSUER: &str = "https://login.example.test/tenant";
/// The `kid` of the issuer's one key.
pub const OAUTH_KID: &str = "fuzz-key-1";
/// The resource the tokens are for (`aud`).
pub const OAUTH_AUDIENCE: &str = "https://mail.example.test";

/// The APNs team and key id of the `apns_jwt` target.
pub const APNS_TEAM_ID: &str = "TEAM123456";
/// The `kid` of the team's signing key.
pub const APNS_KEY_ID: &str = "KEY1234567";

/// The Kerberos realm and service of the `kerberos` and `spnego` targets.
pub const REALM: &str = "EXAMPLE.TEST";
/// The service whose keytab accepts the tickets.
pub const SERVICE_SPN: &str = "HTTP/mail.example.test";
/// The service account's password, from which its key derives.
pub const SERVICE_PASSWORD: &str = "exchange-service-password";
/// The user the tickets are issued to.
pub const USER_UPN: &str = "alice@example.test";
/// The user's password at the KDC.
pub const USER_PASSWORD: &str = "alice-password";

/// The P-256 key named by `label`, as PKCS#8 DER.
pub fn p256_pkcs8(label: &str) -> Vec<u8> {
    key_pair(label).to_pkcs8v1().expect("a P-256 key serializes to PKCS#8").as_ref().to_vec()
}

fn key_pair(label: &str) -> EcdsaKeyPair {
    let scalar = digest(&SHA256, label.as_bytes());
    // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING (32), [0] prime256v1 }
    let mut der = vec![0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
    der.extend_from_slice(scalar.as_ref());
    der.extend_from_slice(&[0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
    EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &der).expect("a SHA-256 digest is a valid P-256 scalar")
}

/// The OAuth issuer's signing key.
pub fn oauth_pkcs8() -> Vec<u8> {
    p256_pkcs8("mailconform fuzz oauth issuer")
}

/// The APNs provider's signing key (an AuthKey `.p8`'s content).
pub fn apns_pkcs8() -> Vec<u8> {
    p256_pkcs8("mailconform fuzz apns team")
}

/// The team key APNs trusts for [`apns_pkcs8`].
pub fn apns_team_key() -> TeamKey {
    let pair = key_pair("mailconform fuzz apns team");
    let spki = pair.public_key().as_der().expect("a P-256 public key serializes to SPKI");
    let b64 = base64::engine::general_purpose::STANDARD.encode(spki.as_ref());
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    TeamKey { team_id: APNS_TEAM_ID.into(), key_id: APNS_KEY_ID.into(), public_key_pem: pem }
}

/// SEG's account at the fixture KDC, allowed to delegate to [`SERVICE_SPN`].
pub const SEG_SPN: &str = "HTTP/seg.example.test";
/// Its password.
pub const SEG_PASSWORD: &str = "seg-service-password";

/// The fixture KDC of the `kerberos` and `kdc_request` targets: the user, the service, SEG
/// delegating to it; its randomness (the key that seals its TGTs) fixed, so that a TGS request
/// recorded once is read again by every fixture KDC.
pub fn kdc(clock: mailconform_sim::Clock) -> mailconform_auth::kerberos::Kdc {
    let kdc = mailconform_auth::kerberos::Kdc::new(REALM, clock, mailconform_sim::SeededRng::new(93).fork("kdc"));
    kdc.add_user(USER_UPN, USER_PASSWORD);
    kdc.add_service(SERVICE_SPN, SERVICE_PASSWORD, &[]);
    kdc.add_service(SEG_SPN, SEG_PASSWORD, &[SERVICE_SPN]);
    kdc
}
