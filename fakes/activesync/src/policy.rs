//! The device security policy of [MS-ASPROV]: what a server asks of a device and how it is
//! written into (and read back from) the `EASProvisionDoc` of a Provision response.
//!
//! The server serialises a [`DevicePolicy`] from its configuration; the client parses the
//! same element back, so a scenario can assert that a device received exactly the policy
//! the server was configured with. Elements follow the `EASProvisionDoc` order of
//! [MS-ASPROV] 2.2.2.27; those introduced with 12.1 are left out for 12.0 clients. A limit
//! that is not set travels as an empty element, as Exchange and Z-Push send it.

use crate::http::ProtocolVersion;
use crate::{el, empty, leaf, Element, Provision};

/// The PolicyType for 12.0 and later.
pub const POLICY_TYPE_WBXML: &str = "MS-EAS-Provisioning-WBXML";
/// The PolicyType for 2.5, whose policy data is an XML string.
pub const POLICY_TYPE_WAP: &str = "MS-WAP-Provisioning-XML";

/// The PolicyType a client of this version sends and a server expects.
pub fn policy_type_for(version: ProtocolVersion) -> &'static str {
    if version == ProtocolVersion::V2_5 {
        POLICY_TYPE_WAP
    } else {
        POLICY_TYPE_WBXML
    }
}

/// A device security policy. Numbers that are `None` mean "no limit".
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DevicePolicy {
    pub device_password_enabled: bool,
    pub alphanumeric_device_password_required: bool,
    pub password_recovery_enabled: bool,
    /// Token 0x10: `RequireStorageCardEncryption` (12.0 named it `DeviceEncryptionEnabled`).
    pub require_storage_card_encryption: bool,
    pub attachments_enabled: bool,
    pub min_device_password_length: Option<u32>,
    /// Seconds of inactivity before the device locks.
    pub max_inactivity_time_device_lock: Option<u32>,
    /// Failed unlock attempts before the device wipes itself.
    pub max_device_password_failed_attempts: Option<u32>,
    pub max_attachment_size: Option<u32>,
    pub allow_simple_device_password: bool,
    /// Days before the password expires.
    pub device_password_expiration: Option<u32>,
    pub device_password_history: u32,
    pub allow_storage_card: bool,
    pub allow_camera: bool,
    pub require_device_encryption: bool,
    pub allow_unsigned_applications: bool,
    pub allow_unsigned_installation_packages: bool,
    pub min_device_password_complex_characters: u32,
    pub allow_wifi: bool,
    pub allow_text_messaging: bool,
    pub allow_pop_imap_email: bool,
    /// 0 disabled, 1 hands-free only, 2 allowed.
    pub allow_bluetooth: u32,
    pub allow_irda: bool,
    pub require_manual_sync_when_roaming: bool,
    pub allow_desktop_sync: bool,
    /// 0 all, 4 two weeks, 5 one month, 6 three months, 7 six months.
    pub max_calendar_age_filter: u32,
    pub allow_html_email: bool,
    /// 0 all, 1 one day … 5 one month.
    pub max_email_age_filter: u32,
    /// Kilobytes; `None` is no limit (sent as -1).
    pub max_email_body_truncation_size: Option<u32>,
    pub max_email_html_body_truncation_size: Option<u32>,
    pub require_signed_smime_messages: bool,
    pub require_encrypted_smime_messages: bool,
    pub require_signed_smime_algorithm: u32,
    pub require_encryption_smime_algorithm: u32,
    pub allow_smime_encryption_algorithm_negotiation: u32,
    pub allow_smime_soft_certs: bool,
    pub allow_browser: bool,
    pub allow_consumer_email: bool,
    pub allow_remote_desktop: bool,
    pub allow_internet_sharing: bool,
    pub unapproved_in_rom_application_list: Vec<String>,
    /// SHA-1 hashes of approved applications.
    pub approved_application_list: Vec<String>,
}

