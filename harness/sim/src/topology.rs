//! Roles reached by name. Steps and fakes find "the listener for EMEA" or "APNs" here, never
//! by holding a fake, so that a served fake or (later) a vendor's real component can take
//! the role without a step changing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where one role answers: what `endpoints.json` lists for each served role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Role name, e.g. `exchange`, `listener.us-east-1`, `apns`.
    pub role: String,
    /// The host name the role answers to in the topology, e.g. `mail.example.test`.
    pub host: String,
    /// Where the role's protocol is served, e.g. `https://mail.example.test`.
    pub base_url: String,
    /// Where its control API is served.
    pub control_url: String,
    /// Where the role also answers plain HTTP (port 80), for the servers that do (Traveler).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plain_url: Option<String>,
    /// Where the role serves protocols other than HTTP, by URL scheme: `{"ldap":
    /// "ldap://127.0.0.1:40389"}` for a directory served by `serve`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub services: std::collections::BTreeMap<String, String>,
}

/// Every role of a run by name: the one place steps and fakes look up where a role is.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Topology {
    /// Endpoints by role name.
    pub roles: BTreeMap<String, Endpoint>,
}

impl Topology {
    /// Registers `e` under its role name, replacing an earlier endpoint of that role.
    pub fn insert(&mut self, e: Endpoint) {
        self.roles.insert(e.role.clone(), e);
    }

    /// The endpoint of `role`, if it is deployed.
    pub fn get(&self, role: &str) -> Option<&Endpoint> {
        self.roles.get(role)
    }

    /// The endpoint of `role`, or an error naming the roles there are.
    pub fn require(&self, role: &str) -> Result<&Endpoint, NoSuchRole> {
        self.get(role).ok_or_else(|| NoSuchRole { role: role.to_string(), known: self.roles.keys().cloned().collect() })
    }
}

/// A role the topology does not have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no role `{role}` in the topology; known roles: {}", known.join(", "))]
pub struct NoSuchRole {
    /// The role asked for.
    pub role: String,
    /// Every role the topology has.
    pub known: Vec<String>,
}
