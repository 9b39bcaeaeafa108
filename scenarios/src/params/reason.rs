//! The reasons features give for a failure, in business words, each mapped to the stable kind
//! a role publishes: steps compare kinds, never the wording of a message.
//!
//! Every parameter here is a Cucumber `#[derive(Parameter)]` type whose regex lists the
//! accepted phrases, followed by a catch-all: a phrase that is not among them still reaches
//! `FromStr`, which fails the step before it runs with the list of accepted phrases.
//!
//! | parameter | asserts on |
//! |---|---|
//! | `{reason}` | a client role's [`ErrorKind`] (Secure Mail, Boxer, ENS) |
//! | `{end_reason}` | why Exchange ended a push subscription ([`EndReason`]) |
//! | `{connect_reason}` | why a TLS handshake failed, and the remedy for SSL 3.0 |
//! | `{upload_refusal}` | why the listener refused a certificate upload ([`RefusalKind`]) |

use super::Vocabulary;
use mailconform_fakes::exchange::EndReason;
use mailconform_fakes::listener::error::RefusalKind;
use mailconform_fakes::ErrorKind;
use mailconform_sim::{TlsAlert, TlsPeer};
use mailconform_tls::profile::Ssl3Remedy;
use mailconform_tls::{HandshakeFailure, Version};
use regex::{Captures, Regex};
use std::str::FromStr;

/// One accepted phrase: its pattern (a regex, with groups for the data it carries), an example
/// for messages and the step catalogue, and what it means.
struct Phrase<K> {
    pattern: &'static str,
    example: &'static str,
    meaning: fn(&Captures<'_>) -> Option<K>,
}

/// A phrase that is not among the accepted ones.
#[derive(thiserror::Error)]
#[error("'{given}' is not a reason this step knows; say one of: {}", accepted.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", "))]
pub struct UnknownPhrase {
    given: String,
    accepted: Vec<&'static str>,
}

// Cucumber shows a parameter's parse error with `{:?}`: make that the sentence itself.
impl std::fmt::Debug for UnknownPhrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

fn parse<K>(phrases: &[Phrase<K>], text: &str) -> Result<K, UnknownPhrase> {
    for p in phrases {
        let re = Regex::new(&format!("^(?:{})$", p.pattern)).expect("a phrase's pattern is a valid regex");
        if let Some(meaning) = re.captures(text).and_then(|c| (p.meaning)(&c)) {
            return Ok(meaning);
        }
    }
    Err(UnknownPhrase { given: text.to_string(), accepted: phrases.iter().map(|p| p.example).collect() })
}

/// The examples of a table, as the catalogue lists them.
fn examples<K>(phrases: &[Phrase<K>]) -> Vec<String> {
    phrases.iter().map(|p| p.example.to_string()).collect()
}

fn group<'t>(c: &Captures<'t>, i: usize) -> &'t str {
    c.get(i).map_or("", |m| m.as_str())
}

// ----- {reason}: a client role's ErrorKind -----

