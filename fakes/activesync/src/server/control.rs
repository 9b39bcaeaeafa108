//! The control API of the fake ActiveSync server, under
//! `/_mailconform/activesync` on the server's own host: how scenario steps deliver mail,
//! order a remote wipe, change availability and observe devices and mailboxes without
//! reaching into the server's memory, so a step works the same against a served fake.
//!
//! | call | what it does |
//! | --- | --- |
//! | `GET devices` | every device partnership |
//! | `GET devices/<user>/<device>` | one partnership (404 if never seen) |
//! | `DELETE devices/<user>/<device>` | remove a partnership |
//! | `POST devices/<user>/<device>/wipe` | request a remote wipe |
//! | `DELETE devices/<user>/<device>/wipe` | withdraw it |
//! | `PUT availability` | an [`Availability`] such as `{"kind":"unavailable","retry_after_secs":30}` |
//! | `POST users` `{"login","email"}` | create a mailbox |
//! | `POST deliver` `{"to", "item": NewItem}` | deliver an item, answer `{"server_id"}` |
//! | `GET mailboxes/<user>/folders` | the folders |
//! | `GET mailboxes/<user>/folders/<id>/items` | the items of a folder |
//! | `GET device-policy` | the EAS device policy in force and whether it is enforced |
//! | `PUT device-policy` `{"policy": DevicePolicy or null, "enforce": true}` | change it; provisioned devices get Status 143 |
//! | `PUT meeting-delete-policy` `{"policy":"KeepOnServer"}` | CXM-47936 on or off |
//! | `GET log` | every request the server answered |
//!
//! Path segments are percent-decoded (`alice%40example.test`). Errors are JSON
//! `{"error": …}` naming what was expected.

use super::{Availability, EasServer};
use crate::http::query::percent_decode;
use crate::store::{MeetingDeletePolicy, NewItem};
use mailconform_sim::http::json_response;
use mailconform_sim::{Request, Response, CONTROL_PREFIX};
use serde::Deserialize;
use serde_json::json;

/// Where the control API lives.
pub const CONTROL_PATH: &str = "/_mailconform/activesync";

const KNOWN: &str = "GET devices, GET|DELETE devices/<user>/<device>, POST|DELETE devices/<user>/<device>/wipe, PUT availability, GET|PUT device-policy, POST users, POST deliver, GET mailboxes/<user>/folders, GET mailboxes/<user>/folders/<id>/items, PUT meeting-delete-policy, GET log";

fn error(status: u16, msg: impl Into<String>) -> Response {
    json_response(status, &json!({ "error": msg.into() }))
}

fn no_content() -> Response {
    mailconform_sim::http::response(204, "application/json", "")
}

/// A control request whose body is not the JSON its route takes; the 400 shows an example.
#[derive(Debug, thiserror::Error)]
#[error("expected a body such as {example}: {source}")]
struct BadBody {
    example: &'static str,
    source: serde_json::Error,
}

/// The body as `T`, or why not.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8], example: &'static str) -> Result<T, BadBody> {
    serde_json::from_slice(body).map_err(|source| BadBody { example, source })
}

#[derive(Deserialize)]
struct DevicePolicyChange {
    policy: Option<crate::policy::DevicePolicy>,
    enforce: bool,
}

#[derive(Deserialize)]
struct NewUser {
    login: String,
    email: String,
}

#[derive(Deserialize)]
struct Delivery {
    to: String,
    item: NewItem,
}

#[derive(Deserialize)]
struct PolicyChange {
    policy: MeetingDeletePolicy,
}

impl EasServer {
    /// Whether a path belongs to the control API (hosts route it before authentication).
    pub fn is_control_path(path: &str) -> bool {
        path == CONTROL_PATH || path.starts_with(&format!("{CONTROL_PATH}/"))
    }

    /// Answers a control API request.
    pub fn control(&self, req: &Request) -> Response {
        let Some(rest) = req.uri().path().strip_prefix(CONTROL_PATH) else {
            return error(404, format!("the ActiveSync control API is under {CONTROL_PATH}"));
        };
        debug_assert!(CONTROL_PATH.starts_with(CONTROL_PREFIX));
        let segments: Result<Vec<String>, _> = rest.trim_matches('/').split('/').map(|s| percent_decode(s, false)).collect();
        let Ok(segments) = segments else {
            return error(400, "path segments are not valid percent-encoding");
        };
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let method = req.method().as_str();
        let body = req.body();
        match (method, segments.as_slice()) {
            ("GET", ["devices"]) => json_response(200, &self.devices()),
            ("GET", ["devices", user, device]) => match self.device_state(user, device) {
                serde_json::Value::Null => error(404, format!("no device {device} of {user}")),
                v => json_response(200, &v),
            },
            ("DELETE", ["devices", user, device]) => {
                if self.remove_device(user, device) {
                    no_content()
                } else {
                    error(404, format!("no device {device} of {user}"))
                }
            }
            ("POST", ["devices", user, device, "wipe"]) => {
                self.request_remote_wipe(user, device);
                no_content()
            }
            ("DELETE", ["devices", user, device, "wipe"]) => {
                self.cancel_remote_wipe(user, device);
                no_content()
            }
            ("PUT", ["availability"]) => match parse::<Availability>(body, r#"{"kind":"normal"}"#) {
                Ok(a) => {
                    self.set_availability(a);
                    no_content()
                }
                Err(e) => error(400, e.to_string()),
            },
            ("GET", ["device-policy"]) => json_response(200, &json!({ "policy": self.device_policy(), "enforce": self.enforcing() })),
            ("PUT", ["device-policy"]) => {
                match parse::<DevicePolicyChange>(body, r#"{"policy":{"device_password_enabled":true},"enforce":true}"#) {
                    Ok(c) => {
                        self.set_device_policy(c.policy, c.enforce);
                        no_content()
                    }
                    Err(e) => error(400, e.to_string()),
                }
            }
            ("POST", ["users"]) => match parse::<NewUser>(body, r#"{"login":"alice","email":"alice@example.test"}"#) {
                Ok(u) => {
                    self.store.add_user(&u.login, &u.email);
                    no_content()
                }
                Err(e) => error(400, e.to_string()),
            },
            ("POST", ["deliver"]) => match parse::<Delivery>(body, r#"{"to":"alice","item":{"subject":"Hi","from":"bob@example.test"}}"#) {
                Ok(d) => match self.store.deliver(&d.to, d.item) {
                    Ok(id) => json_response(200, &json!({ "server_id": id })),
                    Err(e) => error(404, e.to_string()),
                },
                Err(e) => error(400, e.to_string()),
            },
            ("GET", ["mailboxes", user, "folders"]) => match self.store.folders(user) {
                Ok(f) => json_response(200, &serde_json::to_value(f).unwrap_or_default()),
                Err(e) => error(404, e.to_string()),
            },
            ("GET", ["mailboxes", user, "folders", folder, "items"]) => match self.store.items(user, folder) {
                Ok(items) => json_response(200, &serde_json::to_value(items).unwrap_or_default()),
                Err(e) => error(404, e.to_string()),
            },
            ("PUT", ["meeting-delete-policy"]) => match parse::<PolicyChange>(body, r#"{"policy":"KeepOnServer"}"#) {
                Ok(p) => {
                    self.store.set_meeting_delete_policy(p.policy);
                    no_content()
                }
                Err(e) => error(400, e.to_string()),
            },
            ("GET", ["log"]) => json_response(200, &serde_json::to_value(self.request_log()).unwrap_or_default()),
            _ => error(404, format!("no control endpoint {method} {rest}; the ActiveSync control API has {KNOWN}")),
        }
    }
}
