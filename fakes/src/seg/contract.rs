//! SEG V2's control contract: its settings, the `application.properties` edit (applying it
//! is the service restart), and the requests it answered. Routes, bodies and the typed client.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/_mailconform/config` | | [`SegSettings`] |
//! | `PUT` | `/_mailconform/properties` | [`Properties`], or the `application.properties` text itself | [`PropertiesApplied`]; 400 for a value SEG refuses |
//! | `PUT` | `/_mailconform/mem-configuration` | [`MemConfiguration`] | [`SegSettings`]; 400 for a trust store SEG cannot read |
//! | `GET` | `/_mailconform/requests` | query `after`, `limit` ([`PageQuery`]) | [`SegRequestPage`]: the requests the gateway answered after `after` (the newest `FakeEnv::journal_capacity` are kept) |
//!
//! Refusals are `{"error": …}`; a JSON body that does not parse is refused with 400 and an
//! example of the expected one.

use super::config::property;
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, Page, CONTROL_PREFIX};

pub use mailconform_sim::PageQuery;

/// A page of the gateway's request journal.
pub type SegRequestPage = Page<SegRecord>;
use serde::{Deserialize, Serialize};

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Config,
    Properties,
    Mem,
    Requests,
}

pub(crate) const ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(Op::Config, "GET", "/config"),
        Route::new(Op::Properties, "PUT", "/properties"),
        Route::new(Op::Mem, "PUT", "/mem-configuration"),
        Route::new(Op::Requests, "GET", "/requests"),
    ],
);

/// The gateway's settings; the `application.properties` ones under their own names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegSettings {
    /// SEG version (`2.12`).
    pub version: String,
    /// The MEM configuration's email server (ActiveSync, and EWS unless a separate host is set).
    pub email_server: String,
    /// `enable.boxer.ens.ews.proxy`: SEG proxies EWS for ENS2.
    #[serde(rename = "enable.boxer.ens.ews.proxy")]
    pub enable_boxer_ens_ews_proxy: bool,
    /// `remove.unsupported.auth.for.ews` (2.9.0.1+): NTLM and Negotiate challenges stripped from EWS answers.
    #[serde(rename = "remove.unsupported.auth.for.ews")]
    pub remove_unsupported_auth_for_ews: bool,
    /// `ews.email.server.host.and.port` (2.12+): a separate EWS host.
    #[serde(rename = "ews.email.server.host.and.port")]
    pub ews_email_server_host_and_port: Option<String>,
    /// Where EWS requests go.
    pub ews_upstream: String,
    /// `ignoreSslErrorsWithExch`: the mail server's certificate is not checked.
    #[serde(rename = "ignoreSslErrorsWithExch")]
    pub ignore_ssl_errors_with_exch: bool,
    /// MEM configuration's server timeout, in seconds.
    pub server_timeout_secs: u64,
    /// Whether KCD settings are configured.
    pub kcd: bool,
    /// Properties of the last edit this version does not know (ignored, as SEG does).
    pub ignored_properties: Vec<String>,
}

/// What the console's MEM configuration gives SEG: the email server and how to reach it, KCD
/// and compliance. A harness serving SEG in another process sends each scenario's (the
/// version and `application.properties` are SEG's own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemConfiguration {
    /// The email server, `https://mail.example.test`.
    pub email_server: String,
    /// The server timeout, in seconds.
    pub server_timeout_secs: u64,
    /// `ignoreSslErrorsWithExch`: the mail server's certificate is not checked.
    #[serde(rename = "ignoreSslErrorsWithExch")]
    pub ignore_ssl_errors_with_exch: bool,
    /// PEM certificates in SEG's Java trust store besides the CA's (an Exchange's self-signed one).
    #[serde(default)]
    pub trusted_certificates: Vec<String>,
    /// Kerberos constrained delegation; none turns certificate authentication to Exchange off.
    #[serde(default)]
    pub kcd: Option<super::KcdConfig>,
    /// The console's device API; none turns compliance off.
    #[serde(default)]
    pub compliance_api: Option<String>,
}

/// An `application.properties` text to apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Properties {
    /// The file's text: `key=value` lines, `#` comments.
    pub properties: String,
}

/// What the restart made of the edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertiesApplied {
    /// Keys read that this version does not have (ignored, as SEG does).
    pub ignored_properties: Vec<String>,
}

/// Which side of the gateway a path belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// `/Microsoft-Server-ActiveSync`.
    ActiveSync,
    /// `/EWS` and `/ews` (with `enable.boxer.ens.ews.proxy=true`).
    Ews,
}