const REASONS: &[Phrase<ErrorKind>] = &[
    Phrase {
        pattern: "the server refuses the credentials",
        example: "the server refuses the credentials",
        meaning: |_| Some(ErrorKind::Unauthorized),
    },
    Phrase {
        pattern: "the server does not offer (Basic|NTLM|Negotiate|Certificate|OAuth) authentication",
        example: "the server does not offer NTLM authentication",
        meaning: |c| group(c, 1).parse::<super::AuthMethod>().ok().map(|m| ErrorKind::AuthMethodRefused { method: m.0 }),
    },
    Phrase { pattern: "access is forbidden", example: "access is forbidden", meaning: |_| Some(ErrorKind::Forbidden) },
    Phrase { pattern: "the path is not found", example: "the path is not found", meaning: |_| Some(ErrorKind::NotFound) },
    Phrase {
        pattern: "the gateway cannot reach the mail server",
        example: "the gateway cannot reach the mail server",
        meaning: |_| Some(ErrorKind::BadGateway),
    },
    Phrase {
        pattern: "the gateway times out waiting for the mail server",
        example: "the gateway times out waiting for the mail server",
        meaning: |_| Some(ErrorKind::GatewayTimeout),
    },
    Phrase {
        pattern: "the server answers with a login form",
        example: "the server answers with a login form",
        meaning: |_| Some(ErrorKind::LoginFormInsteadOfEas),
    },
    Phrase {
        pattern: r"the device cannot apply the server's policy settings? (\w+(?: and \w+)*)",
        example: "the device cannot apply the server's policy setting MinDevicePasswordLength",
        meaning: |c| Some(ErrorKind::PolicyNotAcceptable { settings: group(c, 1).split(" and ").map(str::to_string).collect() }),
    },
    Phrase {
        pattern: "the (device|server) ends the TLS handshake with ([a-z_]+)",
        example: "the device ends the TLS handshake with protocol_version",
        meaning: |c| {
            let from = if group(c, 1) == "device" { TlsPeer::Client } else { TlsPeer::Server };
            Some(ErrorKind::TlsAlert(TlsAlert { alert: group(c, 2).to_string(), from }))
        },
    },
    Phrase {
        pattern: "the server rejects the client certificate",
        example: "the server rejects the client certificate",
        meaning: |_| Some(ErrorKind::CertificateRejected),
    },
    Phrase {
        pattern: "the server speaks no version the app speaks",
        example: "the server speaks no version the app speaks",
        meaning: |_| Some(ErrorKind::ProtocolVersionRefused),
    },
    Phrase { pattern: "the server cannot be reached", example: "the server cannot be reached", meaning: |_| Some(ErrorKind::Unreachable) },
    Phrase {
        pattern: "the server does not answer in time",
        example: "the server does not answer in time",
        meaning: |_| Some(ErrorKind::TimedOut),
    },
    Phrase { pattern: "the device was wiped", example: "the device was wiped", meaning: |_| Some(ErrorKind::Wiped) },
    Phrase {
        pattern: "the phone has no route to the internal network",
        example: "the phone has no route to the internal network",
        meaning: |_| Some(ErrorKind::NoRoute),
    },
    Phrase { pattern: "network access is blocked", example: "network access is blocked", meaning: |_| Some(ErrorKind::NetworkBlocked) },
    Phrase {
        pattern: "the gateway refuses its ticket",
        example: "the gateway refuses its ticket",
        meaning: |_| Some(ErrorKind::GatewayRefused { status: 407 }),
    },
    Phrase {
        pattern: "the gateway refuses the service",
        example: "the gateway refuses the service",
        meaning: |_| Some(ErrorKind::GatewayRefused { status: 403 }),
    },
];

/// Why a client role's action failed: `{reason}`.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "reason",
    regex = r"the server refuses the credentials|the server does not offer (?:Basic|NTLM|Negotiate|Certificate|OAuth) authentication|access is forbidden|the path is not found|the gateway cannot reach the mail server|the gateway times out waiting for the mail server|the server answers with a login form|the device cannot apply the server's policy settings? \w+(?: and \w+)*|the (?:device|server) ends the TLS handshake with [a-z_]+|the server rejects the client certificate|the server speaks no version the app speaks|the server cannot be reached|the server does not answer in time|the device was wiped|the phone has no route to the internal network|network access is blocked|the gateway refuses its ticket|the gateway refuses the service|.+"
)]
pub struct Reason(pub ErrorKind);

impl Vocabulary for Reason {
    const ABOUT: &'static str = "why a client role's action failed";
    const MORE: Option<&'static str> = Some("(any authentication method, policy settings or TLS alert where a phrase names one)");

    fn words() -> Vec<String> {
        examples(REASONS)
    }
}

impl FromStr for Reason {
    type Err = UnknownPhrase;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(REASONS, s).map(Reason)
    }
}

// ----- {end_reason}: why Exchange ended a push subscription -----

const END_REASONS: &[Phrase<EndReason>] = &[
    Phrase {
        pattern: "no notification got through within StatusFrequency",
        example: "no notification got through within StatusFrequency",
        meaning: |_| Some(EndReason::NoSuccessfulDelivery),
    },
    Phrase {
        pattern: "the subscriber answered Unsubscribe",
        example: "the subscriber answered Unsubscribe",
        meaning: |_| Some(EndReason::Unsubscribed),
    },
];