impl Default for DevicePolicy {
    /// A typical enterprise policy: a 4-character PIN, lock after 15 minutes, wipe after 8
    /// failures, encryption required, everything else allowed.
    fn default() -> Self {
        DevicePolicy {
            device_password_enabled: true,
            alphanumeric_device_password_required: false,
            password_recovery_enabled: false,
            require_storage_card_encryption: false,
            attachments_enabled: true,
            min_device_password_length: Some(4),
            max_inactivity_time_device_lock: Some(900),
            max_device_password_failed_attempts: Some(8),
            max_attachment_size: None,
            allow_simple_device_password: true,
            device_password_expiration: None,
            device_password_history: 0,
            allow_storage_card: true,
            allow_camera: true,
            require_device_encryption: true,
            allow_unsigned_applications: true,
            allow_unsigned_installation_packages: true,
            min_device_password_complex_characters: 1,
            allow_wifi: true,
            allow_text_messaging: true,
            allow_pop_imap_email: true,
            allow_bluetooth: 2,
            allow_irda: true,
            require_manual_sync_when_roaming: false,
            allow_desktop_sync: true,
            max_calendar_age_filter: 0,
            allow_html_email: true,
            max_email_age_filter: 0,
            max_email_body_truncation_size: None,
            max_email_html_body_truncation_size: None,
            require_signed_smime_messages: false,
            require_encrypted_smime_messages: false,
            require_signed_smime_algorithm: 0,
            require_encryption_smime_algorithm: 0,
            allow_smime_encryption_algorithm_negotiation: 2,
            allow_smime_soft_certs: true,
            allow_browser: true,
            allow_consumer_email: true,
            allow_remote_desktop: true,
            allow_internet_sharing: true,
            unapproved_in_rom_application_list: Vec::new(),
            approved_application_list: Vec::new(),
        }
    }
}

fn flag(tag: Provision, value: bool) -> Element {
    leaf(tag, if value { "1" } else { "0" })
}

fn limit(tag: Provision, value: Option<u32>) -> Element {
    match value {
        Some(v) => leaf(tag, v.to_string()),
        None => empty(tag),
    }
}

fn number(tag: Provision, value: u32) -> Element {
    leaf(tag, value.to_string())
}

fn truncation(tag: Provision, value: Option<u32>) -> Element {
    leaf(
        tag,
        value.map(|v| v.to_string()).unwrap_or_else(|| "-1".into()),
    )
}

