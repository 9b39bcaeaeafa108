//! `WWW-Authenticate` and `Authorization` header values (RFC 9110 §11), and the one list of
//! authentication methods and scheme names the fakes use.
//!
//! A server may send several challenges in one header value, separated by commas, or one per
//! header line; both parse here. Each challenge is a scheme name followed by a token68 (NTLM
//! and Negotiate messages) or by `name=value` parameters (`realm` of Basic, `error` of Bearer).

use crate::error::{AuthError, Result};
use serde::{Deserialize, Serialize};

/// An authentication method a server can enable. Certificate has no header scheme: the client
/// authenticates in the TLS handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// `negotiate`: SPNEGO (RFC 4559) carrying Kerberos, or NTLM when there is no ticket.
    Negotiate,
    /// `ntlm`: the connection-bound [MS-NLMP] handshake under the `NTLM` scheme.
    Ntlm,
    /// `basic`: user and password in the clear (RFC 7617), protected only by TLS.
    Basic,
    /// `oauth`: a bearer access token (RFC 6750), a JWT from the trusted issuer.
    #[serde(rename = "oauth")]
    OAuth,
    /// `certificate`: a client certificate in the TLS handshake, mapped to a user by its UPN.
    Certificate,
}

impl AuthMethod {
    /// Every method, in the order IIS lists their challenges (Negotiate, NTLM, Basic, Bearer).
    pub const ALL: [AuthMethod; 5] =
        [AuthMethod::Negotiate, AuthMethod::Ntlm, AuthMethod::Basic, AuthMethod::OAuth, AuthMethod::Certificate];

    /// The name used in configuration and the control API (`basic`, `ntlm`, `negotiate`, `oauth`, `certificate`).
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::Negotiate => "negotiate",
            AuthMethod::Ntlm => "ntlm",
            AuthMethod::Basic => "basic",
            AuthMethod::OAuth => "oauth",
            AuthMethod::Certificate => "certificate",
        }
    }

    /// The HTTP scheme this method answers to, if it has one.
    pub fn scheme(self) -> Option<Scheme> {
        match self {
            AuthMethod::Negotiate => Some(Scheme::Negotiate),
            AuthMethod::Ntlm => Some(Scheme::Ntlm),
            AuthMethod::Basic => Some(Scheme::Basic),
            AuthMethod::OAuth => Some(Scheme::Bearer),
            AuthMethod::Certificate => None,
        }
    }

    /// Reads a method name, case-insensitively; `kerberos` is Negotiate, `bearer` is OAuth.
    pub fn parse(name: &str) -> Option<AuthMethod> {
        match name.trim().to_ascii_lowercase().as_str() {
            "negotiate" | "kerberos" => Some(AuthMethod::Negotiate),
            "ntlm" => Some(AuthMethod::Ntlm),
            "basic" => Some(AuthMethod::Basic),
            "oauth" | "bearer" => Some(AuthMethod::OAuth),
            "certificate" | "cert" => Some(AuthMethod::Certificate),
            _ => None,
        }
    }

    /// A comma-separated list such as `ntlm,basic`, in IIS order without duplicates.
    pub fn parse_list(list: &str) -> Result<Vec<AuthMethod>> {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let m = AuthMethod::parse(name).ok_or_else(|| AuthError::UnknownMethod(name.to_string()))?;
            out.push(m);
        }
        Ok(normalize(out))
    }
}

/// Sorts methods into IIS order and removes duplicates.
pub fn normalize(mut methods: Vec<AuthMethod>) -> Vec<AuthMethod> {
    methods.sort();
    methods.dedup();
    methods
}

impl std::fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An HTTP authentication scheme name, as it appears on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `Basic` (RFC 7617).
    Basic,
    /// `NTLM`, the scheme IIS names for raw NTLMSSP tokens ([MS-NTHT]).
    Ntlm,
    /// `Negotiate` (RFC 4559): SPNEGO, bare Kerberos or bare NTLMSSP tokens.
    Negotiate,
    /// `Bearer` (RFC 6750).
    Bearer,
    /// Any other scheme, with its name as sent (`Digest`, `X-Custom`, ...).
    Other(String),
}

impl Scheme {
    /// The name as IIS spells it on the wire (`NTLM` in capitals, the others capitalised).
    pub fn as_str(&self) -> &str {
        match self {
            Scheme::Basic => "Basic",
            Scheme::Ntlm => "NTLM",
            Scheme::Negotiate => "Negotiate",
            Scheme::Bearer => "Bearer",
            Scheme::Other(s) => s,
        }
    }