/// Why Exchange ended a push subscription: `{end_reason}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "end_reason", regex = r"no notification got through within StatusFrequency|the subscriber answered Unsubscribe|.+")]
pub struct SubscriptionEnd(pub EndReason);

impl Vocabulary for SubscriptionEnd {
    const ABOUT: &'static str = "why Exchange ended a push subscription";

    fn words() -> Vec<String> {
        examples(END_REASONS)
    }
}

impl FromStr for SubscriptionEnd {
    type Err = UnknownPhrase;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(END_REASONS, s).map(SubscriptionEnd)
    }
}

// ----- {connect_reason}: why a handshake failed, or what the guide says to do -----

/// A reason a device could not connect: what the handshake itself shows, or the remedy the
/// device's profile calls for when the server speaks only SSL 3.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The handshake failed this way.
    Handshake(HandshakeFailure),
    /// The server speaks only SSL 3.0 and the device does not offer it: this is what helps.
    Remedy(Ssl3Remedy),
}

const CONNECT_REASONS: &[Phrase<ConnectFailure>] = &[
    Phrase {
        pattern: r"the server chose (SSL 3\.0|TLS 1\.[0-3]) and the device does not offer it",
        example: "the server chose SSL 3.0 and the device does not offer it",
        meaning: |c| Version::parse(group(c, 1)).map(|chosen| ConnectFailure::Handshake(HandshakeFailure::VersionNotOffered { chosen })),
    },
    Phrase {
        pattern: "the server speaks none of the versions the device offers",
        example: "the server speaks none of the versions the device offers",
        meaning: |_| Some(ConnectFailure::Handshake(HandshakeFailure::NoCommonVersion)),
    },
    Phrase {
        pattern: "the server refuses the fallback",
        example: "the server refuses the fallback",
        meaning: |_| Some(ConnectFailure::Handshake(HandshakeFailure::InappropriateFallback)),
    },
    Phrase {
        pattern: r#"Secure Mail disables SSL 3\.0 unless the connection security level is "SSLv3 and TLS""#,
        example: r#"Secure Mail disables SSL 3.0 unless the connection security level is "SSLv3 and TLS""#,
        meaning: |_| Some(ConnectFailure::Remedy(Ssl3Remedy::AllowSsl3InPolicy)),
    },
    Phrase {
        pattern: r"the device's OS cannot use SSL 3\.0 under any policy",
        example: "the device's OS cannot use SSL 3.0 under any policy",
        meaning: |_| Some(ConnectFailure::Remedy(Ssl3Remedy::MoveServerToTls12)),
    },
];

/// Why a device's TLS connection failed: `{connect_reason}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "connect_reason",
    regex = r#"the server chose (?:SSL 3\.0|TLS 1\.[0-3]) and the device does not offer it|the server speaks none of the versions the device offers|the server refuses the fallback|Secure Mail disables SSL 3\.0 unless the connection security level is "SSLv3 and TLS"|the device's OS cannot use SSL 3\.0 under any policy|.+"#
)]
pub struct ConnectReason(pub ConnectFailure);

impl Vocabulary for ConnectReason {
    const ABOUT: &'static str = "why a device's TLS connection failed";
    const MORE: Option<&'static str> = Some("(any version the server chose)");

    fn words() -> Vec<String> {
        examples(CONNECT_REASONS)
    }
}

impl FromStr for ConnectReason {
    type Err = UnknownPhrase;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(CONNECT_REASONS, s).map(ConnectReason)
    }
}

// ----- {listener_refusal}: why the listener refused a certificate upload or a registration -----

const LISTENER_REFUSALS: &[Phrase<RefusalKind>] = &[
    Phrase { pattern: "the App ID is a wildcard", example: "the App ID is a wildcard", meaning: |_| Some(RefusalKind::WildcardAppId) },
    Phrase {
        pattern: "the certificate does not load",
        example: "the certificate does not load",
        meaning: |_| Some(RefusalKind::BadCertificate),
    },
    Phrase {
        pattern: "the region is another listener's",
        example: "the region is another listener's",
        meaning: |_| Some(RefusalKind::WrongRegion),
    },
    Phrase {
        pattern: "an identifier is not a SHA-256 digest",
        example: "an identifier is not a SHA-256 digest",
        meaning: |_| Some(RefusalKind::NotHashed),
    },
    Phrase {
        pattern: "the device token is not hexadecimal",
        example: "the device token is not hexadecimal",
        meaning: |_| Some(RefusalKind::BadDeviceToken),
    },
];

