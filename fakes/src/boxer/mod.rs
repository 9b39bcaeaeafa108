//! Workspace ONE Boxer for iOS, as far as seed 003 needs it: it registers with ENS2 for push
//! (handing over the authentication it uses for ActiveSync, which ENS then uses for EWS),
//! syncs over ActiveSync through SEG V2, checks in with the UEM console, and on an enterprise
//! wipe deletes its data and keeps trying to unregister from ENS2 until it succeeds.
//!
//! Its control API is listed with its bodies in [`contract`].

pub mod contract;
mod error;

pub use contract::{BoxerControl, BoxerView};
pub(crate) use error::BoxerError;

use crate::apns::contract::RegisterDevice;
use crate::apns::{ApnsControl, Environment};
use crate::ens::contract::NewRegistration;
use crate::ens::{EnsClient, MailAuth};
use crate::role_error::{Kinded, RoleError};
use crate::uem::contract::DeviceCommand;
use crate::uem::ConsoleClient;
use contract::{Op, ROUTES};
use mailconform_activesync::client::{Credentials, EasClient};
use mailconform_activesync::http::ProtocolVersion;
use mailconform_activesync::store::FolderType;
use mailconform_sim::contract::reply;
use mailconform_sim::{
    ClientIdentity, ConnInfo, ControlClient, ControlError, Credential, FakeEnv, HandlerFuture, Request, SharedHandler, CONTROL_PREFIX,
};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How one Boxer is set up: its identity, its account, and where the servers it talks to are.
#[derive(Clone, Debug)]
pub struct BoxerConfig {
    /// The phone's name (`alice`): its role is `boxer.<name>`.
    pub device_name: String,
    /// The ActiveSync DeviceId, also the device's ID in the console and at ENS.
    pub device_id: String,
    /// The account's SMTP address, registered with ENS and used for ActiveSync.
    pub email: String,
    /// ActiveSync authentication; handed to ENS at registration, which uses it for EWS.
    pub auth: MailAuth,
    /// The ActiveSync endpoint: SEG's `/Microsoft-Server-ActiveSync`.
    pub eas_url: String,
    /// ENS's API base, e.g. `https://ens.example.test/api/ens`.
    pub ens_api: String,
    /// The console's device API base, `https://uem.example.test/api/mdm/devices`.
    pub uem_api: String,
    /// APNs base URL it asks for a device token (`https://api.push.apple.test`).
    pub apns_base: String,
    /// Bundle ID it registers with APNs: ENS's push topic.
    pub app_id: String,
    /// How long Boxer waits between attempts to unregister after a wipe.
    pub unregister_retry: Duration,
}

/// What Boxer holds and has done, as its control API serves it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BoxerState {
    /// APNs device token, once APNs gave one.
    pub device_token: Option<String>,
    /// ENS accepted the registration.
    pub registered: bool,
    /// Why the last registration failed, if it did.
    pub register_error: Option<RoleError>,
    /// The last ActiveSync sync got the Inbox.
    pub eas_synced: bool,
    /// Why the last sync failed, if it did.
    pub eas_error: Option<RoleError>,
    /// Subjects of the Inbox's messages, as synced.
    pub inbox: Vec<String>,
    /// An enterprise wipe from the console deleted the account.
    pub wiped: bool,
    /// Unregistration attempts at ENS since the wipe (one per `unregister_retry`).
    pub unregister_attempts: u32,
    /// Virtual ms since the epoch at which ENS confirmed the unregistration.
    pub unregistered_at_ms: Option<u64>,
    /// Timestamped lines of what Boxer did, for reports.
    pub log: Vec<String>,
}

/// The Boxer app: a handler of its control API that drives the protocols underneath.
pub(crate) struct Boxer {
    env: FakeEnv,
    config: BoxerConfig,
    state: Mutex<BoxerState>,
}

