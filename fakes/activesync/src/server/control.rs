//! The server side of the control API whose routes and bodies [`super::contract`] lists.

use super::contract::{self, DevicePolicySetting, Op, StoredItem, ROUTES};
use super::{Availability, EasServer};
use mailconform_sim::contract::{error, no_content, parse, reply};
use mailconform_sim::{PageQuery, Request, Response};

impl EasServer {
    /// Whether a path belongs to the control API (hosts route it before authentication).
    pub fn is_control_path(path: &str) -> bool {
        ROUTES.covers(path)
    }

    /// Answers a control API request.
    pub fn control(&self, req: &Request) -> Response {
        let (op, args) = match ROUTES.find(req.method().as_str(), req.uri().path()) {
            Ok(found) => found,
            Err(answer) => return *answer,
        };
        let body = req.body();
        let (user, device) = (args.get("user"), args.get("device"));
        match op {
            Op::Devices => reply(200, &self.devices()),
            Op::Device => match self.device_state(user, device) {
                Some(d) => reply(200, &d),
                None => error(404, format!("no device {device} of {user}")),
            },
            Op::RemoveDevice => {
                if self.remove_device(user, device) {
                    no_content()
                } else {
                    error(404, format!("no device {device} of {user}"))
                }
            }
            Op::Wipe => {
                self.request_remote_wipe(user, device);
                no_content()
            }
            Op::CancelWipe => {
                self.cancel_remote_wipe(user, device);
                no_content()
            }
            Op::SetAvailability => match parse::<Availability>(body) {
                Ok(a) => {
                    self.set_availability(a);
                    no_content()
                }
                Err(answer) => *answer,
            },
            Op::DevicePolicy => reply(200, &DevicePolicySetting { policy: self.device_policy(), enforce: self.enforcing() }),
            Op::SetDevicePolicy => match parse::<DevicePolicySetting>(body) {
                Ok(c) => {
                    self.set_device_policy(c.policy, c.enforce);
                    no_content()
                }
                Err(answer) => *answer,
            },
            Op::AddUser => match parse::<contract::NewUser>(body) {
                Ok(u) => {
                    self.store.add_user(&u.login, &u.email);
                    no_content()
                }
                Err(answer) => *answer,
            },
            Op::Deliver => match parse::<contract::Delivery>(body) {
                Ok(d) => match self.store.deliver(&d.to, d.item) {
                    Ok(server_id) => reply(200, &StoredItem { server_id }),
                    Err(e) => error(404, e.to_string()),
                },
                Err(answer) => *answer,
            },
            Op::Folders => match self.store.folders(user) {
                Ok(f) => reply(200, &f),
                Err(e) => error(404, e.to_string()),
            },
            Op::Items => match self.store.items(user, args.get("folder")) {
                Ok(items) => reply(200, &items),
                Err(e) => error(404, e.to_string()),
            },
            Op::SetMeetingDeletePolicy => match parse::<contract::MeetingDeletePolicyChange>(body) {
                Ok(p) => {
                    self.store.set_meeting_delete_policy(p.policy);
                    no_content()
                }
                Err(answer) => *answer,
            },
            Op::Log => match PageQuery::parse(req.uri().query()) {
                Ok(q) => reply(200, &self.request_log_page(&q)),
                Err(e) => error(400, e),
            },
        }
    }
}