/// One request the gateway answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegRecord {
    /// Virtual ms since the epoch.
    pub at_ms: u64,
    /// Which side the path belongs to.
    pub service: Service,
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// Device ID: ActiveSync's `DeviceId` query parameter, or ENS's `x-ens-device-id` header.
    pub device_id: Option<String>,
    /// UPN from the client certificate's subject alternative name, if one was presented.
    pub upn: Option<String>,
    /// `blocked: <why>` when compliance stopped it; the upstream URL otherwise (for people).
    pub routed_to: String,
    /// Whether the console's compliance stopped it.
    #[serde(default)]
    pub blocked: bool,
    /// The scheme of the `Authorization` sent upstream (`Negotiate (KCD)` when SEG made it).
    pub upstream_auth: Option<String>,
    /// Which upstream connection of the pool carried it.
    pub upstream_connection: Option<usize>,
    /// HTTP status SEG answered the client.
    pub status: u16,
    /// Challenges removed from the answer.
    pub removed_challenges: Vec<String>,
}

impl Body for SegSettings {
    fn example() -> Self {
        SegSettings {
            version: "2.12.0".into(),
            email_server: "https://mail.example.test".into(),
            enable_boxer_ens_ews_proxy: true,
            remove_unsupported_auth_for_ews: true,
            ews_email_server_host_and_port: Some("https://ews.example.test:443".into()),
            ews_upstream: "https://ews.example.test:443".into(),
            ignore_ssl_errors_with_exch: false,
            server_timeout_secs: 120,
            kcd: true,
            ignored_properties: vec!["unknown.property".into()],
        }
    }
}

impl Body for Properties {
    fn example() -> Self {
        Properties { properties: format!("{}=true\n{}=true", property::ENABLE_EWS_PROXY, property::REMOVE_UNSUPPORTED_AUTH) }
    }
}

impl Body for MemConfiguration {
    fn example() -> Self {
        MemConfiguration {
            email_server: "https://mail.example.test".into(),
            server_timeout_secs: 30,
            ignore_ssl_errors_with_exch: false,
            trusted_certificates: vec!["-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n".into()],
            kcd: Some(super::KcdConfig {
                kdc_url: "https://kdc.example.test/kdc/v1".into(),
                service_spn: "HTTP/seg.example.test".into(),
                service_password: "secret".into(),
                target_spn: "HTTP/mail.example.test".into(),
            }),
            compliance_api: Some("https://uem.example.test/api/mdm/devices".into()),
        }
    }
}

impl Body for PropertiesApplied {
    fn example() -> Self {
        PropertiesApplied { ignored_properties: vec![property::EWS_HOST_AND_PORT.into()] }
    }
}

impl Body for SegRecord {
    fn example() -> Self {
        SegRecord {
            at_ms: 1_000,
            service: Service::Ews,
            method: "POST".into(),
            path: "/EWS/Exchange.asmx".into(),
            device_id: Some("boxer1".into()),
            upn: Some("alice@example.test".into()),
            routed_to: "https://mail.example.test/EWS/Exchange.asmx".into(),
            blocked: false,
            upstream_auth: Some("Negotiate (KCD)".into()),
            upstream_connection: Some(1),
            status: 401,
            removed_challenges: vec!["NTLM".into()],
        }
    }
}

/// Typed client of SEG's control API, for steps.
#[derive(Clone)]
pub struct SegControl(pub ControlClient);

impl SegControl {
    /// SEG's settings (`GET /_mailconform/config`).
    pub async fn config(&self) -> Result<SegSettings, ControlError> {
        self.0.get("/config").await
    }

    /// Edits `application.properties` and restarts the service.
    pub async fn apply_properties(&self, text: &str) -> Result<PropertiesApplied, ControlError> {
        self.0.put("/properties", &Properties { properties: text.into() }).await
    }

    /// Takes the console's MEM configuration (`PUT /_mailconform/mem-configuration`).
    pub async fn set_mem_configuration(&self, mem: &MemConfiguration) -> Result<SegSettings, ControlError> {
        self.0.put("/mem-configuration", mem).await
    }

    /// Every request SEG answered, oldest first (`GET /_mailconform/requests`).
    pub async fn requests(&self) -> Result<Vec<SegRecord>, ControlError> {
        self.0.get_journal("/requests").await
    }

    /// One page of the request journal.
    pub async fn requests_page(&self, query: &PageQuery) -> Result<SegRequestPage, ControlError> {
        self.0.get_page("/requests", query).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<SegSettings>();
        check_round_trip::<Properties>();
        check_round_trip::<PropertiesApplied>();
        check_round_trip::<MemConfiguration>();
        check_round_trip::<SegRecord>();
        check_round_trip::<SegRequestPage>();
    }

    #[test]
    fn the_settings_name_the_properties_as_the_file_does() {
        let v = serde_json::to_value(SegSettings::example()).unwrap();
        for name in [property::ENABLE_EWS_PROXY, property::REMOVE_UNSUPPORTED_AUTH, property::EWS_HOST_AND_PORT] {
            assert!(v.get(name).is_some(), "{name} missing from {v}");
        }
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let seg = {
            let _rt = sim.enter();
            super::super::Seg::new(env, crate::deployment::default_seg_config("2.12.0", "mail.example.test")).expect("SEG starts")
        };
        check_handler_serves(&sim, seg, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[ROUTES.listing()]);
    }
}
