//! A fake OAuth token issuer (ES256 JWTs, a JWKS) and the verifier a resource server runs.
//!
//! The verifier checks what Exchange Online checks of an access token: the signature against
//! the issuer's published keys (ES256 with an EC key, or RS256 with an RSA key, as Microsoft
//! Entra ID, Keycloak and most identity providers sign; `alg: none`, other algorithms and an
//! algorithm that is not its key's are refused, so an algorithm-confusion token fails), `iss`,
//! `aud` (the resource, e.g.
//! `https://mail.example.test`), `nbf`/`exp` against the run's clock with five minutes of
//! skew, and a user claim (`upn`, `email` or `preferred_username`).

use crate::error::{AuthError, Result};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, KeyPair, RsaPublicKeyComponents, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING,
    RSA_PKCS1_2048_8192_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Skew allowed between the issuer's clock and the resource's (Microsoft identity platform: 5 min).
pub const CLOCK_SKEW_SECS: u64 = 300;

/// An issuer with one ES256 signing key.
pub struct TokenIssuer {
    issuer: String,
    kid: String,
    key: EcdsaKeyPair,
}

impl TokenIssuer {
    /// A new issuer named `issuer` (its `iss`) with a fresh key called `kid`.
    pub fn new(issuer: &str, kid: &str) -> Result<Self> {
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|e| AuthError::Crypto(format!("generating the ES256 key: {e}")))?;
        Ok(TokenIssuer { issuer: issuer.into(), kid: kid.into(), key })
    }

    /// An issuer that signs with a known P-256 key (PKCS#8 DER), so that tokens it signs in one
    /// process verify in another: fixtures such as the fuzz seeds, which must still verify
    /// when the fuzz target reads them.
    pub fn from_pkcs8(issuer: &str, kid: &str, pkcs8_der: &[u8]) -> Result<Self> {
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8_der)
            .map_err(|e| AuthError::Crypto(format!("reading the ES256 key: {e}")))?;
        Ok(TokenIssuer { issuer: issuer.into(), kid: kid.into(), key })
    }

    /// Its `iss` claim value, which a resource's [`OAuthTrust`] must name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The JSON Web Key Set a verifier fetches (RFC 7517).
    pub fn jwks(&self) -> Value {
        let point = self.key.public_key().as_ref();
        json!({"keys": [{
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": self.kid,
            "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65]),
        }]})
    }

    /// The trust a resource needs to accept this issuer's tokens for `audience`.
    pub fn trust(&self, audience: &str) -> OAuthTrust {
        OAuthTrust { issuer: self.issuer.clone(), audience: audience.into(), jwks: self.jwks() }
    }

    /// An access token for `user` (as `upn`) to `audience`, valid from `now` for `lifetime_secs`.
    pub fn issue(&self, user: &str, audience: &str, now: u64, lifetime_secs: u64) -> String {
        self.sign(&json!({
            "iss": self.issuer, "aud": audience, "upn": user, "unique_name": user,
            "iat": now, "nbf": now, "exp": now + lifetime_secs, "scp": "EWS.AccessAsUser.All",
        }))
    }

    /// Signs arbitrary claims (for tokens a test wants to be wrong in one way).
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": self.kid});
        let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
        let sig = self.key.sign(&SystemRandom::new(), input.as_bytes()).expect("ES256 signs");
        format!("{input}.{}", B64.encode(sig.as_ref()))
    }
}

/// What a resource trusts: one issuer, its keys, and the audience tokens must name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthTrust {
    /// The `iss` a token must carry (RFC 7519 §4.1.1).
    pub issuer: String,
    /// This resource's identifier, which a token's `aud` must contain (RFC 7519 §4.1.3);
    /// compared case-insensitively and without a trailing slash.
    pub audience: String,
    /// The issuer's JWKS (`{"keys": [...]}`).
    pub jwks: Value,
}