    /// Scheme names are case-insensitive (RFC 9110 §11.1).
    pub fn parse(name: &str) -> Scheme {
        match name.to_ascii_lowercase().as_str() {
            "basic" => Scheme::Basic,
            "ntlm" => Scheme::Ntlm,
            "negotiate" => Scheme::Negotiate,
            "bearer" => Scheme::Bearer,
            _ => Scheme::Other(name.to_string()),
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One challenge (in `WWW-Authenticate`) or one credential (in `Authorization`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The auth-scheme the challenge or credential starts with.
    pub scheme: Scheme,
    /// The token68 form (NTLM, Negotiate, Basic and Bearer credentials).
    pub token: Option<String>,
    /// The auth-param form, in order (`realm`, `error`, ...).
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// A scheme name alone: the first NTLM or Negotiate challenge, which invites a NEGOTIATE.
    pub fn bare(scheme: Scheme) -> Self {
        Challenge { scheme, token: None, params: Vec::new() }
    }

    /// A scheme with a token68: a handshake leg (`NTLM TlRM...`) or a credential.
    pub fn with_token(scheme: Scheme, token: impl Into<String>) -> Self {
        Challenge { scheme, token: Some(token.into()), params: Vec::new() }
    }

    /// A scheme with auth-params, such as Basic's `realm` or Bearer's `error` (RFC 6750 §3).
    pub fn with_params(scheme: Scheme, params: &[(&str, &str)]) -> Self {
        Challenge { scheme, token: None, params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    /// The value of a parameter, by case-insensitive name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The decoded token68 (NTLM/Negotiate messages, Basic credentials).
    pub fn decoded_token(&self) -> Result<Vec<u8>> {
        use base64::Engine;
        let scheme: &'static str = match self.scheme {
            Scheme::Basic => "Basic",
            Scheme::Ntlm => "NTLM",
            Scheme::Negotiate => "Negotiate",
            Scheme::Bearer => "Bearer",
            Scheme::Other(_) => "authorization",
        };
        let token = self.token.as_deref().unwrap_or_default();
        base64::engine::general_purpose::STANDARD.decode(token).map_err(|e| AuthError::Base64 { scheme, reason: e.to_string() })
    }
}

impl std::fmt::Display for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.scheme.as_str())?;
        if let Some(t) = &self.token {
            write!(f, " {t}")?;
        }
        for (i, (k, v)) in self.params.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
            write!(f, "{sep}{k}=\"{escaped}\"")?;
        }
        Ok(())
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn is_token68(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~+/".contains(&c)
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] == b' ' || self.s[self.i] == b'\t') {
            self.i += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &str {
        let start = self.i;
        while self.i < self.s.len() && f(self.s[self.i]) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default()
    }
    /// Whether a `name=` (an auth-param, not a token68) starts here.
    fn at_param(&self) -> bool {
        let mut j = self.i;
        while j < self.s.len() && is_tchar(self.s[j]) {
            j += 1;
        }
        if j == self.i {
            return false;
        }
        while j < self.s.len() && (self.s[j] == b' ' || self.s[j] == b'\t') {
            j += 1;
        }
        if self.s.get(j) != Some(&b'=') {
            return false;
        }
        // `abc==` is a token68 ending in padding, not a parameter.
        let mut k = j;
        while self.s.get(k) == Some(&b'=') {
            k += 1;
        }
        k == j + 1 && !matches!(self.s.get(k), None | Some(b','))
    }
    fn quoted(&mut self) -> Result<String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(AuthError::Header("unterminated quoted string".into())),
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.peek().ok_or_else(|| AuthError::Header("dangling escape".into()))?;
                    out.push(c);
                    self.i += 1;
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| AuthError::Header("quoted string is not UTF-8".into()))
    }
}

/// Every challenge in one `WWW-Authenticate` value (or the one credential of an `Authorization`
/// value). Call it for each header line and concatenate the results.
pub fn parse(value: &str) -> Result<Vec<Challenge>> {
    let mut c = Cursor { s: value.as_bytes(), i: 0 };
    let mut out: Vec<Challenge> = Vec::new();
    loop {
        while matches!(c.peek(), Some(b' ' | b'\t' | b',')) {
            c.i += 1;
        }
        if c.peek().is_none() {
            break;
        }
        let scheme = c.take_while(is_tchar).to_string();
        if scheme.is_empty() {
            return Err(AuthError::Header(format!("expected a scheme name at byte {} of {value:?}", c.i)));
        }
        let mut ch = Challenge::bare(Scheme::parse(&scheme));
        c.ws();
        match c.peek() {
            None | Some(b',') => {}
            Some(_) if c.at_param() => {
                // auth-params until something that is not `name=` follows a comma.
                loop {
                    c.ws();
                    let name = c.take_while(is_tchar).to_string();
                    c.ws();
                    if c.peek() != Some(b'=') {
                        return Err(AuthError::Header(format!("parameter {name:?} has no value")));
                    }
                    c.i += 1;
                    c.ws();
                    let v = if c.peek() == Some(b'"') { c.quoted()? } else { c.take_while(is_tchar).to_string() };
                    ch.params.push((name, v));
                    c.ws();
                    let save = c.i;
                    if c.peek() != Some(b',') {
                        break;
                    }
                    while matches!(c.peek(), Some(b' ' | b'\t' | b',')) {
                        c.i += 1;
                    }
                    if !c.at_param() {
                        c.i = save;
                        break;
                    }
                }
            }
            Some(_) => {
                let t = c.take_while(is_token68).to_string();
                let pad = c.take_while(|b| b == b'=').to_string();
                if t.is_empty() {
                    return Err(AuthError::Header(format!("unexpected byte at {} of {value:?}", c.i)));
                }
                ch.token = Some(t + &pad);
            }
        }
        c.ws();
        if !matches!(c.peek(), None | Some(b',')) {
            return Err(AuthError::Header(format!("unexpected byte at {} of {value:?}", c.i)));
        }
        out.push(ch);
    }
    Ok(out)
}

