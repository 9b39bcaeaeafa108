//! Secure Notes and Secure Tasks, the companion apps (integration guide, "Secure Notes and
//! Secure Tasks"): on iOS Secure Notes has its own account, set by the "Secure Notes Exchange
//! Server" and "Secure Notes user domain" policies; on Android Secure Notes and Secure Tasks
//! sync notes and tasks through Secure Mail's own ActiveSync account.

use super::eas::{endpoint_of, Platform};
use super::error::SecureMailError;
use super::SecureMail;
use crate::role_error::{Kinded, RoleError};
use mailconform_activesync::store::FolderType;
use mailconform_activesync::{Command, EasClient, EasError, ProtocolVersion};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The MDX policies of one companion app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanionPolicy {
    /// The companion's own "Exchange Server" MDX policy: a bare FQDN or a full ActiveSync URL.
    pub exchange_server: String,
    /// Prefixed to the login as `DOMAIN\login`.
    pub user_domain: String,
}

/// A companion app that syncs through ActiveSync beside Secure Mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Companion {
    /// Secure Notes: notes over ActiveSync (the `Notes` class, [MS-ASNOTE]).
    SecureNotes,
    /// Secure Tasks: tasks over ActiveSync (the `Tasks` class, [MS-ASTASK]).
    SecureTasks,
}

impl Companion {
    /// `Secure Notes`, `notes`, `Secure Tasks`, `tasks`, case-insensitive.
    pub fn parse(s: &str) -> Option<Companion> {
        match s.trim().to_ascii_lowercase().as_str() {
            "secure notes" | "notes" => Some(Companion::SecureNotes),
            "secure tasks" | "tasks" => Some(Companion::SecureTasks),
            _ => None,
        }
    }

    /// The name the device's control API takes (`secure notes`, `secure tasks`).
    pub fn name(self) -> &'static str {
        match self {
            Companion::SecureNotes => "secure notes",
            Companion::SecureTasks => "secure tasks",
        }
    }

    fn folder(self) -> FolderType {
        match self {
            Companion::SecureNotes => FolderType::Notes,
            Companion::SecureTasks => FolderType::Tasks,
        }
    }
}

/// What a companion app shows.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CompanionView {
    /// The ActiveSync endpoint the companion syncs with.
    pub account: String,
    /// Subjects of the notes or tasks it synced.
    pub items: Vec<String>,
    /// Why its last sync failed, if it did.
    pub error: Option<RoleError>,
}

impl SecureMail {
    fn companion_policy(&self, app: Companion) -> Option<&CompanionPolicy> {
        match app {
            Companion::SecureNotes => self.config.secure_notes.as_ref(),
            Companion::SecureTasks => self.config.secure_tasks.as_ref(),
        }
    }

    /// The account a companion app syncs with: its own on iOS (from its policies), Secure
    /// Mail's on Android.
    fn companion_client(&self, app: Companion) -> Result<(Arc<EasClient>, String), SecureMailError> {
        if self.config.platform == Platform::Android {
            let c = self.eas.lock().expect("eas poisoned").clone().ok_or(SecureMailError::AccountNotSetUp)?;
            return Ok((c, "Secure Mail's account".into()));
        }
        let policy = self.companion_policy(app).ok_or(SecureMailError::NoCompanionPolicy { app })?.clone();
        let mut slots = self.companions.lock().expect("companions poisoned");
        if let Some(c) = slots.get(&app) {
            return Ok((c.clone(), endpoint_of(&policy.exchange_server)));
        }
        let login = if policy.user_domain.is_empty() {
            self.config.login.clone()
        } else {
            format!("{}\\{}", policy.user_domain, self.config.login)
        };
        let device_id = format!("{}{}", self.config.activesync_device_id, if app == Companion::SecureNotes { "N" } else { "T" });
        let c = Arc::new(EasClient::new(
            self.env.http.clone(),
            &endpoint_of(&policy.exchange_server),
            &login,
            &self.config.password,
            &device_id,
            "iPhone",
            ProtocolVersion::V14_1,
        ));
        slots.insert(app, c.clone());
        Ok((c, endpoint_of(&policy.exchange_server)))
    }

    /// The companion app syncs its folder (connecting first when it has its own account).
    pub(crate) async fn companion_sync(&self, app: Companion) -> Result<(), SecureMailError> {
        let result = async {
            let (c, account) = self.companion_client(app)?;
            if c.folders().is_empty() {
                if self.config.platform != Platform::Android {
                    c.options().await?;
                    c.provision().await?;
                }
                c.folder_sync().await?;
            }
            let id = c.folder_id(app.folder()).ok_or_else(|| EasError::Protocol {
                command: Command::FolderSync,
                reason: format!("the server has no {:?} folder", app.folder()),
            })?;
            c.sync(&id).await?;
            let items = c.items(&id).iter().filter_map(|i| i.subject().map(str::to_string)).collect();
            Ok::<_, SecureMailError>((account, items))
        }
        .await;
        let mut s = self.state.lock().expect("state poisoned");
        let view = s.companions.entry(app).or_default();
        match result {
            Ok((account, items)) => {
                view.account = account;
                view.items = items;
                view.error = None;
                Ok(())
            }
            Err(e) => {
                view.error = Some(e.published());
                Err(e)
            }
        }
    }
}