impl DevicePolicy {
    /// The `EASProvisionDoc` element for a client of `version`.
    pub fn to_provision_doc(&self, version: ProtocolVersion) -> Element {
        use Provision as P;
        let mut doc = vec![
            flag(P::DevicePasswordEnabled, self.device_password_enabled),
            flag(
                P::AlphanumericDevicePasswordRequired,
                self.alphanumeric_device_password_required,
            ),
            flag(P::PasswordRecoveryEnabled, self.password_recovery_enabled),
            flag(
                P::RequireStorageCardEncryption,
                self.require_storage_card_encryption,
            ),
            flag(P::AttachmentsEnabled, self.attachments_enabled),
            limit(P::MinDevicePasswordLength, self.min_device_password_length),
            limit(
                P::MaxInactivityTimeDeviceLock,
                self.max_inactivity_time_device_lock,
            ),
            limit(
                P::MaxDevicePasswordFailedAttempts,
                self.max_device_password_failed_attempts,
            ),
            limit(P::MaxAttachmentSize, self.max_attachment_size),
            flag(
                P::AllowSimpleDevicePassword,
                self.allow_simple_device_password,
            ),
            limit(P::DevicePasswordExpiration, self.device_password_expiration),
            number(P::DevicePasswordHistory, self.device_password_history),
        ];
        if version >= ProtocolVersion::V12_1 {
            doc.extend([
                flag(P::AllowStorageCard, self.allow_storage_card),
                flag(P::AllowCamera, self.allow_camera),
                flag(P::RequireDeviceEncryption, self.require_device_encryption),
                flag(
                    P::AllowUnsignedApplications,
                    self.allow_unsigned_applications,
                ),
                flag(
                    P::AllowUnsignedInstallationPackages,
                    self.allow_unsigned_installation_packages,
                ),
                number(
                    P::MinDevicePasswordComplexCharacters,
                    self.min_device_password_complex_characters,
                ),
                flag(P::AllowWiFi, self.allow_wifi),
                flag(P::AllowTextMessaging, self.allow_text_messaging),
                flag(P::AllowPOPIMAPEmail, self.allow_pop_imap_email),
                number(P::AllowBluetooth, self.allow_bluetooth),
                flag(P::AllowIrDA, self.allow_irda),
                flag(
                    P::RequireManualSyncWhenRoaming,
                    self.require_manual_sync_when_roaming,
                ),
                flag(P::AllowDesktopSync, self.allow_desktop_sync),
                number(P::MaxCalendarAgeFilter, self.max_calendar_age_filter),
                flag(P::AllowHTMLEmail, self.allow_html_email),
                number(P::MaxEmailAgeFilter, self.max_email_age_filter),
                truncation(
                    P::MaxEmailBodyTruncationSize,
                    self.max_email_body_truncation_size,
                ),
                truncation(
                    P::MaxEmailHTMLBodyTruncationSize,
                    self.max_email_html_body_truncation_size,
                ),
                flag(
                    P::RequireSignedSMIMEMessages,
                    self.require_signed_smime_messages,
                ),
                flag(
                    P::RequireEncryptedSMIMEMessages,
                    self.require_encrypted_smime_messages,
                ),
                number(
                    P::RequireSignedSMIMEAlgorithm,
                    self.require_signed_smime_algorithm,
                ),
                number(
                    P::RequireEncryptionSMIMEAlgorithm,
                    self.require_encryption_smime_algorithm,
                ),
                number(
                    P::AllowSMIMEEncryptionAlgorithmNegotiation,
                    self.allow_smime_encryption_algorithm_negotiation,
                ),
                flag(P::AllowSMIMESoftCerts, self.allow_smime_soft_certs),
                flag(P::AllowBrowser, self.allow_browser),
                flag(P::AllowConsumerEmail, self.allow_consumer_email),
                flag(P::AllowRemoteDesktop, self.allow_remote_desktop),
                flag(P::AllowInternetSharing, self.allow_internet_sharing),
                el(
                    P::UnapprovedInROMApplicationList,
                    self.unapproved_in_rom_application_list
                        .iter()
                        .map(|a| leaf(P::ApplicationName, a.as_str())),
                ),
                el(
                    P::ApprovedApplicationList,
                    self.approved_application_list
                        .iter()
                        .map(|h| leaf(P::Hash, h.as_str())),
                ),
            ]);
        }
        el(P::EASProvisionDoc, doc)
    }

