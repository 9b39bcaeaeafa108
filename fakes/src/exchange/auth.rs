//! Authentication of the EWS virtual directory. Basic only for now, answering the way IIS does.

use super::mailbox::User;
use base64::Engine;
use mailconform_sim::http::response;
use mailconform_sim::{Request, Response};

/// The user a request authenticates as, or the 401 IIS sends.
pub fn authenticate(req: &Request, users: &[User], host: &str) -> Result<User, Box<Response>> {
    let challenge = || {
        let mut r = response(401, "text/html", "<html><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>");
        r.headers_mut().insert(http::header::WWW_AUTHENTICATE, format!("Basic realm=\"{host}\"").parse().expect("ascii host"));
        r.headers_mut().insert("x-feserver", "EXCH01".parse().expect("static"));
        r
    };
    let Some(value) = req.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Err(Box::new(challenge()));
    };
    let Some(encoded) = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic ")) else {
        return Err(Box::new(challenge()));
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return Err(Box::new(response(400, "text/html", "<html><body>400 - Bad Request: malformed Basic credentials.</body></html>")));
    };
    let text = String::from_utf8_lossy(&decoded);
    let Some((name, password)) = text.split_once(':') else {
        return Err(Box::new(challenge()));
    };
    users.iter().find(|u| u.answers_to(name) && u.password == password).cloned().ok_or_else(|| Box::new(challenge()))
}
