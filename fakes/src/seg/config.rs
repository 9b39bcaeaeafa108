//! SEG V2's configuration, read from `application.properties` the way the gateway reads it,
//! with the version gates of seed 003: `remove.unsupported.auth.for.ews` exists from 2.9.0.1
//! (older gateways have no such entry, and ignore it), `ews.email.server.host.and.port` from
//! 2.12 (before, one SEG serves one mail-server FQDN).
//!
//! The server timeout, `ignoreSslErrorsWithExch` and the mail server come from the MEM
//! configuration in the console; here they are plain fields, and a separate EWS host uses
//! them too, as the seed's note says.

use std::time::Duration;

/// A SEG version such as `2.9.0.1`, compared part by part.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct SegVersion(pub Vec<u32>);

impl SegVersion {
    /// Parses `2.9.0.1`, `2.12`, ...: dot-separated numbers.
    pub fn parse(s: &str) -> Option<SegVersion> {
        let parts: Option<Vec<u32>> = s.trim().split('.').map(|p| p.parse().ok()).collect();
        parts.filter(|p| !p.is_empty()).map(SegVersion)
    }

    /// Whether this version is at least `other` (missing trailing parts count as 0).
    pub fn at_least(&self, other: &str) -> bool {
        let other = SegVersion::parse(other).expect("a valid version literal");
        let n = self.0.len().max(other.0.len());
        let pad = |v: &[u32]| (0..n).map(|i| v.get(i).copied().unwrap_or(0)).collect::<Vec<_>>();
        pad(&self.0) >= pad(&other.0)
    }
}

impl std::fmt::Display for SegVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        write!(f, "{}", parts.join("."))
    }
}

/// The properties this fake knows, by their names in `application.properties`.
pub(crate) mod property {
    pub(crate) const ENABLE_EWS_PROXY: &str = "enable.boxer.ens.ews.proxy";
    pub(crate) const REMOVE_UNSUPPORTED_AUTH: &str = "remove.unsupported.auth.for.ews";
    pub(crate) const EWS_HOST_AND_PORT: &str = "ews.email.server.host.and.port";
    /// The first version with each.
    pub(crate) const REMOVE_UNSUPPORTED_AUTH_SINCE: &str = "2.9.0.1";
    pub(crate) const EWS_HOST_AND_PORT_SINCE: &str = "2.12";
}

/// Kerberos constrained delegation for certificate-based authentication.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KcdConfig {
    /// The KDC's protocol API, e.g. `https://kdc.example.test/kdc/v1`.
    pub kdc_url: String,
    /// SEG's service account.
    pub service_spn: String,
    /// Password of SEG's service account, from which its keytab is derived.
    pub service_password: String,
    /// The Target SPN of the console's KCD settings, `HTTP/{exchangeName}`.
    pub target_spn: String,
}

/// How one SEG V2 is set up: its MEM configuration and its `application.properties`.
#[derive(Clone, Debug)]
pub struct SegConfig {
    /// SEG's host name (devices and ENS connect here).
    pub host: String,
    /// The SEG version, which gates the properties it knows.
    pub version: SegVersion,
    /// The MEM configuration's email server: where ActiveSync (and EWS, unless a separate
    /// host is configured) goes, e.g. `https://mail.example.test`.
    pub email_server: String,
    /// `enable.boxer.ens.ews.proxy`: SEG also proxies EWS (`/EWS`, `/ews`) for ENS2.
    pub enable_boxer_ens_ews_proxy: bool,
    /// `remove.unsupported.auth.for.ews` (2.9.0.1+): strip NTLM (and Negotiate without a UPN) challenges from EWS answers.
    pub remove_unsupported_auth_for_ews: bool,
    /// `ews.email.server.host.and.port`, honoured from 2.12.
    pub ews_email_server_host_and_port: Option<String>,
    /// How long SEG waits for the mail server (MEM configuration's server timeout).
    pub server_timeout: Duration,
    /// `ignoreSslErrorsWithExch`: accept the mail server's certificate unchecked.
    pub ignore_ssl_errors_with_exch: bool,
    /// PEM certificates added to SEG's Java trust store (an Exchange's self-signed one).
    pub trusted_certificates: Vec<String>,
    /// Kerberos constrained delegation, for clients authenticating with a certificate.
    pub kcd: Option<KcdConfig>,
    /// The console's device API, `https://uem.example.test/api/mdm/devices`; `None` turns
    /// compliance off.
    pub compliance_api: Option<String>,
    /// What a blocked device gets. The public documents do not say; 403 is a proxy's
    /// conventional refusal and what an ActiveSync client reads as "not enabled for sync".
    pub blocked_status: u16,
    /// Upstream connections kept per mail server; requests take them in turn, whatever
    /// client connection they came on.
    pub upstream_pool: usize,
    /// Properties read but not known at this version, kept to show in the control API.
    pub ignored_properties: Vec<String>,
}

