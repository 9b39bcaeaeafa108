//! ES256 provider tokens (JWT) as Apple specifies them: header `{"alg":"ES256","kid":<key
//! id>}`, claims `{"iss":<team id>,"iat":<epoch seconds>}`, signed with a P-256 key, the
//! signature in JOSE form (r‖s, 64 bytes), every part base64url without padding.
//!
//! Signing and verification use aws-lc-rs. ECDSA signing draws a fresh nonce, so a token's
//! signature differs from run to run; nothing a run reports contains one.

use crate::error::ApnsError;
use crate::TeamKey;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ParsedPublicKey, ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivatePkcs8KeyDer, SubjectPublicKeyInfoDer};

/// base64url that also accepts padded input: RFC 7515 forbids padding, but a token is not
/// worth rejecting for it when the signature checks out.
const B64URL_LENIENT: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

/// Tokens longer than this are not parsed (real ones are about 200 characters).
pub(crate) const MAX_TOKEN_LEN: usize = 4096;

/// A decoded, not yet verified, provider token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderToken {
    /// `kid` of the JOSE header: the signing key's 10-character id.
    pub key_id: String,
    /// `iss` claim: the 10-character team id.
    pub team_id: String,
    /// `iat`, UNIX seconds.
    pub issued_at: u64,
    signing_input: String,
    signature: Vec<u8>,
}

impl ProviderToken {
    /// Split and decode `header.claims.signature`. The error says what is wrong, for logs; the
    /// server answers `InvalidProviderToken` whatever it is.
    pub fn decode(token: &str) -> Result<ProviderToken, ApnsError> {
        let bad = |why: &str| ApnsError::Jwt(why.to_string());
        if token.len() > MAX_TOKEN_LEN {
            return Err(bad("longer than any provider token"));
        }
        let mut parts = token.split('.');
        let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad("not three dot-separated parts"));
        };
        let header: serde_json::Value = decode_json(h).ok_or_else(|| bad("header is not base64url JSON"))?;
        let claims: serde_json::Value = decode_json(c).ok_or_else(|| bad("claims are not base64url JSON"))?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("ES256") {
            return Err(bad("alg is not ES256"));
        }
        let key_id = header.get("kid").and_then(|k| k.as_str()).ok_or_else(|| bad("no kid in the header"))?;
        let team_id = claims.get("iss").and_then(|k| k.as_str()).ok_or_else(|| bad("no iss claim"))?;
        let issued_at = match claims.get("iat") {
            Some(v) if v.is_u64() => v.as_u64().unwrap_or_default(),
            Some(v) if v.as_f64().is_some_and(|f| (0.0..1e15).contains(&f)) => v.as_f64().unwrap_or_default() as u64,
            _ => return Err(bad("no numeric iat claim")),
        };
        let signature = B64URL_LENIENT.decode(s).map_err(|_| bad("signature is not base64url"))?;
        Ok(ProviderToken {
            key_id: key_id.to_string(),
            team_id: team_id.to_string(),
            issued_at,
            signing_input: format!("{h}.{c}"),
            signature,
        })
    }

    /// Whether the signature is the key's, over the token's own header and claims.
    pub fn verify(&self, key: &ParsedPublicKey) -> bool {
        key.verify_sig(self.signing_input.as_bytes(), &self.signature).is_ok()
    }
}

fn decode_json(part: &str) -> Option<serde_json::Value> {
    let bytes = B64URL_LENIENT.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok().filter(|v: &serde_json::Value| v.is_object())
}

/// Sign a provider token as a provider does (Apple's AuthKey `.p8` files are PKCS#8 P-256 keys).
pub fn sign_es256(team_id: &str, key_id: &str, pkcs8_der: &[u8], iat: u64) -> Result<String, ApnsError> {
    let key = signing_key(pkcs8_der)?;
    sign_with(&key, team_id, key_id, iat)
}

pub(crate) fn signing_key(pkcs8_der: &[u8]) -> Result<EcdsaKeyPair, ApnsError> {
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8_der).map_err(|e| ApnsError::SigningKey(e.to_string()))
}

pub(crate) fn sign_with(key: &EcdsaKeyPair, team_id: &str, key_id: &str, iat: u64) -> Result<String, ApnsError> {
    let header = serde_json::json!({"alg": "ES256", "kid": key_id});
    let claims = serde_json::json!({"iss": team_id, "iat": iat});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap_or_default()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default())
    );
    let sig = key.sign(&SystemRandom::new(), input.as_bytes()).map_err(|_| ApnsError::SigningKey("ECDSA signing failed".into()))?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref())))
}

/// A fresh P-256 key for a team: the [`TeamKey`] APNs verifies with, and the private key as
/// PKCS#8 DER and as the PEM text of an AuthKey `.p8` file.
pub fn generate_team_key(team_id: &str, key_id: &str) -> (TeamKey, Vec<u8>, String) {
    // Generating a P-256 key fails only if the crypto library itself is broken.
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("aws-lc-rs generates P-256 keys");
    let pkcs8 = pair.to_pkcs8v1().expect("a generated key serializes to PKCS#8").as_ref().to_vec();
    let spki = pair.public_key().as_der().expect("a P-256 public key serializes to SPKI").as_ref().to_vec();
    let team = TeamKey { team_id: team_id.to_string(), key_id: key_id.to_string(), public_key_pem: pem("PUBLIC KEY", &spki) };
    (team, pkcs8.clone(), pem("PRIVATE KEY", &pkcs8))
}

