//! Provision ([MS-ASPROV]): the two-phase policy handshake and the remote wipe.
//!
//! Phase 1 (no PolicyKey in the Policy): the server answers the policy and a temporary key.
//! Phase 2 (the temporary key and the client's Status): the server answers the final key,
//! which every later command carries. Without a configured policy, phase 1 answers Policy
//! Status 2 and the device goes on unprovisioned. A pending wipe answers any Provision with
//! `<RemoteWipe/>`; the client's `<RemoteWipe><Status>` acknowledges it.
//!
//! A client that reports Policy Status 3 ("not applied") on a server that enforces the
//! policy is refused: Provision Status 139 (DeviceNotFullyProvisionable) from 14.0, HTTP 403
//! before. [MS-ASPROV] leaves the answer to the implementation; this is Exchange's with
//! `AllowNonProvisionableDevices` off.

use super::devices::WipeState;
use super::{doc, Ctx, EasServer};
use crate::http::{code, response, ProtocolVersion};
use crate::policy::policy_type_for;
use crate::status::{common, policy, policy_ack, provision, remote_wipe_ack, Status};
use crate::{el, empty, leaf, Element, Provision as P, Settings as S};
use mailconform_sim::Response;

fn provision_status(status: Status) -> Response {
    response::wbxml(&doc(P::Provision, vec![leaf(P::Status, status.to_string())]))
}

