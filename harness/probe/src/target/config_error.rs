//! Why a target configuration cannot be used: each error names the file, the key and what to
//! write instead, so the set-up can be fixed before any check runs.

use std::path::PathBuf;
use thiserror::Error;

/// A target configuration that cannot be used as written.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file itself cannot be read.
    #[error("{}: cannot read the target configuration: {source}; pass the path of a TOML file", file.display())]
    Read {
        /// The configuration file.
        file: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Not TOML, or a key the configuration does not have (the parser's message names the line
    /// and the key).
    #[error(
        "{}: {message}\n  a target is a table `[target.\"ROLE\"]` with `url`, optionally `ca` or `insecure`, \
         `versions`, and `[[target.\"ROLE\".mailbox]]` entries with `user`, `login` and `password_env` or `password`",
        file.display()
    )]
    Syntax {
        /// The configuration file.
        file: PathBuf,
        /// What the TOML parser said, with the line and the key.
        message: String,
    },
    /// No `[target."ROLE"]` table at all.
    #[error("{}: no target configured; add a table such as [target.\"exchange.eas\"] with url = \"https://mail.example.com/Microsoft-Server-ActiveSync\"", file.display())]
    NoTargets {
        /// The configuration file.
        file: PathBuf,
    },
    /// A target key that is not a role name.
    #[error("{}: [target.\"{role}\"]: unknown role `{role}`; known roles: {}", file.display(), known.join(", "))]
    UnknownRole {
        /// The configuration file.
        file: PathBuf,
        /// The key as written.
        role: String,
        /// Every name a target may have.
        known: Vec<String>,
    },
    /// A `url` that is not an absolute http(s) URL.
    #[error("{}: target.\"{role}\".url = {url:?}: {why}; write an absolute URL such as \"https://mail.example.com{example_path}\"", file.display())]
    BadUrl {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The URL as written.
        url: String,
        /// What is wrong with it.
        why: String,
        /// A path that fits the role, for the example.
        example_path: &'static str,
    },
    /// A role serving several protocols with a URL whose path can only be one of them.
    #[error(
        "{}: target.\"{role}\".url has the path {path:?}, which can only be one of {role}'s protocols; \
         name the protocol in the key ({}) or give the server's base URL without a path",
        file.display(), choices.join(" or ")
    )]
    AmbiguousProtocol {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The URL's path.
        path: String,
        /// The keys that would pick one protocol.
        choices: Vec<String>,
    },
    /// Both `ca` and `insecure = true`.
    #[error("{}: target.\"{role}\" has both `ca` and `insecure = true`; keep `ca` to verify the server against it, or drop it to skip verification", file.display())]
    CaAndInsecure {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
    },
    /// The `ca` file cannot be read.
    #[error("{}: target.\"{role}\".ca = {}: cannot read it: {source}; give the path of a PEM file (relative paths are relative to the configuration file)", file.display(), path.display())]
    CaUnreadable {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The CA file, resolved.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The `ca` file holds no PEM certificate.
    #[error("{}: target.\"{role}\".ca = {}: no certificate in it; it must hold at least one PEM block `-----BEGIN CERTIFICATE-----`", file.display(), path.display())]
    CaEmpty {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The CA file, resolved.
        path: PathBuf,
    },
    /// A `versions` entry that is not an ActiveSync protocol version.
    #[error("{}: target.\"{role}\".versions: {value:?} is not an ActiveSync protocol version; write some of {}", file.display(), known.join(", "))]
    BadVersion {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The entry as written.
        value: String,
        /// The versions understood.
        known: Vec<String>,
    },
    /// A mailbox with neither or both of `password` and `password_env`.
    #[error("{}: target.\"{role}\".mailbox {user:?}: {why}; write password_env = \"VARIABLE\" (read from the environment) or password = \"...\"", file.display())]
    Password {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The mailbox's user.
        user: String,
        /// Neither or both.
        why: &'static str,
    },
    /// `password_env` names a variable that is not set.
    #[error("{}: target.\"{role}\".mailbox {user:?}: password_env = \"{var}\" but {var} is not set (or not Unicode); export it before the check, e.g. {var}='...' mailconform target check ...", file.display())]
    PasswordEnvUnset {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The mailbox's user.
        user: String,
        /// The variable named.
        var: String,
    },
    /// `client_secret_env` names a variable that is not set.
    #[error("{}: target.\"{role}\": client_secret_env = \"{var}\" but {var} is not set (or not Unicode); export the application's secret in it before the run", file.display())]
    ClientSecretEnvUnset {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The variable named.
        var: String,
    },
    /// A key only another kind of target reads: written here it would be silently ignored.
    #[error("{}: target \"{role}\": {key} is read only for {readers} targets; remove it, or move it to the target it belongs to", file.display())]
    KeyOfAnotherRole {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The key written.
        key: &'static str,
        /// The kinds of target that read it (`seg`, `ens and apns`).
        readers: String,
    },
    /// Mailboxes on a role whose protocols have no authentication check.
    #[error("{}: target.\"{role}\" has mailboxes, but only EWS, ActiveSync, AD CS, identity provider (login) and KDC targets sign in or are delegated for; remove the mailbox entries of this target", file.display())]
    MailboxNotChecked {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
    },
    /// An adapter command names a placeholder the driver does not fill.
    #[error("{}: target.\"{role}\".adapter.{operation} = {command:?}: unknown placeholder {{{placeholder}}}; this command may use {}", file.display(), super::config::placeholders(operation).iter().map(|k| format!("{{{k}}}")).collect::<Vec<_>>().join(", "))]
    AdapterPlaceholder {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The adapter operation (`deliver_mail`).
        operation: &'static str,
        /// The command as written.
        command: String,
        /// The placeholder it names.
        placeholder: String,
    },

    /// `send_mail_from` names a mailbox the target does not have.
    #[error("{}: target.\"{role}\".adapter.send_mail_from = {user:?}: no mailbox of that user; add [[target.\"{role}\".mailbox]] user = {user:?} with its password, or use one of: {}", file.display(), known.join(", "))]
    UnknownSender {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The user named.
        user: String,
        /// The users the target has.
        known: Vec<String>,
    },
    /// `[callback]` names a CA certificate without its key, or the reverse, or a file that
    /// cannot be read or holds no PEM block of the kind.
    #[error("{}: [callback] {key} = {}: {why}", file.display(), path.display())]
    CallbackCa {
        /// The configuration file.
        file: PathBuf,
        /// `ca` or `ca_key`.
        key: &'static str,
        /// The file named, resolved against the configuration's directory.
        path: PathBuf,
        /// What is wrong, and what to write.
        why: String,
    },
    /// A `resolve` entry that is not `HOST:PORT=ADDRESS:PORT`.
    #[error("{}: target \"{role}\": resolve {entry:?}: {why}; write \"HOST:PORT=ADDRESS:PORT\", e.g. \"listener.corp.example:443=10.0.0.5:8443\"", file.display())]
    BadResolve {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The entry as written.
        entry: String,
        /// What is wrong with it.
        why: String,
    },
    /// A `[callback.ports]` entry that names no role of the default world, or port 0.
    #[error("{}: [callback.ports] {role} = {port}: give a role of the default world (apns, exchange, uem, kdc, ...) and a port from 1 to 65535", file.display())]
    CallbackPort {
        /// The configuration file.
        file: PathBuf,
        /// The role as written.
        role: String,
        /// The port as written.
        port: u16,
    },
    /// An APNs team key that is incomplete or cannot be read.
    #[error("{}: target \"{role}\": {why}", file.display())]
    ApnsKey {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// What is wrong, and what to write.
        why: String,
    },
    /// A KDC's `url` that is not `kerberos://HOST[:PORT]/REALM`.
    #[error("{}: target.\"{role}\".url = {url:?}: {why}; write kerberos://HOST[:PORT]/REALM, such as \"kerberos://dc1.corp.example/CORP.EXAMPLE\" (port 88 unless given)", file.display())]
    KdcUrl {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The URL as written.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// A KDC's service account (`seg_account`, `exchange_account`) missing or without its password.
    #[error("{}: target \"{role}\": {why}", file.display())]
    KdcAccount {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// What is wrong, and what to write.
        why: String,
    },
    /// A real AD CS's directory given in part, or not as an LDAP URL.
    #[error("{}: target \"{role}\": {why}", file.display())]
    Directory {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// What is wrong, and what to write.
        why: String,
    },
    /// A real APNs's device token that is not one.
    #[error("{}: target \"{role}\": device_token {written:?}: {why}; give the token the app got from APNs, in hex", file.display())]
    DeviceToken {
        /// The configuration file.
        file: PathBuf,
        /// The target's key.
        role: String,
        /// The token as written.
        written: String,
        /// What is wrong with it.
        why: &'static str,
    },
}
