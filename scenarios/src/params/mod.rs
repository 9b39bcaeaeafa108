//! Typed step parameters: the words features write for users, regions, platforms, versions,
//! times and the other things steps take.
//!
//! Each type is a Cucumber custom parameter (`{user}`, `{region}` ...) whose regex lists
//! exactly the words it accepts, so a step with a word no type accepts matches no step
//! definition and fails as undefined before anything runs. Its `FromStr` (reached when a type
//! is parsed outside a step) names the accepted words in its error. Each type also tells
//! `mailconform steps` what it accepts, through [`Vocabulary`].
//!
//! The reasons of [`reason`] are the exception: their regexes end with a catch-all, so that a
//! reason written another way (a quoted message, as features once did) reaches `FromStr` and
//! fails the step with the list of accepted phrases instead of reading as an undefined step.

mod apns;
mod auth;
mod certificate;
mod clock;
mod companion;
mod compliance;
mod device_profile;
mod eas_version;
mod ens_placement;
mod exchange_version;
mod folder;
mod handshake;
mod network;
mod notes_ini;
mod ntlm;
mod on_off;
mod platform;
mod policy_key;
pub mod reason;
mod region;
mod registration_flaw;
mod security_level;
mod seed_table;
mod seg_service;
mod server;
mod service;
mod tls_version;
mod traveler_directory;
mod user;
mod wipe_state;

pub use apns::{ApnsEnvironment, ApnsReason, Carried, PushKind};
pub use auth::{AuthMethod, AuthMethods, BoxerAuth};
pub use certificate::{BaseTemplate, CertSource, CertUse, Denial, SentForm, SmimeRefusal, SmimeSwitches};
pub use clock::{ClockTime, ClockTimes};
pub use companion::CompanionApp;
pub use compliance::ComplianceState;
pub use device_profile::DeviceProfile;
pub use eas_version::EasVersion;
pub use ens_placement::EnsPlacement;
pub use exchange_version::ExchangeVersion;
pub use folder::Folder;
pub use handshake::{HandshakeResult, Side, TlsAlert};
pub use network::{ConnectionType, NetworkAccess, RouteTaken, TunnelBasis};
pub use notes_ini::NotesIni;
pub use ntlm::NtlmClient;
pub use on_off::OnOff;
pub use platform::Platform;
pub use policy_key::PolicyKey;
pub use reason::{ConnectReason, ListenerRefusal, Reason, SubscriptionEnd};
pub use region::Region;
pub use registration_flaw::RegistrationFlaw;
pub use security_level::SecurityLevel;
pub use seed_table::{OuiNon, SeedColumn};
pub use seg_service::SegService;
pub use server::Server;
pub use service::Service;
pub use tls_version::{TlsVersion, TlsVersions};
pub use traveler_directory::{Directory, NameVariations};
pub use user::User;
pub use wipe_state::Wipe;

use serde::Serialize;

/// What a parameter type accepts, for people: `mailconform steps` lists it beside every step
/// that takes the type, and [`UnknownWord`] quotes it.
pub trait Vocabulary: cucumber::Parameter {
    /// What the parameter names, in a few words ("a listener region").
    const ABOUT: &'static str;

    /// What else is accepted beyond [`Vocabulary::words`], when they are not the whole list
    /// ("or any e-mail address").
    const MORE: Option<&'static str> = None;

    /// The words a feature may write, exactly as it writes them.
    fn words() -> Vec<String>;
}

/// A word a parameter type does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{word:?} is not {about}: use {accepted}")]
pub struct UnknownWord {
    /// The word as written.
    pub word: String,
    /// What the parameter names.
    pub about: &'static str,
    /// The accepted words, as a sentence.
    pub accepted: String,
}

impl UnknownWord {
    /// The error for `word` given where a `T` was expected.
    pub fn of<T: Vocabulary>(word: &str) -> Self {
        UnknownWord { word: word.to_string(), about: T::ABOUT, accepted: accepted::<T>() }
    }
}

/// "alice, bob or any e-mail address": the words of `T` as a phrase.
fn accepted<T: Vocabulary>() -> String {
    ParameterInfo::of::<T>().accepted()
}

/// Whether `s` is, as a whole, what the parameter's regex accepts: the check `FromStr` makes
/// before converting a patterned word, so parsing accepts what the step's regex matches.
fn whole_match<T: cucumber::Parameter>(s: &str) -> bool {
    regex::Regex::new(&format!("^(?:{})$", T::REGEX)).is_ok_and(|re| re.is_match(s))
}