impl EasServer {
    pub(crate) fn provision(&self, ctx: &Ctx) -> Response {
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let version = ctx.version();

        // The client's acknowledgement of a wipe.
        if let Some(ack) = root.child("RemoteWipe") {
            let status: Option<Status> = ack.find(&["Status"]).and_then(|s| s.trim().parse().ok());
            let was = self.with_device(&ctx.key, |d| d.wipe);
            if !was.active() {
                return provision_status(provision::PROTOCOL_ERROR);
            }
            return match status {
                Some(remote_wipe_ack::WIPED) => {
                    self.with_device(&ctx.key, |d| d.wipe = WipeState::Acknowledged);
                    provision_status(provision::SUCCESS)
                }
                Some(remote_wipe_ack::FAILED) => {
                    self.with_device(&ctx.key, |d| d.wipe = WipeState::Failed);
                    response::wbxml(&doc(P::Provision, vec![leaf(P::Status, provision::PROTOCOL_ERROR.to_string()), empty(P::RemoteWipe)]))
                }
                _ => provision_status(provision::PROTOCOL_ERROR),
            };
        }

        // A pending wipe answers every other Provision.
        if self.with_device(&ctx.key, |d| d.wipe.active()) {
            return response::wbxml(&doc(P::Provision, vec![leaf(P::Status, provision::SUCCESS.to_string()), empty(P::RemoteWipe)]));
        }

        let device_info = root.child("DeviceInformation");
        if let Some(info) = device_info {
            let fields: Vec<(String, String)> = info
                .find_element(&["Set"])
                .map(|set| set.elements().map(|e| (e.name().to_string(), e.text().unwrap_or("").to_string())).collect())
                .unwrap_or_default();
            self.with_device(&ctx.key, |d| d.device_information.extend(fields));
        }
        let Some(policy_el) = root.find_element(&["Policies", "Policy"]) else {
            return provision_status(provision::PROTOCOL_ERROR);
        };
        let mut out: Vec<Element> = Vec::new();
        if device_info.is_some() {
            out.push(el(S::DeviceInformation, [leaf(S::Status, "1")]));
        }
        let policy_type = policy_el.find(&["PolicyType"]).unwrap_or("").trim().to_string();
        let acked_key = policy_el.find(&["PolicyKey"]).map(|k| k.trim().to_string());
        if acked_key.is_none() && device_info.is_none() && version >= ProtocolVersion::V14_1 && self.config.require_device_information {
            return provision_status(common::DEVICE_INFORMATION_REQUIRED);
        }
        // [MS-ASPROV] 2.2.2.42: MS-WAP-Provisioning-XML at 2.5, MS-EAS-Provisioning-WBXML from 12.0.
        let valid_type = policy_type == policy_type_for(version);
        let answer = |out: &mut Vec<Element>, policy_children: Vec<Element>| {
            out.push(leaf(P::Status, provision::SUCCESS.to_string()));
            out.push(el(P::Policies, [el(P::Policy, policy_children)]));
        };
        if !valid_type {
            answer(&mut out, vec![leaf(P::PolicyType, policy_type), leaf(P::Status, policy::UNKNOWN_POLICY_TYPE.to_string())]);
            return response::wbxml(&doc(P::Provision, out));
        }
        let Some(configured) = self.device_policy() else {
            self.with_device(&ctx.key, |d| {
                d.no_policy = true;
                d.policy_stale = false;
            });
            answer(&mut out, vec![leaf(P::PolicyType, policy_type), leaf(P::Status, policy::NO_POLICY.to_string())]);
            return response::wbxml(&doc(P::Provision, out));
        };

        match acked_key {
            None => {
                // Phase 1: the policy and a temporary key.
                let temp = self.new_policy_key();
                self.with_device(&ctx.key, |d| d.pending_key = Some(temp.clone()));
                let data = if version == ProtocolVersion::V2_5 {
                    leaf(P::Data, configured.to_wap_provisioning_xml())
                } else {
                    el(P::Data, [configured.to_provision_doc(version)])
                };
                answer(
                    &mut out,
                    vec![leaf(P::PolicyType, policy_type), leaf(P::Status, policy::SUCCESS.to_string()), leaf(P::PolicyKey, temp), data],
                );
                response::wbxml(&doc(P::Provision, out))
            }
            Some(key) => {
                // Phase 2: the acknowledgement.
                let client_status: Option<Status> = policy_el.find(&["Status"]).and_then(|s| s.trim().parse().ok());
                let (pending, current) = self.with_device(&ctx.key, |d| (d.pending_key.clone(), d.policy_key.clone()));
                let final_key = if pending.as_deref() == Some(key.as_str()) {
                    None
                } else if current.as_deref() == Some(key.as_str()) {
                    // A repeated acknowledgement (its answer was lost): the same final key.
                    current.clone()
                } else {
                    answer(&mut out, vec![leaf(P::PolicyType, policy_type), leaf(P::Status, policy::WRONG_POLICY_KEY.to_string())]);
                    return response::wbxml(&doc(P::Provision, out));
                };
                match client_status {
                    Some(policy_ack::APPLIED | policy_ack::THIRD_PARTY) => {}
                    // [MS-ASPROV] 3.1.5.2: a server that does not allow devices which cannot
                    // fully apply its policy answers a partial (or no) application with 139.
                    Some(policy_ack::PARTIAL | policy_ack::NOT_APPLIED) if self.enforcing() => {
                        self.with_device(&ctx.key, |d| d.pending_key = None);
                        return if version.uses_status_for_provisioning() {
                            provision_status(common::DEVICE_NOT_FULLY_PROVISIONABLE)
                        } else {
                            response::status(code::FORBIDDEN)
                        };
                    }
                    Some(policy_ack::PARTIAL | policy_ack::NOT_APPLIED) => {}
                    _ => return provision_status(provision::PROTOCOL_ERROR),
                }
                let final_key = final_key.unwrap_or_else(|| self.new_policy_key());
                self.with_device(&ctx.key, |d| {
                    d.policy_key = Some(final_key.clone());
                    d.pending_key = None;
                    d.policy_stale = false;
                });
                answer(
                    &mut out,
                    vec![leaf(P::PolicyType, policy_type), leaf(P::Status, policy::SUCCESS.to_string()), leaf(P::PolicyKey, final_key)],
                );
                response::wbxml(&doc(P::Provision, out))
            }
        }
    }
}