/// The claims a verified token carried that a resource uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The mailbox user: the first of `upn`, `email`, `preferred_username`.
    pub user: String,
    /// The `iss` claim.
    pub issuer: String,
    /// Every audience of the `aud` claim (a string or an array on the wire).
    pub audience: Vec<String>,
    /// The `exp` claim (unix seconds).
    pub expires: u64,
    /// The `scp` claim (delegated permissions, e.g. `EWS.AccessAsUser.All`), if any.
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

fn part(s: &str, what: &str) -> Result<Vec<u8>> {
    B64.decode(s.trim_end_matches('=')).map_err(|e| AuthError::JwtMalformed(format!("the {what} is not base64url: {e}")))
}

fn num(v: &Value, name: &str) -> Result<Option<u64>> {
    match &v[name] {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().map(|f| f.max(0.0) as u64))
            .map(Some)
            .ok_or_else(|| AuthError::JwtMalformed(format!("`{name}` is not a time"))),
        _ => Err(AuthError::JwtMalformed(format!("`{name}` is not a number"))),
    }
}

/// The signature algorithms a token may name (RFC 7518 §3.1).
const ACCEPTED_ALGORITHMS: [&str; 2] = ["ES256", "RS256"];

/// Whether JWK `key` (RFC 7517) verifies `sig` over `input` with `alg`: an EC P-256 key for
/// ES256, an RSA key for RS256, and never a key whose own `alg` names another algorithm.
fn verifies(key: &Value, alg: &str, input: &[u8], sig: &[u8]) -> bool {
    if key["alg"].as_str().is_some_and(|own| own != alg) {
        return false;
    }
    let field = |name: &str| key[name].as_str().and_then(|v| B64.decode(v.trim_end_matches('=')).ok());
    match (alg, key["kty"].as_str()) {
        ("ES256", Some("EC")) => {
            let (Some(x), Some(y)) = (field("x"), field("y")) else { return false };
            let mut point = vec![0x04];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point).verify(input, sig).is_ok()
        }
        ("RS256", Some("RSA")) => {
            let (Some(n), Some(e)) = (field("n"), field("e")) else { return false };
            RsaPublicKeyComponents { n: &n, e: &e }.verify(&RSA_PKCS1_2048_8192_SHA256, input, sig).is_ok()
        }
        _ => false,
    }
}