/// Implements `FromStr`, `Display` and [`Vocabulary`] for a parameter type with a closed list
/// of words, each standing for one value. The derive's regex must list exactly these words;
/// each type's tests check it with `tests::closed`.
macro_rules! closed_vocabulary {
    ($ty:ty, $about:literal, { $($word:literal => $value:expr),+ $(,)? }) => {
        impl $ty {
            /// Each word with the value it stands for.
            pub const WORDS: &'static [(&'static str, $ty)] = &[$(($word, $value)),+];
        }

        impl $crate::params::Vocabulary for $ty {
            const ABOUT: &'static str = $about;

            fn words() -> Vec<String> {
                Self::WORDS.iter().map(|(w, _)| w.to_string()).collect()
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::params::UnknownWord;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::WORDS.iter().find(|(w, _)| *w == s).map(|(_, v)| v.clone()).ok_or_else(|| $crate::params::UnknownWord::of::<$ty>(s))
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let word = Self::WORDS.iter().find(|(_, v)| v == self).map(|(w, _)| *w).unwrap_or_default();
                f.write_str(word)
            }
        }
    };
}
pub(crate) use closed_vocabulary;

/// One parameter type as the step catalogue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParameterInfo {
    /// The name steps write in braces: `user` for `{user}`.
    pub name: &'static str,
    /// What the parameter names.
    pub about: &'static str,
    /// The words a feature may write.
    pub words: Vec<String>,
    /// What else is accepted, when the words are not the whole list.
    pub more: Option<&'static str>,
    /// The Rust type steps take for it (its last path segment), to describe regex steps' arguments.
    #[serde(skip)]
    pub rust_type: &'static str,
}

impl ParameterInfo {
    /// The catalogue's entry for `T`.
    pub fn of<T: Vocabulary>() -> Self {
        let rust_type = std::any::type_name::<T>().rsplit("::").next().unwrap_or_default();
        ParameterInfo { name: T::NAME, about: T::ABOUT, words: T::words(), more: T::MORE, rust_type }
    }

    /// "alice, bob or any e-mail address".
    pub fn accepted(&self) -> String {
        match (self.words.split_last(), self.more) {
            (None, Some(more)) => more.to_string(),
            (None, None) => String::new(),
            (Some((last, [])), None) => last.clone(),
            (Some((last, rest)), None) => format!("{} or {last}", rest.join(", ")),
            (Some(_), Some(more)) => format!("{} {more}", self.words.join(", ")),
        }
    }

    /// Cucumber's own parameters, which steps use for numbers and free text.
    fn builtin(name: &'static str, about: &'static str, more: &'static str) -> Self {
        ParameterInfo { name, about, words: Vec::new(), more: Some(more), rust_type: "" }
    }
}

/// Every parameter type steps can take: this module's, then Cucumber's built-in ones.
pub fn all() -> Vec<ParameterInfo> {
    vec![
        ParameterInfo::of::<User>(),
        ParameterInfo::of::<Region>(),
        ParameterInfo::of::<Platform>(),
        ParameterInfo::of::<DeviceProfile>(),
        ParameterInfo::of::<SecurityLevel>(),
        ParameterInfo::of::<OnOff>(),
        ParameterInfo::of::<BaseTemplate>(),
        ParameterInfo::of::<CertUse>(),
        ParameterInfo::of::<Denial>(),
        ParameterInfo::of::<SmimeSwitches>(),
        ParameterInfo::of::<SentForm>(),
        ParameterInfo::of::<SmimeRefusal>(),
        ParameterInfo::of::<CertSource>(),
        ParameterInfo::of::<NetworkAccess>(),
        ParameterInfo::of::<ConnectionType>(),
        ParameterInfo::of::<RouteTaken>(),
        ParameterInfo::of::<TunnelBasis>(),
        ParameterInfo::of::<AuthMethod>(),
        ParameterInfo::of::<AuthMethods>(),
        ParameterInfo::of::<BoxerAuth>(),
        ParameterInfo::of::<NtlmClient>(),
        ParameterInfo::of::<ExchangeVersion>(),
        ParameterInfo::of::<ClockTime>(),
        ParameterInfo::of::<ClockTimes>(),
        ParameterInfo::of::<TlsVersion>(),
        ParameterInfo::of::<TlsVersions>(),
        ParameterInfo::of::<Server>(),
        ParameterInfo::of::<Service>(),
        ParameterInfo::of::<TlsAlert>(),
        ParameterInfo::of::<Side>(),
        ParameterInfo::of::<HandshakeResult>(),
        ParameterInfo::of::<SeedColumn>(),
        ParameterInfo::of::<OuiNon>(),
        ParameterInfo::of::<CompanionApp>(),
        ParameterInfo::of::<Folder>(),
        ParameterInfo::of::<SegService>(),
        ParameterInfo::of::<PushKind>(),
        ParameterInfo::of::<ApnsReason>(),
        ParameterInfo::of::<ApnsEnvironment>(),
        ParameterInfo::of::<Carried>(),
        ParameterInfo::of::<EasVersion>(),
        ParameterInfo::of::<PolicyKey>(),
        ParameterInfo::of::<Wipe>(),
        ParameterInfo::of::<ComplianceState>(),
        ParameterInfo::of::<EnsPlacement>(),
        ParameterInfo::of::<NameVariations>(),
        ParameterInfo::of::<Directory>(),
        ParameterInfo::of::<NotesIni>(),
        ParameterInfo::of::<Reason>(),
        ParameterInfo::of::<SubscriptionEnd>(),
        ParameterInfo::of::<ConnectReason>(),
        ParameterInfo::of::<ListenerRefusal>(),
        ParameterInfo::of::<RegistrationFlaw>(),
        ParameterInfo::builtin("int", "a whole number", "any whole number, e.g. 3"),
        ParameterInfo::builtin("float", "a number", "any number, e.g. 2.5"),
        ParameterInfo::builtin("string", "free text", "any text in double quotes, e.g. \"Quarterly figures\""),
        ParameterInfo::builtin("word", "one word", "any word without spaces"),
    ]
}

