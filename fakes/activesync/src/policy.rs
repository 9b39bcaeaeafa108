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
pub(crate) const POLICY_TYPE_WBXML: &str = "MS-EAS-Provisioning-WBXML";
/// The PolicyType for 2.5, whose policy data is an XML string.
pub(crate) const POLICY_TYPE_WAP: &str = "MS-WAP-Provisioning-XML";

/// The PolicyType a client of this version sends and a server expects.
pub fn policy_type_for(version: ProtocolVersion) -> &'static str {
    if version == ProtocolVersion::V2_5 {
        POLICY_TYPE_WAP
    } else {
        POLICY_TYPE_WBXML
    }
}

/// A device security policy, one field per `EASProvisionDoc` element ([MS-ASPROV] 2.2.2.27),
/// each named after its element. Numbers that are `None` mean "no limit".
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DevicePolicy {
    /// `DevicePasswordEnabled`: the device must be locked by a password.
    pub device_password_enabled: bool,
    /// `AlphanumericDevicePasswordRequired`: the password must mix letters and digits.
    pub alphanumeric_device_password_required: bool,
    /// `PasswordRecoveryEnabled`: the device sends a recovery password to the server.
    pub password_recovery_enabled: bool,
    /// Token 0x10: `RequireStorageCardEncryption` (12.0 named it `DeviceEncryptionEnabled`).
    pub require_storage_card_encryption: bool,
    /// `AttachmentsEnabled`: attachments may be downloaded.
    pub attachments_enabled: bool,
    /// `MinDevicePasswordLength`: shortest password accepted.
    pub min_device_password_length: Option<u32>,
    /// Seconds of inactivity before the device locks.
    pub max_inactivity_time_device_lock: Option<u32>,
    /// Failed unlock attempts before the device wipes itself.
    pub max_device_password_failed_attempts: Option<u32>,
    /// `MaxAttachmentSize`: largest attachment downloaded, in bytes.
    pub max_attachment_size: Option<u32>,
    /// `AllowSimpleDevicePassword`: sequences such as 1234 are accepted.
    pub allow_simple_device_password: bool,
    /// Days before the password expires.
    pub device_password_expiration: Option<u32>,
    /// `DevicePasswordHistory`: recent passwords that may not be reused.
    pub device_password_history: u32,
    /// `AllowStorageCard`: removable storage may be used.
    pub allow_storage_card: bool,
    /// `AllowCamera`: the camera may be used.
    pub allow_camera: bool,
    /// `RequireDeviceEncryption`: device storage must be encrypted.
    pub require_device_encryption: bool,
    /// `AllowUnsignedApplications`: unsigned applications may run.
    pub allow_unsigned_applications: bool,
    /// `AllowUnsignedInstallationPackages`: unsigned packages may be installed.
    pub allow_unsigned_installation_packages: bool,
    /// `MinDevicePasswordComplexCharacters`: character classes (upper, lower, digit, symbol) a password must mix.
    pub min_device_password_complex_characters: u32,
    /// `AllowWiFi`: Wi-Fi may be used.
    pub allow_wifi: bool,
    /// `AllowTextMessaging`: SMS may be used.
    pub allow_text_messaging: bool,
    /// `AllowPOPIMAPEmail`: other POP or IMAP accounts may be configured.
    pub allow_pop_imap_email: bool,
    /// 0 disabled, 1 hands-free only, 2 allowed.
    pub allow_bluetooth: u32,
    /// `AllowIrDA`: infrared connections may be used.
    pub allow_irda: bool,
    /// `RequireManualSyncWhenRoaming`: no push or scheduled sync while roaming.
    pub require_manual_sync_when_roaming: bool,
    /// `AllowDesktopSync`: the device may sync with a desktop computer.
    pub allow_desktop_sync: bool,
    /// 0 all, 4 two weeks, 5 one month, 6 three months, 7 six months.
    pub max_calendar_age_filter: u32,
    /// `AllowHTMLEmail`: HTML mail is shown as HTML.
    pub allow_html_email: bool,
    /// 0 all, 1 one day … 5 one month.
    pub max_email_age_filter: u32,
    /// Kilobytes; `None` is no limit (sent as -1).
    pub max_email_body_truncation_size: Option<u32>,
    /// `MaxEmailHTMLBodyTruncationSize`: kilobytes of HTML body synced; `None` is no limit.
    pub max_email_html_body_truncation_size: Option<u32>,
    /// `RequireSignedSMIMEMessages`: outgoing mail must be S/MIME signed.
    pub require_signed_smime_messages: bool,
    /// `RequireEncryptedSMIMEMessages`: outgoing mail must be S/MIME encrypted.
    pub require_encrypted_smime_messages: bool,
    /// `RequireSignedSMIMEAlgorithm`: 0 SHA-1, 1 MD5.
    pub require_signed_smime_algorithm: u32,
    /// `RequireEncryptionSMIMEAlgorithm`: 0 TripleDES, 1 DES, 2 RC2 128, 3 RC2 64, 4 RC2 40.
    pub require_encryption_smime_algorithm: u32,
    /// `AllowSMIMEEncryptionAlgorithmNegotiation`: 0 none, 1 strong algorithms only, 2 any.
    pub allow_smime_encryption_algorithm_negotiation: u32,
    /// `AllowSMIMESoftCerts`: certificates stored in software may be used.
    pub allow_smime_soft_certs: bool,
    /// `AllowBrowser`: the built-in browser may be used.
    pub allow_browser: bool,
    /// `AllowConsumerEmail`: consumer mail accounts may be configured.
    pub allow_consumer_email: bool,
    /// `AllowRemoteDesktop`: remote desktop clients may be used.
    pub allow_remote_desktop: bool,
    /// `AllowInternetSharing`: the device may share its connection.
    pub allow_internet_sharing: bool,
    /// `UnapprovedInROMApplicationList`: built-in applications that may not run.
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

/// How one kind of policy value travels in an `EASProvisionDoc` element.
trait Form {
    type Value;
    fn write(&self, tag: Provision, value: &Self::Value) -> Element;
    fn read(&self, element: &Element) -> Self::Value;
}

/// The trimmed text of an element, empty when it has none.
fn text_of(element: &Element) -> &str {
    element.text().unwrap_or("").trim()
}

/// `1` or `0`; anything but `1` reads as off.
struct Flag;
/// A number, or an empty element for "no limit".
struct Limit;
/// A number that is always set; an unreadable one reads as 0.
struct Number;
/// Kilobytes, `-1` for "no limit".
struct Truncation;
/// Strings, each in a child element of the given tag.
struct List(Provision);

impl Form for Flag {
    type Value = bool;
    fn write(&self, tag: Provision, value: &bool) -> Element {
        leaf(tag, if *value { "1" } else { "0" })
    }
    fn read(&self, element: &Element) -> bool {
        text_of(element) == "1"
    }
}

impl Form for Limit {
    type Value = Option<u32>;
    fn write(&self, tag: Provision, value: &Option<u32>) -> Element {
        match value {
            Some(v) => leaf(tag, v.to_string()),
            None => empty(tag),
        }
    }
    fn read(&self, element: &Element) -> Option<u32> {
        text_of(element).parse().ok()
    }
}

impl Form for Number {
    type Value = u32;
    fn write(&self, tag: Provision, value: &u32) -> Element {
        leaf(tag, value.to_string())
    }
    fn read(&self, element: &Element) -> u32 {
        Limit.read(element).unwrap_or(0)
    }
}

impl Form for Truncation {
    type Value = Option<u32>;
    fn write(&self, tag: Provision, value: &Option<u32>) -> Element {
        leaf(tag, value.map(|v| v.to_string()).unwrap_or_else(|| "-1".into()))
    }
    fn read(&self, element: &Element) -> Option<u32> {
        text_of(element).parse::<i64>().ok().filter(|v| *v >= 0).map(|v| v as u32)
    }
}

impl Form for List {
    type Value = Vec<String>;
    fn write(&self, tag: Provision, value: &Vec<String>) -> Element {
        el(tag, value.iter().map(|v| leaf(self.0, v.as_str())))
    }
    fn read(&self, element: &Element) -> Vec<String> {
        element.elements().filter_map(|e| e.text().map(str::to_string)).collect()
    }
}

/// One `EASProvisionDoc` element and the [`DevicePolicy`] field it carries.
struct DocField {
    tag: Provision,
    write: fn(&DevicePolicy) -> Element,
    read: fn(&mut DevicePolicy, &Element),
}

/// A table of [`DocField`]s from `Form, Tag => field;` lines, so that each element and its
/// field are named once for both directions.
macro_rules! doc_fields {
    ($($form:expr, $tag:ident => $field:ident;)*) => {
        &[$(DocField {
            tag: Provision::$tag,
            write: |p| $form.write(Provision::$tag, &p.$field),
            read: |p, e| p.$field = $form.read(e),
        }),*]
    };
}

/// The elements of 12.0, in [MS-ASPROV] 2.2.2.27 order.
const DOC_12_0: &[DocField] = doc_fields! {
    Flag, DevicePasswordEnabled => device_password_enabled;
    Flag, AlphanumericDevicePasswordRequired => alphanumeric_device_password_required;
    Flag, PasswordRecoveryEnabled => password_recovery_enabled;
    Flag, RequireStorageCardEncryption => require_storage_card_encryption;
    Flag, AttachmentsEnabled => attachments_enabled;
    Limit, MinDevicePasswordLength => min_device_password_length;
    Limit, MaxInactivityTimeDeviceLock => max_inactivity_time_device_lock;
    Limit, MaxDevicePasswordFailedAttempts => max_device_password_failed_attempts;
    Limit, MaxAttachmentSize => max_attachment_size;
    Flag, AllowSimpleDevicePassword => allow_simple_device_password;
    Limit, DevicePasswordExpiration => device_password_expiration;
    Number, DevicePasswordHistory => device_password_history;
};

/// The elements 12.1 added, in [MS-ASPROV] 2.2.2.27 order after those of [`DOC_12_0`].
const DOC_12_1: &[DocField] = doc_fields! {
    Flag, AllowStorageCard => allow_storage_card;
    Flag, AllowCamera => allow_camera;
    Flag, RequireDeviceEncryption => require_device_encryption;
    Flag, AllowUnsignedApplications => allow_unsigned_applications;
    Flag, AllowUnsignedInstallationPackages => allow_unsigned_installation_packages;
    Number, MinDevicePasswordComplexCharacters => min_device_password_complex_characters;
    Flag, AllowWiFi => allow_wifi;
    Flag, AllowTextMessaging => allow_text_messaging;
    Flag, AllowPOPIMAPEmail => allow_pop_imap_email;
    Number, AllowBluetooth => allow_bluetooth;
    Flag, AllowIrDA => allow_irda;
    Flag, RequireManualSyncWhenRoaming => require_manual_sync_when_roaming;
    Flag, AllowDesktopSync => allow_desktop_sync;
    Number, MaxCalendarAgeFilter => max_calendar_age_filter;
    Flag, AllowHTMLEmail => allow_html_email;
    Number, MaxEmailAgeFilter => max_email_age_filter;
    Truncation, MaxEmailBodyTruncationSize => max_email_body_truncation_size;
    Truncation, MaxEmailHTMLBodyTruncationSize => max_email_html_body_truncation_size;
    Flag, RequireSignedSMIMEMessages => require_signed_smime_messages;
    Flag, RequireEncryptedSMIMEMessages => require_encrypted_smime_messages;
    Number, RequireSignedSMIMEAlgorithm => require_signed_smime_algorithm;
    Number, RequireEncryptionSMIMEAlgorithm => require_encryption_smime_algorithm;
    Number, AllowSMIMEEncryptionAlgorithmNegotiation
        => allow_smime_encryption_algorithm_negotiation;
    Flag, AllowSMIMESoftCerts => allow_smime_soft_certs;
    Flag, AllowBrowser => allow_browser;
    Flag, AllowConsumerEmail => allow_consumer_email;
    Flag, AllowRemoteDesktop => allow_remote_desktop;
    Flag, AllowInternetSharing => allow_internet_sharing;
    List(Provision::ApplicationName), UnapprovedInROMApplicationList
        => unapproved_in_rom_application_list;
    List(Provision::Hash), ApprovedApplicationList => approved_application_list;
};

/// The settings of an `EASProvisionDoc` that ask something of the device: an `Allow…` set
/// to 0 (or AllowBluetooth below 2), any other flag set to 1, any limit given. A device
/// compares them with what it can enforce to decide how to acknowledge the policy.
pub(crate) fn demanded_settings(doc: &Element) -> Vec<String> {
    doc.elements()
        .filter_map(|e| {
            let name = e.name();
            let value = e.text().unwrap_or("").trim();
            let demands = if name == "AllowBluetooth" {
                matches!(value, "0" | "1")
            } else if name.starts_with("Allow") {
                value == "0"
            } else {
                !value.is_empty() && value != "0"
            };
            demands.then(|| name.to_string())
        })
        .collect()
}

impl DevicePolicy {
    /// The `EASProvisionDoc` element for a client of `version`.
    pub fn to_provision_doc(&self, version: ProtocolVersion) -> Element {
        let since_12_1: &[DocField] = if version >= ProtocolVersion::V12_1 { DOC_12_1 } else { &[] };
        el(Provision::EASProvisionDoc, DOC_12_0.iter().chain(since_12_1).map(|field| (field.write)(self)))
    }

    /// Reads an `EASProvisionDoc`. Elements it does not carry keep the "off / no limit"
    /// value (not [`Default`]'s enterprise values), so what a device was given is exactly
    /// what the document said.
    pub(crate) fn from_provision_doc(doc: &Element) -> DevicePolicy {
        let mut p = DevicePolicy::none();
        for e in doc.elements() {
            let field = DOC_12_0.iter().chain(DOC_12_1).find(|field| field.tag.name() == e.name());
            if let Some(field) = field {
                (field.read)(&mut p, e);
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
    pub(crate) fn to_wap_provisioning_xml(&self) -> String {
        let inactivity_minutes = self.max_inactivity_time_device_lock.map(|s| s.div_ceil(60)).unwrap_or(0);
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
        assert_eq!(doc.find_element(&["MaxAttachmentSize"]).map(|e| e.children.is_empty()), Some(true));
        assert_eq!(DevicePolicy::from_provision_doc(&doc), p);
    }

    #[test]
    fn version_12_0_gets_only_the_12_0_elements() {
        let doc = DevicePolicy::default().to_provision_doc(ProtocolVersion::V12_0);
        assert_eq!(doc.elements().count(), 12);
        assert!(doc.find(&["RequireDeviceEncryption"]).is_none());
        assert_eq!(policy_type_for(ProtocolVersion::V2_5), POLICY_TYPE_WAP);
        assert_eq!(policy_type_for(ProtocolVersion::V12_0), POLICY_TYPE_WBXML);
        assert!(DevicePolicy::default().to_wap_provisioning_xml().contains("value=\"15\""));
    }
}
