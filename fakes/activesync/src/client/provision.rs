//! Provision from the device's side: both phases, and the remote wipe it must carry out.

use super::wire::find_status;
use super::{EasClient, EasError, ProvisionOutcome, COMMAND_TIMEOUT};
use crate::http::{Command, ProtocolVersion};
use crate::policy::{policy_type_for, DevicePolicy};
use crate::status::provision as pv;
use crate::{el, leaf, Document, Provision as PR, Settings as S};

impl EasClient {
    /// Provision, both phases. A pending remote wipe is acknowledged and carried out.
    pub async fn provision(&self) -> Result<ProvisionOutcome, EasError> {
        const C: Command = Command::Provision;
        let policy_type = policy_type_for(self.version);
        let mut phase1 = Vec::new();
        if self.version >= ProtocolVersion::V14_1 {
            let info = self.lock().device_information.clone();
            phase1.push(el(
                S::DeviceInformation,
                [el(
                    S::Set,
                    [
                        leaf(S::Model, info.model),
                        leaf(S::FriendlyName, info.friendly_name),
                        leaf(S::OS, info.os),
                        leaf(S::OSLanguage, info.os_language),
                        leaf(S::UserAgent, info.user_agent),
                    ],
                )],
            ));
        }
        phase1.push(el(
            PR::Policies,
            [el(PR::Policy, [leaf(PR::PolicyType, policy_type)])],
        ));
        let doc = self
            .exchange(
                self.request(C, Some(Document::new(el(PR::Provision, phase1))), None),
                COMMAND_TIMEOUT,
            )
            .await?;
        let doc = doc.ok_or(EasError::Protocol {
            command: C,
            reason: "empty Provision answer".into(),
        })?;
        if doc.root.child("RemoteWipe").is_some() {
            return self.carry_out_wipe().await;
        }
        let status = find_status(&doc.root, &["Status"]);
        if status != Some(pv::SUCCESS) {
            return Err(EasError::Status {
                command: C,
                status: status.unwrap_or(0),
            });
        }
        let policy = doc
            .find_element(&["Policies", "Policy"])
            .ok_or(EasError::Protocol {
                command: C,
                reason: "no Policies/Policy".into(),
            })?;
        match find_status(policy, &["Status"]) {
            Some(crate::status::policy::SUCCESS) => {}
            Some(crate::status::policy::NO_POLICY) => {
                let mut s = self.lock();
                s.policy_key = None;
                s.policy = None;
                return Ok(ProvisionOutcome::NoPolicy);
            }
            other => {
                return Err(EasError::Status {
                    command: C,
                    status: other.unwrap_or(0),
                })
            }
        }
        let temp = policy
            .find(&["PolicyKey"])
            .ok_or(EasError::Protocol {
                command: C,
                reason: "no temporary PolicyKey".into(),
            })?
            .to_string();
        let given = policy
            .find_element(&["Data", "EASProvisionDoc"])
            .map(DevicePolicy::from_provision_doc)
            .unwrap_or_else(DevicePolicy::none);

        let ack = Document::new(el(
            PR::Provision,
            [el(
                PR::Policies,
                [el(
                    PR::Policy,
                    [
                        leaf(PR::PolicyType, policy_type),
                        leaf(PR::PolicyKey, temp.as_str()),
                        leaf(PR::Status, "1"),
                    ],
                )],
            )],
        ));
        let doc = self
            .exchange(self.request(C, Some(ack), Some(temp)), COMMAND_TIMEOUT)
            .await?;
        let doc = doc.ok_or(EasError::Protocol {
            command: C,
            reason: "empty Provision acknowledgement answer".into(),
        })?;
        if doc.root.child("RemoteWipe").is_some() {
            return self.carry_out_wipe().await;
        }
        let status = find_status(&doc.root, &["Status"]);
        if status != Some(pv::SUCCESS) {
            return Err(EasError::Status {
                command: C,
                status: status.unwrap_or(0),
            });
        }
        let policy = doc
            .find_element(&["Policies", "Policy"])
            .ok_or(EasError::Protocol {
                command: C,
                reason: "no Policies/Policy".into(),
            })?;
        let pstatus = find_status(policy, &["Status"]);
        if pstatus != Some(crate::status::policy::SUCCESS) {
            return Err(EasError::Status {
                command: C,
                status: pstatus.unwrap_or(0),
            });
        }
        let final_key = policy
            .find(&["PolicyKey"])
            .ok_or(EasError::Protocol {
                command: C,
                reason: "no final PolicyKey".into(),
            })?
            .to_string();
        {
            let mut s = self.lock();
            s.policy_key = Some(final_key.clone());
            s.policy = Some(given.clone());
        }
        Ok(ProvisionOutcome::Provisioned {
            policy: given,
            policy_key: final_key,
        })
    }

    /// Acknowledges a RemoteWipe (Status 1) and drops every local trace of the account, as
    /// [MS-ASPROV] 3.1.5.1.2.2 has a device do without waiting for the answer's content.
    async fn carry_out_wipe(&self) -> Result<ProvisionOutcome, EasError> {
        let ack = Document::new(el(
            PR::Provision,
            [el(PR::RemoteWipe, [leaf(PR::Status, "1")])],
        ));
        let key = self.policy_key();
        let _ = self
            .exchange(
                self.request(Command::Provision, Some(ack), key),
                COMMAND_TIMEOUT,
            )
            .await;
        self.wipe_locally();
        Ok(ProvisionOutcome::Wiped)
    }
}