/// Why the listener refused a certificate upload or a registration: `{listener_refusal}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "listener_refusal",
    regex = r"the App ID is a wildcard|the certificate does not load|the region is another listener's|an identifier is not a SHA-256 digest|the device token is not hexadecimal|.+"
)]
pub struct ListenerRefusal(pub RefusalKind);

impl Vocabulary for ListenerRefusal {
    const ABOUT: &'static str = "why the listener refused an upload or a registration";

    fn words() -> Vec<String> {
        examples(LISTENER_REFUSALS)
    }
}

impl FromStr for ListenerRefusal {
    type Err = UnknownPhrase;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(LISTENER_REFUSALS, s).map(ListenerRefusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cucumber::Parameter;
    use mailconform_auth::AuthMethod;

    /// The top-level alternatives of a regex (those outside any group).
    fn alternatives(re: &str) -> Vec<&str> {
        let (mut depth, mut start, mut out) = (0, 0, Vec::new());
        let mut chars = re.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '(' => depth += 1,
                ')' => depth -= 1,
                '|' if depth == 0 => {
                    out.push(&re[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.push(&re[start..]);
        out
    }

    /// The parameter's regex lists one alternative per phrase of the table, then the
    /// catch-all; each alternative accepts its phrase's example, which means what it should.
    fn agrees<K, P: Parameter + FromStr>(phrases: &[Phrase<K>]) {
        let alternatives = alternatives(P::REGEX);
        assert_eq!(alternatives.last(), Some(&".+"), "{} ends with the catch-all", P::NAME);
        let listed = &alternatives[..alternatives.len() - 1];
        assert_eq!(listed.len(), phrases.len(), "{}'s regex lists as many phrases as its table", P::NAME);
        for (alternative, p) in listed.iter().zip(phrases) {
            let re = Regex::new(&format!("^(?:{alternative})$")).unwrap();
            assert!(re.is_match(p.example), "{}: {alternative:?} accepts {:?}", P::NAME, p.example);
            assert!(P::from_str(p.example).is_ok(), "{}: the example {:?} parses", P::NAME, p.example);
        }
    }

    #[test]
    fn each_regex_lists_its_table() {
        agrees::<_, Reason>(REASONS);
        agrees::<_, SubscriptionEnd>(END_REASONS);
        agrees::<_, ConnectReason>(CONNECT_REASONS);
        agrees::<_, ListenerRefusal>(LISTENER_REFUSALS);
    }

    #[test]
    fn phrases_carry_their_data() {
        let r: Reason =
            "the device cannot apply the server's policy settings MinDevicePasswordLength and RequireDeviceEncryption".parse().unwrap();
        assert_eq!(
            r.0,
            ErrorKind::PolicyNotAcceptable { settings: vec!["MinDevicePasswordLength".into(), "RequireDeviceEncryption".into()] }
        );
        let r: Reason = "the server does not offer OAuth authentication".parse().unwrap();
        assert_eq!(r.0, ErrorKind::AuthMethodRefused { method: AuthMethod::OAuth });
        let r: Reason = "the server ends the TLS handshake with handshake_failure".parse().unwrap();
        assert_eq!(r.0, ErrorKind::TlsAlert(TlsAlert { alert: "handshake_failure".into(), from: TlsPeer::Server }));
        let c: ConnectReason = "the server chose TLS 1.1 and the device does not offer it".parse().unwrap();
        assert_eq!(c.0, ConnectFailure::Handshake(HandshakeFailure::VersionNotOffered { chosen: Version::Tls11 }));
    }

    #[test]
    fn an_unknown_phrase_lists_the_accepted_ones() {
        let e = "HTTP 404".parse::<Reason>().unwrap_err().to_string();
        assert!(e.starts_with("'HTTP 404' is not a reason this step knows; say one of: \"the server refuses the credentials\""), "{e}");
        assert!(e.contains("\"the path is not found\""), "{e}");
        assert!("no successful delivery".parse::<SubscriptionEnd>().is_err());
    }
}