impl OAuthTrust {
    /// Verifies `token` at `now` (unix seconds).
    pub fn verify(&self, token: &str, now: u64) -> Result<VerifiedToken> {
        let mut parts = token.trim().split('.');
        let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(AuthError::JwtMalformed("a JWS has three dot-separated parts".into()));
        };
        let header: Header =
            serde_json::from_slice(&part(h, "header")?).map_err(|e| AuthError::JwtMalformed(format!("the header is not JSON: {e}")))?;
        if !ACCEPTED_ALGORITHMS.contains(&header.alg.as_str()) {
            return Err(AuthError::JwtMalformed(format!(
                "algorithm {} is not accepted; a token is signed with {}",
                header.alg,
                ACCEPTED_ALGORITHMS.join(" or ")
            )));
        }
        let sig = part(s, "signature")?;
        let input = format!("{h}.{c}");
        let keys = self.jwks["keys"].as_array().cloned().unwrap_or_default();
        let verified = keys
            .iter()
            .filter(|k| header.kid.is_none() || k["kid"].as_str() == header.kid.as_deref())
            .any(|k| verifies(k, &header.alg, input.as_bytes(), &sig));
        if !verified {
            return Err(AuthError::JwtSignature);
        }
        let claims: Value =
            serde_json::from_slice(&part(c, "claims")?).map_err(|e| AuthError::JwtMalformed(format!("the claims are not JSON: {e}")))?;
        if !claims.is_object() {
            return Err(AuthError::JwtMalformed("the claims are not a JSON object".into()));
        }
        let iss = claims["iss"].as_str().unwrap_or_default();
        if iss != self.issuer {
            return Err(AuthError::JwtIssuer { got: iss.into(), want: self.issuer.clone() });
        }
        let exp = num(&claims, "exp")?.ok_or_else(|| AuthError::JwtMalformed("the token has no `exp`".into()))?;
        let nbf = num(&claims, "nbf")?.unwrap_or(0);
        if now + CLOCK_SKEW_SECS < nbf || now >= exp.saturating_add(CLOCK_SKEW_SECS) {
            return Err(AuthError::JwtTime { nbf, exp, now, skew: CLOCK_SKEW_SECS });
        }
        let audience: Vec<String> = match &claims["aud"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        };
        let norm = |a: &str| a.trim_end_matches('/').to_ascii_lowercase();
        if !audience.iter().any(|a| norm(a) == norm(&self.audience)) {
            return Err(AuthError::JwtAudience { got: audience, want: self.audience.clone() });
        }
        let user = ["upn", "email", "preferred_username"].iter().find_map(|k| claims[*k].as_str()).ok_or(AuthError::JwtNoUser)?;
        Ok(VerifiedToken {
            user: user.into(),
            issuer: iss.into(),
            audience,
            expires: exp,
            scope: claims["scp"].as_str().map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUD: &str = "https://mail.example.test";
    const NOW: u64 = 1_767_603_600;

    fn issuer() -> TokenIssuer {
        TokenIssuer::new("https://login.example.test/tenant", "key1").unwrap()
    }

    #[test]
    fn a_token_for_the_audience_verifies() {
        let i = issuer();
        let t = i.trust(AUD).verify(&i.issue("alice@example.test", AUD, NOW, 3600), NOW + 10).unwrap();
        assert_eq!(t.user, "alice@example.test");
        assert_eq!(t.audience, [AUD]);
    }

    #[test]
    fn issuers_from_one_known_key_verify_each_others_tokens() {
        let pkcs8 = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap().to_pkcs8v1().unwrap().as_ref().to_vec();
        let signer = TokenIssuer::from_pkcs8("https://login.example.test/tenant", "key1", &pkcs8).unwrap();
        let verifier = TokenIssuer::from_pkcs8("https://login.example.test/tenant", "key1", &pkcs8).unwrap();
        let t = signer.issue("alice@example.test", AUD, NOW, 3600);
        assert_eq!(verifier.trust(AUD).verify(&t, NOW).unwrap().user, "alice@example.test");
        assert!(matches!(TokenIssuer::from_pkcs8("x", "k", b"not a key"), Err(AuthError::Crypto(_))));
    }

    #[test]
    fn wrong_audience_issuer_key_and_time_fail() {
        let i = issuer();
        let trust = i.trust(AUD);
        assert!(matches!(
            trust.verify(&i.issue("alice@example.test", "https://graph.example.test", NOW, 3600), NOW),
            Err(AuthError::JwtAudience { .. })
        ));
        let other = TokenIssuer::new("https://login.example.test/tenant", "key1").unwrap();
        assert_eq!(trust.verify(&other.issue("alice@example.test", AUD, NOW, 3600), NOW), Err(AuthError::JwtSignature));
        let t = i.issue("alice@example.test", AUD, NOW, 3600);
        assert!(trust.verify(&t, NOW + 3600 + CLOCK_SKEW_SECS - 1).is_ok());
        assert!(matches!(trust.verify(&t, NOW + 3600 + CLOCK_SKEW_SECS), Err(AuthError::JwtTime { .. })));
        assert!(matches!(trust.verify(&t, NOW - CLOCK_SKEW_SECS - 1), Err(AuthError::JwtTime { .. })));
        let wrong_iss = i.sign(&json!({"iss": "https://evil.test", "aud": AUD, "upn": "a", "exp": NOW + 10}));
        assert!(matches!(trust.verify(&wrong_iss, NOW), Err(AuthError::JwtIssuer { .. })));
        let no_user = i.sign(&json!({"iss": i.issuer(), "aud": AUD, "exp": NOW + 10}));
        assert_eq!(trust.verify(&no_user, NOW), Err(AuthError::JwtNoUser));
    }

    #[test]
    fn tampered_and_unsigned_tokens_fail() {
        let i = issuer();
        let trust = i.trust(AUD);
        let t = i.issue("alice@example.test", AUD, NOW, 3600);
        let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
        parts[1] = B64.encode(json!({"iss": i.issuer(), "aud": AUD, "upn": "bob@example.test", "exp": NOW + 3600}).to_string());
        assert_eq!(trust.verify(&parts.join("."), NOW), Err(AuthError::JwtSignature));
        let none = format!("{}.{}.", B64.encode(r#"{"alg":"none"}"#), parts[1]);
        assert!(matches!(trust.verify(&none, NOW), Err(AuthError::JwtMalformed(_))));
    }

    /// An RS256 token signed by a fresh RSA key, and that key's JWK.
    fn rs256(claims: &Value) -> (String, Value) {
        use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
        use aws_lc_rs::signature::RSA_PKCS1_SHA256;
        let key = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let public = key.public_key();
        let jwk = json!({
            "kty": "RSA", "kid": "rsa1", "use": "sig",
            "n": B64.encode(public.modulus().big_endian_without_leading_zero()),
            "e": B64.encode(public.exponent().big_endian_without_leading_zero()),
        });
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": "rsa1"});
        let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
        let mut sig = vec![0; key.public_modulus_len()];
        key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut sig).unwrap();
        (format!("{input}.{}", B64.encode(sig)), jwk)
    }

    #[test]
    fn an_rs256_token_verifies_with_its_rsa_key_and_with_no_other_kind() {
        let claims = json!({"iss": "https://idp.example.test", "aud": AUD, "preferred_username": "alice@example.test", "exp": NOW + 60});
        let (token, jwk) = rs256(&claims);
        let trust = |keys: Vec<Value>| OAuthTrust {
            issuer: "https://idp.example.test".into(),
            audience: AUD.into(),
            jwks: json!({ "keys": keys }),
        };
        assert_eq!(trust(vec![jwk.clone()]).verify(&token, NOW).unwrap().user, "alice@example.test");
        // The key must be the token's kind and algorithm: an EC key of the same kid, or the RSA
        // key marked for another algorithm, verifies nothing.
        let ec = issuer().jwks()["keys"][0].clone();
        let ec_named_rsa1 = json!({"kty": "EC", "crv": "P-256", "kid": "rsa1", "x": ec["x"], "y": ec["y"]});
        assert_eq!(trust(vec![ec_named_rsa1]).verify(&token, NOW), Err(AuthError::JwtSignature));
        let mut for_ps256 = jwk.clone();
        for_ps256["alg"] = json!("PS256");
        assert_eq!(trust(vec![for_ps256]).verify(&token, NOW), Err(AuthError::JwtSignature));
        // Another RSA key of the same kid does not verify it either.
        let (_, other) = rs256(&claims);
        assert_eq!(trust(vec![other]).verify(&token, NOW), Err(AuthError::JwtSignature));
        let hs256 = format!("{}.{}.", B64.encode(r#"{"alg":"HS256"}"#), token.split('.').nth(1).unwrap());
        let e = trust(vec![jwk]).verify(&hs256, NOW).unwrap_err();
        assert!(e.to_string().contains("ES256 or RS256"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC{0,80}", cut in 0usize..400) {
            let i = issuer();
            let trust = i.trust(AUD);
            proptest::prop_assert!(trust.verify(&s, NOW).is_err());
            let t = i.issue("alice@example.test", AUD, NOW, 3600);
            if cut < t.len() {
                proptest::prop_assert!(trust.verify(&t[..cut], NOW).is_err());
            }
        }
    }
}