impl SegConfig {
    /// SEG `version` on `host` in front of `email_server`, with every property off, 60 s timeout, compliance off.
    pub fn new(host: &str, version: &str, email_server: &str) -> SegConfig {
        SegConfig {
            host: host.to_string(),
            version: SegVersion::parse(version).unwrap_or(SegVersion(vec![2, 12])),
            email_server: email_server.trim_end_matches('/').to_string(),
            enable_boxer_ens_ews_proxy: false,
            remove_unsupported_auth_for_ews: false,
            ews_email_server_host_and_port: None,
            server_timeout: Duration::from_secs(60),
            ignore_ssl_errors_with_exch: false,
            trusted_certificates: Vec::new(),
            kcd: None,
            compliance_api: None,
            blocked_status: 403,
            upstream_pool: 4,
            ignored_properties: Vec::new(),
        }
    }

    /// Applies an `application.properties` text: `key=value` lines, `#` comments (a
    /// commented-out key is not set, as the seed's "uncomment the property" means). A key this
    /// version does not have is recorded in `ignored_properties`.
    pub fn apply_properties(&mut self, text: &str) -> Result<(), super::SegError> {
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let Some((key, value)) = line.split_once('=').or_else(|| line.split_once(':')) else {
                return Err(super::SegError::PropertyLine { line: n + 1, text: raw.to_string() });
            };
            let (key, value) = (key.trim(), value.trim());
            let flag = || match value.to_ascii_lowercase().as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(super::SegError::PropertyFlag { line: n + 1, key: key.to_string(), value: value.to_string() }),
            };
            match key {
                property::ENABLE_EWS_PROXY => self.enable_boxer_ens_ews_proxy = flag()?,
                property::REMOVE_UNSUPPORTED_AUTH if self.version.at_least(property::REMOVE_UNSUPPORTED_AUTH_SINCE) => {
                    self.remove_unsupported_auth_for_ews = flag()?
                }
                property::EWS_HOST_AND_PORT if self.version.at_least(property::EWS_HOST_AND_PORT_SINCE) => {
                    self.ews_email_server_host_and_port = Some(value.trim_end_matches('/').to_string())
                }
                other => self.ignored_properties.push(other.to_string()),
            }
        }
        Ok(())
    }

    /// The `application.properties` that gives a gateway of this version these properties:
    /// every property the version has, written out, so that applying it to a gateway whose
    /// file said otherwise leaves nothing of that file (an edit of a served SEG replaces the
    /// file, as an administrator's does).
    pub fn properties_text(&self) -> String {
        let mut text = format!("{}={}\n", property::ENABLE_EWS_PROXY, self.enable_boxer_ens_ews_proxy);
        if self.version.at_least(property::REMOVE_UNSUPPORTED_AUTH_SINCE) {
            text.push_str(&format!("{}={}\n", property::REMOVE_UNSUPPORTED_AUTH, self.remove_unsupported_auth_for_ews));
        }
        if let (true, Some(host)) = (self.version.at_least(property::EWS_HOST_AND_PORT_SINCE), &self.ews_email_server_host_and_port) {
            text.push_str(&format!("{}={host}\n", property::EWS_HOST_AND_PORT));
        }
        text
    }

    /// The part of this configuration that the console's MEM configuration gives SEG.
    pub fn mem(&self) -> super::MemConfiguration {
        super::MemConfiguration {
            email_server: self.email_server.clone(),
            server_timeout_secs: self.server_timeout.as_secs(),
            ignore_ssl_errors_with_exch: self.ignore_ssl_errors_with_exch,
            trusted_certificates: self.trusted_certificates.clone(),
            kcd: self.kcd.clone(),
            compliance_api: self.compliance_api.clone(),
        }
    }

    /// Takes `mem` as the console's MEM configuration, keeping the version, host and properties.
    pub fn set_mem(&mut self, mem: super::MemConfiguration) {
        self.email_server = mem.email_server;
        self.server_timeout = Duration::from_secs(mem.server_timeout_secs);
        self.ignore_ssl_errors_with_exch = mem.ignore_ssl_errors_with_exch;
        self.trusted_certificates = mem.trusted_certificates;
        self.kcd = mem.kcd;
        self.compliance_api = mem.compliance_api;
    }

    /// Where EWS requests go: the separate EWS host when one is configured (2.12+), the
    /// email server otherwise.
    pub(crate) fn ews_upstream(&self) -> &str {
        self.ews_email_server_host_and_port.as_deref().unwrap_or(&self.email_server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_part_by_part() {
        let v = |s| SegVersion::parse(s).unwrap();
        assert!(v("2.9.0.1").at_least("2.9.0.1") && !v("2.9.0").at_least("2.9.0.1") && v("2.10").at_least("2.9.0.1"));
        assert!(v("2.12.0").at_least("2.12") && !v("2.11.9").at_least("2.12"));
        assert_eq!(SegVersion::parse("2.x"), None);
    }

    #[test]
    fn properties_are_gated_by_version_and_comments_unset_them() {
        let text = "enable.boxer.ens.ews.proxy=true\nremove.unsupported.auth.for.ews=true\n#ews.email.server.host.and.port=https://ews.example.test:443\n";
        let mut old = SegConfig::new("seg", "2.9.0", "https://mail.example.test");
        old.apply_properties(text).unwrap();
        assert!(old.enable_boxer_ens_ews_proxy && !old.remove_unsupported_auth_for_ews);
        assert_eq!(old.ignored_properties, ["remove.unsupported.auth.for.ews"]);

        let mut new = SegConfig::new("seg", "2.12.0", "https://mail.example.test");
        new.apply_properties(&text.replace('#', "")).unwrap();
        assert!(new.remove_unsupported_auth_for_ews);
        assert_eq!(new.ews_upstream(), "https://ews.example.test:443");

        let mut before_212 = SegConfig::new("seg", "2.11", "https://mail.example.test");
        before_212.apply_properties("ews.email.server.host.and.port=https://ews.example.test:443").unwrap();
        assert_eq!(before_212.ews_upstream(), "https://mail.example.test");
        assert!(new.clone().apply_properties("enable.boxer.ens.ews.proxy=yes").is_err());
    }

    #[test]
    fn the_properties_text_gives_a_gateway_of_another_file_the_same_properties() {
        let mut planned = SegConfig::new("seg", "2.12.0", "https://mail.example.test");
        planned
            .apply_properties("remove.unsupported.auth.for.ews=true\news.email.server.host.and.port=https://ews.example.test:443")
            .unwrap();
        let mut served = SegConfig::new("seg", "2.12.0", "https://mail.example.test");
        served.apply_properties("enable.boxer.ens.ews.proxy=true").unwrap();
        served.apply_properties(&planned.properties_text()).unwrap();
        assert_eq!(format!("{served:?}"), format!("{planned:?}"));
        assert!(served.ignored_properties.is_empty(), "an older gateway is written only what it has");
        let old = SegConfig::new("seg", "2.9.0", "https://mail.example.test");
        assert_eq!(old.properties_text(), "enable.boxer.ens.ews.proxy=false\n");
    }

    #[test]
    fn the_mem_configuration_round_trips_and_leaves_the_properties() {
        let mut c = SegConfig::new("seg", "2.12.0", "https://mail.example.test");
        c.apply_properties("enable.boxer.ens.ews.proxy=true").unwrap();
        let mut other = c.clone();
        other.server_timeout = Duration::from_secs(30);
        other.ignore_ssl_errors_with_exch = true;
        other.trusted_certificates.push("PEM".into());
        other.compliance_api = Some("https://uem.example.test/api/mdm/devices".into());
        c.set_mem(other.mem());
        assert_eq!(format!("{c:?}"), format!("{other:?}"));
    }
}
