//! The two ways a provider authenticates, decided per connection as APNs (and Pushy's mock,
//! with TLS client auth OPTIONAL) does: a connection that presented a client certificate is in
//! certificate mode, any other is in token mode.
//!
//! TLS has already checked the certificate's chain and validity dates against the virtual
//! clock before a request gets here; this module reads what the certificate says (the app it
//! is for, the environment) and checks provider tokens.

use crate::jwt::{self, ProviderToken};
use crate::reason::Reason;
use crate::{Environment, TeamKey};
use aws_lc_rs::signature::ParsedPublicKey;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use x509_parser::der_parser::oid::Oid;

/// How a provider request was authenticated, as the log reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// The connection presented a provider certificate in the TLS handshake (Apple, "Establishing a certificate-based connection to APNs").
    Certificate,
    /// The request carried `authorization: bearer <JWT>` (Apple, "Establishing a token-based connection to APNs").
    Token,
}

/// Apple's marker extension of a development (sandbox) push certificate.
pub(crate) const OID_APNS_DEVELOPMENT: &[u64] = &[1, 2, 840, 113635, 100, 6, 3, 1];
/// Apple's marker extension of a production push certificate.
pub(crate) const OID_APNS_PRODUCTION: &[u64] = &[1, 2, 840, 113635, 100, 6, 3, 2];

/// What a provider certificate says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject UID: the bundle id of the app the certificate pushes to.
    pub uid: Option<String>,
    /// The certificate carries Apple's development marker (OID 1.2.840.113635.100.6.3.1): it may push to the sandbox.
    pub development: bool,
    /// The certificate carries Apple's production marker (OID 1.2.840.113635.100.6.3.2): it may push to production.
    pub production: bool,
}

impl CertificateInfo {
    /// Read a DER certificate. Anything unparseable reads as a certificate without a UID,
    /// which the request then fails with `BadCertificate`.
    pub fn parse(der: &[u8]) -> CertificateInfo {
        let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
            return CertificateInfo::default();
        };
        let oid = |arcs: &[u64]| Oid::from(arcs).ok();
        let uid_oid = oid(mailconform_sim::OID_UID);
        let uid = cert
            .subject()
            .iter_attributes()
            .find(|a| Some(a.attr_type()) == uid_oid.as_ref())
            .and_then(|a| a.as_str().ok())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let has = |arcs: &[u64]| {
            let o = oid(arcs);
            cert.extensions().iter().any(|e| Some(&e.oid) == o.as_ref())
        };
        CertificateInfo { uid, development: has(OID_APNS_DEVELOPMENT), production: has(OID_APNS_PRODUCTION) }
    }

    /// The topic a request without `apns-topic` gets: Apple uses the certificate's subject.
    pub(crate) fn default_topic(&self) -> Result<String, Reason> {
        self.uid.clone().ok_or(Reason::BadCertificate)
    }

    /// The topics one certificate covers: the app, its VoIP pushes and its watch
    /// complication (Apple: "one certificate covers one app, plus its watch complication and
    /// VoIP"; Pushy's mock allows exactly these three).
    pub(crate) fn allowed_topics(&self) -> Vec<String> {
        match &self.uid {
            Some(u) => vec![u.clone(), format!("{u}.voip"), format!("{u}.complication")],
            None => Vec::new(),
        }
    }

    /// Check the certificate and the topic.
    ///
    /// * No UID: `BadCertificate`.
    /// * Only the other environment's marker extension: `BadCertificateEnvironment` (certificates
    ///   without either marker, such as the run's own, are taken as universal).
    /// * A topic outside the certificate's allowed topics: `TopicDisallowed`. Which reason real APNs
    ///   gives is UNCONFIRMED (Pushy answers `BadTopic`); `TopicDisallowed` ("pushing to this
    ///   topic is not allowed") is Apple's description closest to the situation.
    pub fn check(&self, environment: Environment, topic: &str) -> Result<(), Reason> {
        if self.uid.is_none() {
            return Err(Reason::BadCertificate);
        }
        let wrong_env = match environment {
            Environment::Production => self.development && !self.production,
            Environment::Sandbox => self.production && !self.development,
        };
        if wrong_env {
            return Err(Reason::BadCertificateEnvironment);
        }
        if !self.allowed_topics().iter().any(|t| t == topic) {
            return Err(Reason::TopicDisallowed);
        }
        Ok(())
    }
}