/// The [`TeamKey`] (public half) of a signing key kept as an AuthKey `.p8` file, with the
/// key's PKCS#8 DER: a served APNs restarted on the same state directory keeps trusting the
/// key its providers already hold.
pub fn team_key_from_p8(team_id: &str, key_id: &str, p8: &str) -> Result<(TeamKey, Vec<u8>), ApnsError> {
    let pkcs8 = pkcs8_from_pem(p8)?;
    let pair = signing_key(&pkcs8)?;
    let spki = pair.public_key().as_der().map_err(|e| ApnsError::SigningKey(e.to_string()))?.as_ref().to_vec();
    Ok((TeamKey { team_id: team_id.to_string(), key_id: key_id.to_string(), public_key_pem: pem("PUBLIC KEY", &spki) }, pkcs8))
}

/// A verification key from the SPKI PEM of a [`TeamKey`] (or a bare SPKI DER).
pub fn public_key(team: &TeamKey) -> Result<ParsedPublicKey, ApnsError> {
    let bad = |reason: String| ApnsError::TeamKey { key_id: team.key_id.clone(), reason };
    let der = match SubjectPublicKeyInfoDer::from_pem_slice(team.public_key_pem.as_bytes()) {
        Ok(d) => d.as_ref().to_vec(),
        Err(e) => return Err(bad(format!("no PUBLIC KEY block: {e}"))),
    };
    ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, der).map_err(|e| bad(format!("not a P-256 key: {e}")))
}

/// The PKCS#8 DER inside an AuthKey `.p8` file's PEM text.
pub fn pkcs8_from_pem(pem_text: &str) -> Result<Vec<u8>, ApnsError> {
    let der =
        PrivatePkcs8KeyDer::from_pem_slice(pem_text.as_bytes()).map_err(|e| ApnsError::SigningKey(format!("no PRIVATE KEY block: {e}")))?;
    let bytes = der.secret_pkcs8_der().to_vec();
    signing_key(&bytes)?;
    Ok(bytes)
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn signs_and_verifies_round_trip() {
        let (team, der, pem_text) = generate_team_key("TEAM123456", "KEY1234567");
        assert!(team.public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(pkcs8_from_pem(&pem_text).unwrap(), der);
        let token = sign_es256("TEAM123456", "KEY1234567", &der, 1_767_603_600).unwrap();
        let t = ProviderToken::decode(&token).unwrap();
        assert_eq!((t.team_id.as_str(), t.key_id.as_str(), t.issued_at), ("TEAM123456", "KEY1234567", 1_767_603_600));
        assert!(t.verify(&public_key(&team).unwrap()));
        let (other, _, _) = generate_team_key("TEAM123456", "KEY1234567");
        assert!(!t.verify(&public_key(&other).unwrap()));
    }

    #[test]
    fn header_and_claims_are_apples_shape() {
        let (_, der, _) = generate_team_key("T", "K");
        let token = sign_es256("T", "K", &der, 42).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let h: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let c: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(h, serde_json::json!({"alg": "ES256", "kid": "K"}));
        assert_eq!(c, serde_json::json!({"iss": "T", "iat": 42}));
        assert_eq!(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().len(), 64);
        assert!(!token.contains('='));
    }

    #[test]
    fn a_tampered_claim_fails_verification() {
        let (team, der, _) = generate_team_key("TEAM123456", "KEY1234567");
        let token = sign_es256("TEAM123456", "KEY1234567", &der, 1000).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"iss":"TEAM123456","iat":999999}"#);
        let t = ProviderToken::decode(&format!("{}.{}.{}", parts[0], forged, parts[2])).unwrap();
        assert_eq!(t.issued_at, 999999);
        assert!(!t.verify(&public_key(&team).unwrap()));
    }

    #[test]
    fn rejects_malformed_tokens_and_keys() {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","kid":"K"}"#);
        let c = URL_SAFE_NO_PAD.encode(br#"{"iss":"T","iat":1}"#);
        assert!(ProviderToken::decode(&format!("{h}.{c}.AAAA")).is_err());
        assert!(ProviderToken::decode("a.b").is_err());
        assert!(ProviderToken::decode("").is_err());
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES256","kid":"K"}"#);
        let no_iat = URL_SAFE_NO_PAD.encode(br#"{"iss":"T"}"#);
        assert!(ProviderToken::decode(&format!("{h}.{no_iat}.AAAA")).is_err());
        assert!(ProviderToken::decode(&format!("{h}.{c}.AAAA")).is_ok());
        let bad = TeamKey { team_id: "T".into(), key_id: "K".into(), public_key_pem: "junk".into() };
        assert!(matches!(public_key(&bad), Err(ApnsError::TeamKey { .. })));
        assert!(sign_es256("T", "K", b"not a key", 1).is_err());
        assert!(pkcs8_from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_tokens_never_panic(s in "\\PC{0,300}") {
            let _ = ProviderToken::decode(&s);
        }

        #[test]
        fn arbitrary_dotted_base64_never_panics(a in "[A-Za-z0-9_=-]{0,60}", b in "[A-Za-z0-9_=-]{0,60}", c in "[A-Za-z0-9_=-]{0,90}") {
            let _ = ProviderToken::decode(&format!("{a}.{b}.{c}"));
        }
    }
}