    /// Reads an `EASProvisionDoc`. Elements it does not carry keep the "off / no limit"
    /// value (not [`Default`]'s enterprise values), so what a device was given is exactly
    /// what the document said.
    pub fn from_provision_doc(doc: &Element) -> DevicePolicy {
        let mut p = DevicePolicy::none();
        for e in doc.elements() {
            let text = e.text().unwrap_or("").trim();
            let b = text == "1";
            let n = text.parse::<u32>().ok();
            let t = text
                .parse::<i64>()
                .ok()
                .filter(|v| *v >= 0)
                .map(|v| v as u32);
            match e.name() {
                "DevicePasswordEnabled" => p.device_password_enabled = b,
                "AlphanumericDevicePasswordRequired" => p.alphanumeric_device_password_required = b,
                "PasswordRecoveryEnabled" => p.password_recovery_enabled = b,
                "RequireStorageCardEncryption" => p.require_storage_card_encryption = b,
                "AttachmentsEnabled" => p.attachments_enabled = b,
                "MinDevicePasswordLength" => p.min_device_password_length = n,
                "MaxInactivityTimeDeviceLock" => p.max_inactivity_time_device_lock = n,
                "MaxDevicePasswordFailedAttempts" => p.max_device_password_failed_attempts = n,
                "MaxAttachmentSize" => p.max_attachment_size = n,
                "AllowSimpleDevicePassword" => p.allow_simple_device_password = b,
                "DevicePasswordExpiration" => p.device_password_expiration = n,
                "DevicePasswordHistory" => p.device_password_history = n.unwrap_or(0),
                "AllowStorageCard" => p.allow_storage_card = b,
                "AllowCamera" => p.allow_camera = b,
                "RequireDeviceEncryption" => p.require_device_encryption = b,
                "AllowUnsignedApplications" => p.allow_unsigned_applications = b,
                "AllowUnsignedInstallationPackages" => p.allow_unsigned_installation_packages = b,
                "MinDevicePasswordComplexCharacters" => {
                    p.min_device_password_complex_characters = n.unwrap_or(0)
                }
                "AllowWiFi" => p.allow_wifi = b,
                "AllowTextMessaging" => p.allow_text_messaging = b,
                "AllowPOPIMAPEmail" => p.allow_pop_imap_email = b,
                "AllowBluetooth" => p.allow_bluetooth = n.unwrap_or(0),
                "AllowIrDA" => p.allow_irda = b,
                "RequireManualSyncWhenRoaming" => p.require_manual_sync_when_roaming = b,
                "AllowDesktopSync" => p.allow_desktop_sync = b,
                "MaxCalendarAgeFilter" => p.max_calendar_age_filter = n.unwrap_or(0),
                "AllowHTMLEmail" => p.allow_html_email = b,
                "MaxEmailAgeFilter" => p.max_email_age_filter = n.unwrap_or(0),
                "MaxEmailBodyTruncationSize" => p.max_email_body_truncation_size = t,
                "MaxEmailHTMLBodyTruncationSize" => p.max_email_html_body_truncation_size = t,
                "RequireSignedSMIMEMessages" => p.require_signed_smime_messages = b,
                "RequireEncryptedSMIMEMessages" => p.require_encrypted_smime_messages = b,
                "RequireSignedSMIMEAlgorithm" => p.require_signed_smime_algorithm = n.unwrap_or(0),
                "RequireEncryptionSMIMEAlgorithm" => {
                    p.require_encryption_smime_algorithm = n.unwrap_or(0)
                }
                "AllowSMIMEEncryptionAlgorithmNegotiation" => {
                    p.allow_smime_encryption_algorithm_negotiation = n.unwrap_or(0)
                }
                "AllowSMIMESoftCerts" => p.allow_smime_soft_certs = b,
                "AllowBrowser" => p.allow_browser = b,
                "AllowConsumerEmail" => p.allow_consumer_email = b,
                "AllowRemoteDesktop" => p.allow_remote_desktop = b,
                "AllowInternetSharing" => p.allow_internet_sharing = b,
                "UnapprovedInROMApplicationList" => {
                    p.unapproved_in_rom_application_list = e
                        .elements()
                        .filter_map(|a| a.text().map(str::to_string))
                        .collect()
                }
                "ApprovedApplicationList" => {
                    p.approved_application_list = e
                        .elements()
                        .filter_map(|h| h.text().map(str::to_string))
                        .collect()
                }
                _ => {}
            }
        }
        p
    }

    /// Every flag off and no limit set: the reading of an empty `EASProvisionDoc`.
    pub fn none() -> DevicePolicy {
        DevicePolicy {
            device_password_enabled: false,
            alphanumeric_device_password_required: false,
            password_recovery_enabled: false,
            require_storage_card_encryption: false,
            attachments_enabled: false,
            min_device_password_length: None,
            max_inactivity_time_device_lock: None,
            max_device_password_failed_attempts: None,
            max_attachment_size: None,
            allow_simple_device_password: false,
            device_password_expiration: None,
            device_password_history: 0,
            allow_storage_card: false,
            allow_camera: false,
            require_device_encryption: false,
            allow_unsigned_applications: false,
            allow_unsigned_installation_packages: false,
            min_device_password_complex_characters: 0,
            allow_wifi: false,
            allow_text_messaging: false,
            allow_pop_imap_email: false,
            allow_bluetooth: 0,
            allow_irda: false,
            require_manual_sync_when_roaming: false,
            allow_desktop_sync: false,
            max_calendar_age_filter: 0,
            allow_html_email: false,
            max_email_age_filter: 0,
            max_email_body_truncation_size: None,
            max_email_html_body_truncation_size: None,
            require_signed_smime_messages: false,
            require_encrypted_smime_messages: false,
            require_signed_smime_algorithm: 0,
            require_encryption_smime_algorithm: 0,
            allow_smime_encryption_algorithm_negotiation: 0,
            allow_smime_soft_certs: false,
            allow_browser: false,
            allow_consumer_email: false,
            allow_remote_desktop: false,
            allow_internet_sharing: false,
            unapproved_in_rom_application_list: Vec::new(),
            approved_application_list: Vec::new(),
        }
    }