/// A provider token is rejected as expired once its `iat` is older than this (Apple: "APNs
/// rejects any request whose token contains a timestamp that is more than one hour old").
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 60 * 60;
/// A connection that switches to a new token sooner than this after its previous one gets
/// `TooManyProviderTokenUpdates` (Apple: "no more than once every 20 minutes"). Counted per
/// connection, as Pushy and PyAPNs2 reason about tokens, so providers that open several
/// connections are not penalised.
pub(crate) const MIN_TOKEN_UPDATE_SECS: u64 = 20 * 60;
/// Connections remembered for token binding; beyond this the least recently used is dropped
/// (the server is not told when a connection closes).
pub(crate) const MAX_TRACKED_CONNECTIONS: usize = 4096;

/// Who a verified token speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenIdentity {
    /// The token's `iss` claim: the Apple developer team the key belongs to.
    pub team_id: String,
    /// The token header's `kid`: which of the team's signing keys signed it.
    pub key_id: String,
}

struct KeyEntry {
    team_id: String,
    key: ParsedPublicKey,
}

/// What one connection has shown so far in token mode.
struct ConnectionToken {
    /// The team of the first accepted token: later tokens must be from it.
    team_id: String,
    /// The token in use, as (key id, iat), and when it was first accepted (UNIX seconds).
    current: (String, u64),
    current_since: u64,
    last_used: u64,
}

#[derive(Default)]
struct TokenState {
    keys: HashMap<String, KeyEntry>,
    connections: HashMap<u64, ConnectionToken>,
}

/// Token-mode verification: the team keys and what each connection has used.
#[derive(Default)]
pub struct TokenAuth {
    state: Mutex<TokenState>,
}

impl TokenAuth {
    /// Add (or replace, by key id) a team's key.
    pub fn add_team(&self, team: &TeamKey) -> Result<(), crate::ApnsError> {
        let key = jwt::public_key(team)?;
        let mut s = self.state.lock().expect("token state poisoned");
        s.keys.insert(team.key_id.clone(), KeyEntry { team_id: team.team_id.clone(), key });
        Ok(())
    }

