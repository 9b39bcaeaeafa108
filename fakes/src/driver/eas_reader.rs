//! A real ActiveSync server's folders read with ActiveSync itself: what a driver of a real
//! component may use, its own protocol, signed in as the mailbox's owner on a device of its own.

use mailconform_activesync::store::FolderType;
use mailconform_activesync::{EasClient, ProtocolVersion};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long reading one folder may take (Provision, FolderSync and two Syncs).
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Who reads a mailbox's folders on a real ActiveSync server.
#[derive(Clone)]
pub struct EasReader {
    /// The server's ActiveSync endpoint.
    pub url: String,
    /// A client that reaches it and trusts what the target configuration trusts.
    pub http: mailconform_sim::HttpClient,
    /// The version to speak (the target's newest).
    pub version: ProtocolVersion,
    /// Login and password by the mailbox's local part (`alice`).
    pub logins: BTreeMap<String, (String, String)>,
}

impl std::fmt::Debug for EasReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EasReader").field("url", &self.url).field("users", &self.logins.keys()).finish_non_exhaustive()
    }
}

impl EasReader {
    /// The subjects of the items the server holds in `email`'s folder of type `folder`: a
    /// device of the reader's own provisions, lists the folders and syncs that one from
    /// SyncKey 0 twice (a server may prime the collection with the first Sync and send its
    /// items with the second). The error says what failed, for the step's message.
    pub async fn subjects(&self, email: &str, folder: FolderType) -> Result<Vec<String>, String> {
        let user = email.split('@').next().unwrap_or(email);
        let (login, password) = self.logins.get(user).ok_or_else(|| format!("the target configuration has no mailbox for {user}"))?;
        let device_id = format!("MCREADER{}", user.to_ascii_uppercase().replace(|c: char| !c.is_ascii_alphanumeric(), ""));
        let client = EasClient::new(self.http.clone(), &self.url, login, password, &device_id, "MailconformReader", self.version);
        let read = async {
            client.provision().await.map_err(|e| format!("Provision as {login}: {e}"))?;
            client.folder_sync().await.map_err(|e| format!("FolderSync as {login}: {e}"))?;
            let id = client.folder_id(folder).ok_or_else(|| format!("{login}'s FolderSync lists no folder of type {folder:?}"))?;
            for _ in 0..2 {
                client.sync(&id).await.map_err(|e| format!("Sync of {login}'s {folder:?} ({id}): {e}"))?;
            }
            Ok(client.items(&id).iter().filter_map(|i| i.subject().map(str::to_string)).collect())
        };
        tokio::time::timeout(READ_TIMEOUT, read)
            .await
            .unwrap_or_else(|_| Err(format!("reading {login}'s {folder:?} took more than {} s", READ_TIMEOUT.as_secs())))
    }
}