impl Boxer {
    pub(crate) fn new(env: FakeEnv, config: BoxerConfig) -> Arc<Boxer> {
        Arc::new(Boxer { env, config, state: Mutex::new(BoxerState::default()) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BoxerState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn log(&self, line: impl Into<String>) {
        let at = self.env.clock.rfc3339();
        self.lock().log.push(format!("{at} {}", line.into()));
    }

    fn client(&self, base: &str) -> ControlClient {
        ControlClient::new(self.env.http.clone(), base)
    }

    /// A device token from APNs, then the registration with ENS.
    pub(crate) async fn setup(&self) -> Result<(), BoxerError> {
        let known = self.lock().device_token.clone();
        let token = match known {
            Some(t) => t,
            None => {
                let apns = ApnsControl(self.client(&format!("{}{CONTROL_PREFIX}", self.config.apns_base)));
                let device = RegisterDevice { bundle_id: self.config.app_id.clone(), environment: Some(Environment::Production) };
                let t = apns.register(&device).await.map_err(|e| self.fail_register(BoxerError::DeviceToken(e)))?.token;
                self.lock().device_token = Some(t.clone());
                t
            }
        };
        let registration = NewRegistration {
            device_id: self.config.device_id.clone(),
            email: self.config.email.clone(),
            apns_token: token,
            apns_environment: "production".into(),
            auth: self.config.auth.clone(),
        };
        // ENS answers only after subscribing over EWS, which has timeouts of its own.
        match EnsClient(self.client(&self.config.ens_api)).register(&registration, Duration::from_secs(180)).await {
            Ok(_) => {
                let mut s = self.lock();
                s.registered = true;
                s.register_error = None;
                drop(s);
                self.log("registered with ENS");
                Ok(())
            }
            Err(e) => Err(self.fail_register(BoxerError::of_registration(e))),
        }
    }

    fn fail_register(&self, e: BoxerError) -> BoxerError {
        let mut s = self.lock();
        s.registered = false;
        s.register_error = Some(e.published());
        drop(s);
        self.log(e.to_string());
        e
    }

    fn eas_client(&self) -> Result<EasClient, BoxerError> {
        let (login, password, credentials) = match &self.config.auth {
            MailAuth::Basic { username, password } => (username.clone(), password.clone(), Credentials::Basic),
            MailAuth::Oauth { token } => (self.config.email.clone(), String::new(), Credentials::Bearer(token.clone())),
            MailAuth::Certificate { cert_pem, key_pem } => {
                let credential = Credential::from_pem(cert_pem, key_pem).map_err(BoxerError::Certificate)?;
                (
                    self.config.email.clone(),
                    String::new(),
                    Credentials::Certificate(ClientIdentity { id: format!("boxer:{}", self.config.device_id), credential }),
                )
            }
            MailAuth::Ntlm { .. } => return Err(BoxerError::NtlmForActiveSync),
        };
        let c = EasClient::new(
            self.env.http.clone(),
            &self.config.eas_url,
            &login,
            &password,
            &self.config.device_id,
            "iPhone",
            ProtocolVersion::V14_1,
        );
        c.set_credentials(credentials);
        Ok(c)
    }

    /// OPTIONS, Provision, FolderSync and a Sync of the Inbox, through SEG.
    pub(crate) async fn sync(&self) -> Result<(), BoxerError> {
        if self.lock().wiped {
            return Err(BoxerError::Wiped);
        }
        let c = self.eas_client()?;
        let outcome: Result<Vec<String>, BoxerError> = async {
            c.options().await?;
            c.provision().await?;
            c.folder_sync().await?;
            let inbox = c.folder_id(FolderType::Inbox).ok_or(BoxerError::NoInbox)?;
            c.sync(&inbox).await?;
            Ok(c.items(&inbox).iter().filter_map(|i| i.subject().map(str::to_string)).collect())
        }
        .await;
        let mut s = self.lock();
        match outcome {
            Ok(inbox) => {
                s.eas_synced = true;
                s.eas_error = None;
                s.inbox = inbox;
                Ok(())
            }
            Err(e) => {
                s.eas_synced = false;
                s.eas_error = Some(e.published());
                Err(e)
            }
        }
    }

    /// Picks up the console's commands; an enterprise wipe deletes the account's data and
    /// starts the unregistration from ENS.
    pub(crate) async fn check_in(self: &Arc<Self>) -> Result<(), BoxerError> {
        let console = ConsoleClient(self.client(&self.config.uem_api));
        let commands = console.commands(&self.config.device_id).await.map_err(BoxerError::Console)?;
        let wipe = commands.commands.contains(&DeviceCommand::EnterpriseWipe);
        if wipe && !self.lock().wiped {
            {
                let mut s = self.lock();
                s.wiped = true;
                s.inbox.clear();
                s.eas_synced = false;
            }
            self.log("enterprise wipe: account data deleted, unregistering from ENS");
            let me = self.clone();
            tokio::spawn(async move { me.unregister_until_done().await });
        }
        Ok(())
    }

    /// The device is the one that must tell ENS (seed 003): it tries until ENS confirms,
    /// however long ENS is out of reach.
    async fn unregister_until_done(self: Arc<Self>) {
        let ens = EnsClient(self.client(&self.config.ens_api));
        loop {
            self.lock().unregister_attempts += 1;
            match ens.unregister(&self.config.device_id).await {
                // 404: ENS no longer knows the device, which is what unregistering is for.
                Ok(_) | Err(ControlError::Status { status: 404, .. }) => {
                    let now = self.env.clock.unix_millis();
                    let mut s = self.lock();
                    s.registered = false;
                    s.unregistered_at_ms = Some(now);
                    drop(s);
                    self.log("unregistered from ENS");
                    return;
                }
                Err(e) => {
                    self.log(format!("unregistering from ENS failed ({e}); trying again in {:?}", self.config.unregister_retry));
                    tokio::time::sleep(self.config.unregister_retry).await;
                }
            }
        }
    }

    pub(crate) fn state(&self) -> BoxerState {
        self.lock().clone()
    }
}

impl SharedHandler for Boxer {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path();
            if !ROUTES.covers(path) {
                return mailconform_sim::contract::error(404, "a device serves only its control API");
            }
            let result = match ROUTES.find(req.method().as_str(), path) {
                Ok((Op::Setup, _)) => self.setup().await,
                Ok((Op::Sync, _)) => self.sync().await,
                Ok((Op::CheckIn, _)) => self.check_in().await,
                Ok((Op::State, _)) => Ok(()),
                Err(answer) => return *answer,
            };
            reply(200, &BoxerView { state: self.state(), error: result.err().map(|e| e.published()) })
        })
    }
}