    /// Check the `authorization` header of a request on connection `conn_id` at `now_secs`.
    ///
    /// Order: missing → malformed → unknown key or team, bad signature (all
    /// `InvalidProviderToken`) → another team than the connection's first
    /// (`UnrelatedKeyIdInToken`) → `iat` over an hour old (`ExpiredProviderToken`) → a new
    /// token within 20 minutes of the previous on this connection
    /// (`TooManyProviderTokenUpdates`). A token in the future is not rejected: Apple documents
    /// no rule for it.
    pub fn verify(&self, conn_id: u64, authorization: Option<&http::HeaderValue>, now_secs: u64) -> Result<TokenIdentity, Reason> {
        let Some(value) = authorization else {
            return Err(Reason::MissingProviderToken);
        };
        let value = value.to_str().map_err(|_| Reason::InvalidProviderToken)?.trim();
        // Clients send lowercase "bearer"; the scheme is case-insensitive in HTTP.
        let token = match value.get(..6) {
            Some(scheme) if scheme.eq_ignore_ascii_case("bearer") => value[6..].trim(),
            _ => return Err(Reason::MissingProviderToken),
        };
        if token.is_empty() {
            return Err(Reason::MissingProviderToken);
        }
        let token = ProviderToken::decode(token).map_err(|_| Reason::InvalidProviderToken)?;
        let mut guard = self.state.lock().expect("token state poisoned");
        let state = &mut *guard;
        let entry = state.keys.get(&token.key_id).ok_or(Reason::InvalidProviderToken)?;
        if entry.team_id != token.team_id || !token.verify(&entry.key) {
            return Err(Reason::InvalidProviderToken);
        }
        if let Some(c) = state.connections.get(&conn_id) {
            if c.team_id != token.team_id {
                return Err(Reason::UnrelatedKeyIdInToken);
            }
        }
        if now_secs > token.issued_at.saturating_add(TOKEN_LIFETIME_SECS) {
            return Err(Reason::ExpiredProviderToken);
        }
        let this = (token.key_id.clone(), token.issued_at);
        match state.connections.get_mut(&conn_id) {
            Some(c) if c.current == this => c.last_used = now_secs,
            Some(c) => {
                if now_secs < c.current_since.saturating_add(MIN_TOKEN_UPDATE_SECS) {
                    return Err(Reason::TooManyProviderTokenUpdates);
                }
                c.current = this;
                c.current_since = now_secs;
                c.last_used = now_secs;
            }
            None => {
                if state.connections.len() >= MAX_TRACKED_CONNECTIONS {
                    if let Some(oldest) = state.connections.iter().min_by_key(|(_, c)| c.last_used).map(|(id, _)| *id) {
                        state.connections.remove(&oldest);
                    }
                }
                state.connections.insert(
                    conn_id,
                    ConnectionToken { team_id: token.team_id.clone(), current: this, current_since: now_secs, last_used: now_secs },
                );
            }
        }
        Ok(TokenIdentity { team_id: token.team_id, key_id: token.key_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::{generate_team_key, sign_es256};
    use http::HeaderValue;

    const NOW: u64 = 1_767_603_600;

    fn bearer(t: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("bearer {t}")).unwrap()
    }

    fn setup() -> (TokenAuth, Vec<u8>) {
        let auth = TokenAuth::default();
        let (team, der, _) = generate_team_key("TEAM123456", "KEY1234567");
        auth.add_team(&team).unwrap();
        (auth, der)
    }

    #[test]
    fn a_good_token_is_accepted_and_missing_or_malformed_ones_are_not() {
        let (auth, der) = setup();
        let t = sign_es256("TEAM123456", "KEY1234567", &der, NOW).unwrap();
        let id = auth.verify(1, Some(&bearer(&t)), NOW).unwrap();
        assert_eq!(id, TokenIdentity { team_id: "TEAM123456".into(), key_id: "KEY1234567".into() });
        assert!(auth.verify(1, Some(&HeaderValue::from_str(&format!("Bearer {t}")).unwrap()), NOW).is_ok());
        assert_eq!(auth.verify(1, None, NOW), Err(Reason::MissingProviderToken));
        assert_eq!(auth.verify(1, Some(&HeaderValue::from_static("bearer ")), NOW), Err(Reason::MissingProviderToken));
        assert_eq!(auth.verify(1, Some(&HeaderValue::from_str(&format!("Basic {t}")).unwrap()), NOW), Err(Reason::MissingProviderToken));
        assert_eq!(auth.verify(1, Some(&bearer("x.y.z")), NOW), Err(Reason::InvalidProviderToken));
    }

    #[test]
    fn unknown_key_wrong_team_and_bad_signature_are_invalid() {
        let (auth, der) = setup();
        let t = sign_es256("TEAM123456", "OTHERKEY00", &der, NOW).unwrap();
        assert_eq!(auth.verify(1, Some(&bearer(&t)), NOW), Err(Reason::InvalidProviderToken));
        let t = sign_es256("OTHERTEAM0", "KEY1234567", &der, NOW).unwrap();
        assert_eq!(auth.verify(1, Some(&bearer(&t)), NOW), Err(Reason::InvalidProviderToken));
        let (_, stranger, _) = generate_team_key("TEAM123456", "KEY1234567");
        let t = sign_es256("TEAM123456", "KEY1234567", &stranger, NOW).unwrap();
        assert_eq!(auth.verify(1, Some(&bearer(&t)), NOW), Err(Reason::InvalidProviderToken));
    }

    #[test]
    fn a_token_expires_after_one_hour() {
        let (auth, der) = setup();
        let t = sign_es256("TEAM123456", "KEY1234567", &der, NOW).unwrap();
        assert!(auth.verify(1, Some(&bearer(&t)), NOW + 3600).is_ok());
        assert_eq!(auth.verify(1, Some(&bearer(&t)), NOW + 3601), Err(Reason::ExpiredProviderToken));
    }

    #[test]
    fn updating_the_token_too_often_on_one_connection_is_refused() {
        let (auth, der) = setup();
        let first = sign_es256("TEAM123456", "KEY1234567", &der, NOW).unwrap();
        let second = sign_es256("TEAM123456", "KEY1234567", &der, NOW + 60).unwrap();
        assert!(auth.verify(7, Some(&bearer(&first)), NOW).is_ok());
        assert_eq!(auth.verify(7, Some(&bearer(&second)), NOW + 60), Err(Reason::TooManyProviderTokenUpdates));
        // Another connection may use it: the limit is per connection.
        assert!(auth.verify(8, Some(&bearer(&second)), NOW + 60).is_ok());
        // A re-signature of the same (kid, iat) is not an update.
        let again = sign_es256("TEAM123456", "KEY1234567", &der, NOW).unwrap();
        assert!(auth.verify(7, Some(&bearer(&again)), NOW + 61).is_ok());
        assert!(auth.verify(7, Some(&bearer(&second)), NOW + 20 * 60).is_ok());
    }

    #[test]
    fn another_team_on_the_same_connection_is_unrelated() {
        let (auth, der) = setup();
        let (other, other_der, _) = generate_team_key("TEAMOTHER0", "KEYOTHER00");
        auth.add_team(&other).unwrap();
        let t = sign_es256("TEAM123456", "KEY1234567", &der, NOW).unwrap();
        let o = sign_es256("TEAMOTHER0", "KEYOTHER00", &other_der, NOW).unwrap();
        assert!(auth.verify(3, Some(&bearer(&t)), NOW).is_ok());
        assert_eq!(auth.verify(3, Some(&bearer(&o)), NOW), Err(Reason::UnrelatedKeyIdInToken));
        assert!(auth.verify(4, Some(&bearer(&o)), NOW).is_ok());
    }

    #[test]
    fn certificate_checks() {
        let info = CertificateInfo { uid: Some("com.example.securemail".into()), development: false, production: false };
        assert_eq!(info.default_topic(), Ok("com.example.securemail".into()));
        assert!(info.check(Environment::Production, "com.example.securemail").is_ok());
        assert!(info.check(Environment::Production, "com.example.securemail.voip").is_ok());
        assert!(info.check(Environment::Sandbox, "com.example.securemail.complication").is_ok());
        assert_eq!(info.check(Environment::Production, "com.example.other"), Err(Reason::TopicDisallowed));
        assert_eq!(info.check(Environment::Production, "com.example.securemail.voip-ptt"), Err(Reason::TopicDisallowed));
        let none = CertificateInfo::default();
        assert_eq!(none.default_topic(), Err(Reason::BadCertificate));
        assert_eq!(none.check(Environment::Production, "x"), Err(Reason::BadCertificate));
        let dev = CertificateInfo { development: true, ..info.clone() };
        assert_eq!(dev.check(Environment::Production, "com.example.securemail"), Err(Reason::BadCertificateEnvironment));
        assert!(dev.check(Environment::Sandbox, "com.example.securemail").is_ok());
        let universal = CertificateInfo { development: true, production: true, ..info };
        assert!(universal.check(Environment::Production, "com.example.securemail").is_ok());
    }

    #[test]
    fn reads_uid_and_apple_environment_extensions_from_a_certificate() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, "Apple Development IOS Push Services: com.example.securemail");
        params.distinguished_name.push(
            rcgen::DnType::CustomDnType(mailconform_sim::OID_UID.to_vec()),
            rcgen::DnValue::Utf8String("com.example.securemail".into()),
        );
        params.custom_extensions.push(rcgen::CustomExtension::from_oid_content(OID_APNS_DEVELOPMENT, vec![0x05, 0x00]));
        let cert = params.self_signed(&key).unwrap();
        let info = CertificateInfo::parse(cert.der());
        assert_eq!(info, CertificateInfo { uid: Some("com.example.securemail".into()), development: true, production: false });
        assert_eq!(CertificateInfo::parse(b"garbage"), CertificateInfo::default());
    }
}