/// The catalogue's entry for the parameter steps write as `{name}`.
pub fn by_name(name: &str) -> Option<ParameterInfo> {
    all().into_iter().find(|p| p.name == name)
}

/// The catalogue's entry for the parameter type whose Rust name is `rust_type` (`User`).
pub fn by_type(rust_type: &str) -> Option<ParameterInfo> {
    all().into_iter().find(|p| !p.rust_type.is_empty() && p.rust_type == rust_type)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fmt::{Debug, Display};
    use std::str::FromStr;

    /// Whether the step regex Cucumber builds around `T` would match `word`.
    pub(crate) fn regex_accepts<T: cucumber::Parameter>(word: &str) -> bool {
        whole_match::<T>(word)
    }

    /// A closed vocabulary: the regex is exactly the words, each word parses to a value that
    /// prints as a word standing for that value, and a near miss is refused by both the regex
    /// and `FromStr`.
    pub(crate) fn closed<T>()
    where
        T: Vocabulary + FromStr<Err = UnknownWord> + Display + Debug + PartialEq,
    {
        let words = T::words();
        // Escaped as a person writes a regex: only what is special outside a character class.
        let escape = |w: &str| {
            w.chars().fold(String::new(), |mut out, c| {
                if "\\.+*?()|[]{}^$".contains(c) {
                    out.push('\\');
                }
                out.push(c);
                out
            })
        };
        let alternation: Vec<String> = words.iter().map(|w| escape(w)).collect();
        assert_eq!(T::REGEX, alternation.join("|"), "the regex of {{{}}} must list exactly its words", T::NAME);
        for w in &words {
            assert!(regex_accepts::<T>(w), "{w:?}");
            let v: T = w.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(v.to_string().parse::<T>(), Ok(v), "{w:?}");
        }
        rejects::<T>(&format!("{}x", words[0]));
        rejects::<T>("no such word");
        let other_case =
            if words[0].to_ascii_lowercase() == words[0] { words[0].to_ascii_uppercase() } else { words[0].to_ascii_lowercase() };
        if !words.contains(&other_case) {
            rejects::<T>(&other_case);
        }
    }

    /// `word` is refused by the regex and by `FromStr`, whose error names every accepted word.
    pub(crate) fn rejects<T>(word: &str)
    where
        T: Vocabulary + FromStr<Err = UnknownWord> + Debug,
    {
        assert!(!regex_accepts::<T>(word), "{{{}}} accepts {word:?}", T::NAME);
        let e = T::from_str(word).expect_err(word);
        let message = e.to_string();
        assert!(message.contains(&format!("{word:?}")), "{message}");
        for w in T::words() {
            assert!(message.contains(&w), "{message} does not name {w:?}");
        }
    }

    #[test]
    fn names_are_unique_and_regexes_compile() {
        let all = all();
        for (i, p) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|q| q.name != p.name), "two parameters are called {}", p.name);
            assert!(!p.about.is_empty() && (!p.words.is_empty() || p.more.is_some()), "{p:?}");
        }
        assert_eq!(by_name("region").map(|p| p.words.len()), Some(6));
        assert!(by_name("nonsense").is_none());
        assert_eq!(by_type("TlsVersions").map(|p| p.name), Some("tls_versions"));
    }

    #[test]
    fn accepted_reads_as_a_sentence() {
        let p = |words: &[&str], more| ParameterInfo {
            name: "x",
            about: "x",
            words: words.iter().map(|w| w.to_string()).collect(),
            more,
            rust_type: "",
        };
        assert_eq!(p(&["ON", "OFF"], None).accepted(), "ON or OFF");
        assert_eq!(p(&["a", "b", "c"], None).accepted(), "a, b or c");
        assert_eq!(p(&["alice", "bob"], Some("or any e-mail address")).accepted(), "alice, bob or any e-mail address");
        assert_eq!(p(&[], Some("any text")).accepted(), "any text");
        assert_eq!(accepted::<OnOff>(), ParameterInfo::of::<OnOff>().accepted());
    }
}
