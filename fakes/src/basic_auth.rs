//! HTTP Basic credentials (RFC 7617) as the fakes that accept them read them.

use base64::Engine;

/// The user name and password of `req`'s `Authorization: Basic` header, if it has a readable one.
pub(crate) fn credentials(req: &mailconform_sim::Request) -> Option<(String, String)> {
    let value = req.headers().get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD.decode(token.trim()).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> mailconform_sim::Request {
        http::Request::get("/").header("Authorization", value).body(bytes::Bytes::new()).unwrap()
    }

    #[test]
    fn basic_credentials_split_at_the_first_colon_and_other_schemes_are_none() {
        assert_eq!(credentials(&with("Basic YWxpY2U6YTpi")), Some(("alice".into(), "a:b".into())));
        assert_eq!(credentials(&with("basic YWxpY2U6cHc=")), Some(("alice".into(), "pw".into())));
        assert_eq!(credentials(&with("Bearer abc")), None);
        assert_eq!(credentials(&with("Basic !!!")), None);
        assert_eq!(credentials(&with("Basic YWxpY2U=")), None, "no colon");
    }
}
