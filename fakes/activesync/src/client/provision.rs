//! Provision from the device's side: both phases, and the remote wipe it must carry out.

use super::wire::find_status;
use super::{EasClient, EasError, ProvisionOutcome, COMMAND_TIMEOUT};
use crate::http::{Command, ProtocolVersion};
use crate::policy::{policy_type_for, DevicePolicy};
use crate::status::{common, policy_ack, provision as pv};
use crate::{bodies, el, leaf, Document, Element, Provision as PR};

impl EasClient {
    /// Provision, both phases. A pending remote wipe is acknowledged and carried out.
    pub async fn provision(&self) -> Result<ProvisionOutcome, EasError> {
        const C: Command = Command::Provision;
        let policy_type = policy_type_for(self.version);
        let device = (self.version >= ProtocolVersion::V14_1).then(|| self.lock().device_information.to_element());
        let phase1 = bodies::provision_request(device, policy_type);
        let Some(policy) = self.provision_phase(phase1, None, "empty Provision answer").await? else {
            return self.carry_out_wipe().await;
        };
        match find_status(&policy, &["Status"]) {
            Some(crate::status::policy::SUCCESS) => {}
            Some(crate::status::policy::NO_POLICY) => {
                let mut s = self.lock();
                s.policy_key = None;
                s.policy = None;
                return Ok(ProvisionOutcome::NoPolicy);
            }
            other => return Err(EasError::Status { command: C, status: other.unwrap_or(0) }),
        }
        let temp =
            policy.find(&["PolicyKey"]).ok_or(EasError::Protocol { command: C, reason: "no temporary PolicyKey".into() })?.to_string();
        let given =
            policy.find_element(&["Data", "EASProvisionDoc"]).map(DevicePolicy::from_provision_doc).unwrap_or_else(DevicePolicy::none);

        let refused: Vec<String> = {
            let unenforceable = &self.lock().unenforceable;
            policy
                .find_element(&["Data", "EASProvisionDoc"])
                .map(crate::policy::demanded_settings)
                .unwrap_or_default()
                .into_iter()
                .filter(|s| unenforceable.iter().any(|u| u.eq_ignore_ascii_case(s)))
                .collect()
        };
        let ack_status = if refused.is_empty() { policy_ack::APPLIED } else { policy_ack::PARTIAL };
        let ack = bodies::provision_acknowledgement(policy_type, &temp, ack_status);
        let answer = match self.provision_phase(ack, Some(temp), "empty Provision acknowledgement answer").await {
            Err(e)
                if !refused.is_empty()
                    && (e.command_status() == Some(common::DEVICE_NOT_FULLY_PROVISIONABLE)
                        || e.http_status() == Some(crate::http::code::FORBIDDEN)) =>
            {
                return Err(EasError::PolicyNotApplicable { settings: refused })
            }
            other => other?,
        };
        let Some(policy) = answer else {
            return self.carry_out_wipe().await;
        };
        let pstatus = find_status(&policy, &["Status"]);
        if pstatus != Some(crate::status::policy::SUCCESS) {
            return Err(EasError::Status { command: C, status: pstatus.unwrap_or(0) });
        }
        let final_key =
            policy.find(&["PolicyKey"]).ok_or(EasError::Protocol { command: C, reason: "no final PolicyKey".into() })?.to_string();
        {
            let mut s = self.lock();
            s.policy_key = Some(final_key.clone());
            s.policy = Some(given.clone());
            s.not_applied = refused;
        }
        Ok(ProvisionOutcome::Provisioned { policy: given, policy_key: final_key })
    }

    /// Sends one Provision request exactly as given, with the current policy key, and gives
    /// back the answer unchecked: for conformance probes, which must send what a well-behaved
    /// device never would (an unrequested wipe acknowledgement, a foreign PolicyType) and read
    /// the server's Status themselves.
    pub async fn send_provision(&self, body: Document) -> Result<Option<Document>, EasError> {
        let key = self.policy_key();
        self.exchange(self.request(Command::Provision, Some(body), key), COMMAND_TIMEOUT).await
    }

    /// Sends one phase of Provision and checks what both phases check in the answer: that
    /// there is one (`if_empty` says what is missing otherwise), a RemoteWipe (then `None`,
    /// for the caller to carry out), a successful top-level Status, and a `Policies/Policy`,
    /// which is returned.
    async fn provision_phase(&self, body: Document, policy_key: Option<String>, if_empty: &str) -> Result<Option<Element>, EasError> {
        const C: Command = Command::Provision;
        let doc = self
            .exchange(self.request(C, Some(body), policy_key), COMMAND_TIMEOUT)
            .await?
            .ok_or_else(|| EasError::Protocol { command: C, reason: if_empty.into() })?;
        if doc.root.child("RemoteWipe").is_some() {
            return Ok(None);
        }
        let status = find_status(&doc.root, &["Status"]);
        if status != Some(pv::SUCCESS) {
            return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
        }
        let policy =
            doc.find_element(&["Policies", "Policy"]).ok_or(EasError::Protocol { command: C, reason: "no Policies/Policy".into() })?;
        Ok(Some(policy.clone()))
    }

    /// Acknowledges a RemoteWipe (Status 1) and drops every local trace of the account, as
    /// [MS-ASPROV] 3.1.5.1.2.2 has a device do without waiting for the answer's content.
    async fn carry_out_wipe(&self) -> Result<ProvisionOutcome, EasError> {
        let ack = Document::new(el(PR::Provision, [el(PR::RemoteWipe, [leaf(PR::Status, "1")])]));
        let key = self.policy_key();
        let _ = self.exchange(self.request(Command::Provision, Some(ack), key), COMMAND_TIMEOUT).await;
        self.wipe_locally();
        Ok(ProvisionOutcome::Wiped)
    }
}
