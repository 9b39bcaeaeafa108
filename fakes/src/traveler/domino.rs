//! What Domino's HTTP task answers before Traveler sees a request: the forms login page and its
//! session cookie, the Basic challenge where session authentication is overridden, Domino's own
//! error pages.

use mailconform_sim::http::response;
use mailconform_sim::Response;

/// The session cookie of single-server session authentication.
pub(super) const SESSION_COOKIE: &str = "DomAuthSessID";
/// Where the login form posts.
pub(super) const LOGIN_PATH: &str = "/names.nsf";

/// The login form Domino serves (HTTP 200) to a request without a valid session when session
/// authentication applies: an ActiveSync client sees HTML where it expects WBXML or a 401.
pub(super) fn login_form(redirect_to: &str) -> Response {
    let body = format!(
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n<title>Sign In</title>\n</head>\n\
         <body text=\"#000000\">\n<form method=\"post\" action=\"{LOGIN_PATH}?Login\" name=\"_DominoForm\">\n\
         <input type=\"hidden\" name=\"%%ModDate\" value=\"0000000000000000\">\n\
         User name: <input name=\"Username\" value=\"\" maxlength=\"256\">\n\
         Password: <input type=\"password\" name=\"Password\" value=\"\" maxlength=\"256\">\n\
         <input type=\"hidden\" name=\"RedirectTo\" value=\"{}\">\n<input type=\"submit\" value=\"Sign In\">\n</form>\n</body>\n</html>\n",
        html_escape(redirect_to)
    );
    let mut r = response(200, "text/html; charset=UTF-8", body);
    r.headers_mut().insert(http::header::SERVER, "Lotus-Domino".parse().expect("static"));
    r
}

/// The challenge where Basic authentication applies (session authentication overridden).
pub(super) fn basic_challenge() -> Response {
    let mut r = response(
        401,
        "text/html; charset=UTF-8",
        "<html><head><title>Error</title></head><body>HTTP Web Server: You are not authorized to access this resource</body></html>",
    );
    r.headers_mut().insert(http::header::WWW_AUTHENTICATE, "Basic realm=\"/\"".parse().expect("static"));
    r.headers_mut().insert(http::header::SERVER, "Lotus-Domino".parse().expect("static"));
    r
}

pub(super) fn not_found() -> Response {
    let mut r = response(
        404,
        "text/html; charset=UTF-8",
        "<html><head><title>Error</title></head><body>Error 404<br>HTTP Web Server: Item Not Found Exception</body></html>",
    );
    r.headers_mut().insert(http::header::SERVER, "Lotus-Domino".parse().expect("static"));
    r
}

/// Redirect after a successful forms login, with the session cookie.
pub(super) fn logged_in(redirect_to: &str, session: &str) -> Response {
    let mut r = response(302, "text/html", "");
    r.headers_mut().insert(http::header::LOCATION, redirect_to.parse().unwrap_or_else(|_| "/".parse().expect("static")));
    r.headers_mut().insert(http::header::SET_COOKIE, format!("{SESSION_COOKIE}={session}; path=/; HttpOnly").parse().expect("hex session"));
    r
}

/// The value of the session cookie in a request, if any.
pub(super) fn session_of(req: &mailconform_sim::Request) -> Option<String> {
    req.headers().get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == SESSION_COOKIE).then(|| v.to_string())
    })
}

/// `application/x-www-form-urlencoded` fields of a login post.
pub(super) fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_decode() {
        let f = form_fields(b"Username=Alice+Example&Password=a%26b&RedirectTo=%2Ftraveler");
        assert_eq!(f[0], ("Username".into(), "Alice Example".into()));
        assert_eq!(f[1], ("Password".into(), "a&b".into()));
        assert_eq!(f[2].1, "/traveler");
        assert_eq!(form_fields(b"x=%zz&y=%4"), vec![("x".into(), "%zz".into()), ("y".into(), "%4".into())]);
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        let req = http::Request::get("/").header("Cookie", "a=1; DomAuthSessID=abc").body(bytes::Bytes::new()).unwrap();
        assert_eq!(session_of(&req).as_deref(), Some("abc"));
    }
}