    /// The 2.5 policy as a `wap-provisioningdoc`. Only the password settings are expressed;
    /// the parameter numbers and registry paths are those Windows Mobile 5 used and are
    /// UNCONFIRMED against a public source.
    pub fn to_wap_provisioning_xml(&self) -> String {
        let inactivity_minutes = self
            .max_inactivity_time_device_lock
            .map(|s| s.div_ceil(60))
            .unwrap_or(0);
        format!(
            concat!(
                "<wap-provisioningdoc>",
                "<characteristic type=\"SecurityPolicy\"><parm name=\"4131\" value=\"{}\"/><parm name=\"4133\" value=\"1\"/></characteristic>",
                "<characteristic type=\"Registry\">",
                "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{{50C13377-C66D-400C-889E-C316FC4AB374}}\">",
                "<parm name=\"AEFrequencyType\" value=\"{}\"/><parm name=\"AEFrequencyValue\" value=\"{}\"/></characteristic>",
                "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\"><parm name=\"DeviceWipeThreshold\" value=\"{}\"/></characteristic>",
                "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw\">",
                "<parm name=\"MinimumPasswordLength\" value=\"{}\"/><parm name=\"PasswordComplexity\" value=\"{}\"/></characteristic>",
                "</characteristic></wap-provisioningdoc>"
            ),
            if self.device_password_enabled { 0 } else { 1 },
            if inactivity_minutes > 0 { 1 } else { 0 },
            inactivity_minutes,
            self.max_device_password_failed_attempts.map(|n| n as i64).unwrap_or(-1),
            self.min_device_password_length.unwrap_or(1),
            if self.alphanumeric_device_password_required { 0 } else { 2 },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_survives_its_provision_doc() {
        let p = DevicePolicy {
            max_email_body_truncation_size: Some(50),
            approved_application_list: vec!["0123456789abcdef0123456789abcdef01234567".into()],
            ..Default::default()
        };
        let doc = p.to_provision_doc(ProtocolVersion::V14_1);
        assert_eq!(doc.name(), "EASProvisionDoc");
        assert_eq!(doc.find(&["MinDevicePasswordLength"]), Some("4"));
        assert_eq!(doc.find(&["MaxEmailHTMLBodyTruncationSize"]), Some("-1"));
        assert_eq!(
            doc.find_element(&["MaxAttachmentSize"])
                .map(|e| e.children.is_empty()),
            Some(true)
        );
        assert_eq!(DevicePolicy::from_provision_doc(&doc), p);
    }

    #[test]
    fn version_12_0_gets_only_the_12_0_elements() {
        let doc = DevicePolicy::default().to_provision_doc(ProtocolVersion::V12_0);
        assert_eq!(doc.elements().count(), 12);
        assert!(doc.find(&["RequireDeviceEncryption"]).is_none());
        assert_eq!(policy_type_for(ProtocolVersion::V2_5), POLICY_TYPE_WAP);
        assert_eq!(policy_type_for(ProtocolVersion::V12_0), POLICY_TYPE_WBXML);
        assert!(DevicePolicy::default()
            .to_wap_provisioning_xml()
            .contains("value=\"15\""));
    }
}