/// The one credential of an `Authorization` value. A value that is a scheme name, a space and
/// something that is not a token68 (`Basic !!!`) still names its scheme, so that the server
/// can answer "bad credentials of this scheme" (400) rather than ignore it.
pub fn parse_authorization(value: &str) -> Result<Challenge> {
    let mut all = match parse(value) {
        Ok(all) => all,
        Err(e) => {
            let (scheme, rest) = value.trim().split_once(' ').ok_or(e.clone())?;
            if scheme.is_empty() || !scheme.bytes().all(is_tchar) || rest.trim().is_empty() {
                return Err(e);
            }
            return Ok(Challenge::with_token(Scheme::parse(scheme), rest.trim()));
        }
    };
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(AuthError::Header("the Authorization header is empty".into())),
        n => Err(AuthError::Header(format!("the Authorization header carries {n} credentials; send one"))),
    }
}

/// Every challenge of every `WWW-Authenticate` line of a response.
pub fn challenges(headers: &http::HeaderMap) -> Result<Vec<Challenge>> {
    let mut out = Vec::new();
    for v in headers.get_all(http::header::WWW_AUTHENTICATE) {
        let s = v.to_str().map_err(|_| AuthError::Header("WWW-Authenticate is not visible ASCII".into()))?;
        out.extend(parse(s)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iis_challenges_on_one_line_and_many() {
        let v = r#"Negotiate, NTLM, Basic realm="mail.example.test", Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token""#;
        let all = parse(v).unwrap();
        assert_eq!(
            all.iter().map(|c| c.scheme.clone()).collect::<Vec<_>>(),
            [Scheme::Negotiate, Scheme::Ntlm, Scheme::Basic, Scheme::Bearer]
        );
        assert_eq!(all[2].param("realm"), Some("mail.example.test"));
        assert_eq!(all[3].param("error"), Some("invalid_token"));
        assert_eq!(all[3].params.len(), 2);
    }

    #[test]
    fn token68_with_padding_is_a_token_not_a_parameter() {
        let c = parse_authorization("NTLM TlRMTVNTUAABAAAAB4IIAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
        assert_eq!(c.scheme, Scheme::Ntlm);
        assert_eq!(c.token.as_deref(), Some("TlRMTVNTUAABAAAAB4IIAAAAAAAAAAAAAAAAAAAAAAA="));
        let c = parse_authorization("Negotiate YII==").unwrap();
        assert_eq!(c.token.as_deref(), Some("YII=="));
        let all = parse("NTLM abc=, Basic realm=\"x\"").unwrap();
        assert_eq!(all[0].token.as_deref(), Some("abc="));
        assert_eq!(all[1].param("realm"), Some("x"));
    }

    #[test]
    fn formats_what_it_parses() {
        let c = Challenge::with_params(Scheme::Basic, &[("realm", "a \"q\" b")]);
        assert_eq!(c.to_string(), r#"Basic realm="a \"q\" b""#);
        assert_eq!(parse(&c.to_string()).unwrap(), vec![c]);
        assert_eq!(Challenge::with_token(Scheme::Ntlm, "TlRM").to_string(), "NTLM TlRM");
    }

    #[test]
    fn bad_values_are_errors_not_panics() {
        for v in ["Basic realm=\"open", "=x", "NTLM a b", "Basic realm=\"x\\"] {
            assert!(parse(v).is_err(), "{v}");
        }
        assert!(parse_authorization("").is_err());
        assert_eq!(parse_authorization("Basic !!!").unwrap().token.as_deref(), Some("!!!"));
        assert!(parse_authorization("\"quoted\" x").is_err());
        assert!(parse_authorization("Basic a, NTLM b").is_err());
    }

    #[test]
    fn method_lists_come_out_in_iis_order() {
        assert_eq!(
            AuthMethod::parse_list("basic, ntlm,negotiate,basic").unwrap(),
            [AuthMethod::Negotiate, AuthMethod::Ntlm, AuthMethod::Basic]
        );
        assert!(AuthMethod::parse_list("digest").is_err());
        let json = serde_json::to_string(&[AuthMethod::OAuth, AuthMethod::Certificate]).unwrap();
        assert_eq!(json, r#"["oauth","certificate"]"#);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_values_never_panic(s in "\\PC{0,64}") {
            let _ = parse(&s);
        }
    }
}
