//! Authentication methods, as an IIS administrator ticks them and as a client is set up.

use super::{closed_vocabulary, UnknownWord, Vocabulary};
use mailconform_auth::AuthMethod as Method;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// One authentication method, spelt as IIS and the Workspace ONE console show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "auth_method", regex = "Basic|NTLM|Negotiate|Certificate|OAuth")]
pub struct AuthMethod(pub Method);

closed_vocabulary!(AuthMethod, "an authentication method", {
    "Basic" => AuthMethod(Method::Basic),
    "NTLM" => AuthMethod(Method::Ntlm),
    "Negotiate" => AuthMethod(Method::Negotiate),
    "Certificate" => AuthMethod(Method::Certificate),
    "OAuth" => AuthMethod(Method::OAuth),
});

impl Deref for AuthMethod {
    type Target = Method;

    fn deref(&self) -> &Method {
        &self.0
    }
}

/// The methods a server offers, comma-separated in the order they are written:
/// `Negotiate, NTLM, Basic`.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "auth_methods", regex = "(?:Basic|NTLM|Negotiate|Certificate|OAuth)(?:, (?:Basic|NTLM|Negotiate|Certificate|OAuth))*")]
pub struct AuthMethods(pub Vec<Method>);

impl Vocabulary for AuthMethods {
    const ABOUT: &'static str = "a list of authentication methods";
    const MORE: Option<&'static str> = Some("or several of them separated by \", \", e.g. Negotiate, NTLM, Basic");

    fn words() -> Vec<String> {
        AuthMethod::words()
    }
}

impl FromStr for AuthMethods {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if !super::whole_match::<AuthMethods>(s) {
            return Err(UnknownWord::of::<AuthMethods>(s));
        }
        s.split(", ").map(|m| m.parse::<AuthMethod>().map(|m| m.0)).collect::<Result<_, _>>().map(AuthMethods)
    }
}

impl fmt::Display for AuthMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<String> = self.0.iter().map(|m| AuthMethod(*m).to_string()).collect();
        f.write_str(&words.join(", "))
    }
}

/// How a Boxer authenticates for ActiveSync (and so ENS for EWS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "boxer_auth", regex = "Basic|NTLM|Certificate|OAuth")]
pub enum BoxerAuth {
    /// User name and password.
    Basic,
    /// NTLM, with the user's domain account.
    Ntlm,
    /// The user's client certificate (SEG delegates with KCD).
    Certificate,
    /// A token from the OAuth issuer.
    OAuth,
}

closed_vocabulary!(BoxerAuth, "a Boxer authentication method", {
    "Basic" => BoxerAuth::Basic,
    "NTLM" => BoxerAuth::Ntlm,
    "Certificate" => BoxerAuth::Certificate,
    "OAuth" => BoxerAuth::OAuth,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, regex_accepts, rejects};

    #[test]
    fn single_methods() {
        closed::<AuthMethod>();
        rejects::<AuthMethod>("Kerberos");
        for (word, m) in AuthMethod::WORDS {
            assert_eq!(Method::parse(word), Some(m.0), "{word}");
        }
    }

    #[test]
    fn lists_keep_the_written_order() {
        let list: AuthMethods = "Negotiate, NTLM, Basic".parse().unwrap();
        assert_eq!(list.0, [Method::Negotiate, Method::Ntlm, Method::Basic]);
        assert_eq!(list.to_string(), "Negotiate, NTLM, Basic");
        assert_eq!("OAuth".parse::<AuthMethods>().unwrap().0, [Method::OAuth]);
        assert!(regex_accepts::<AuthMethods>("Basic, Certificate"));
        for bad in ["", "Basic,NTLM", "Basic, ", "basic", "Basic and NTLM", "Basic, Digest"] {
            rejects::<AuthMethods>(bad);
        }
    }

    #[test]
    fn boxer_methods() {
        closed::<BoxerAuth>();
        rejects::<BoxerAuth>("Negotiate");
        rejects::<BoxerAuth>("basic");
    }
}
