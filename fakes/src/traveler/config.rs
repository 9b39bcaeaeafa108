//! How a Notes Traveler deployment is configured, in the terms its administrators use: notes.ini
//! entries, the Domino Directory's Internet Site document (session authentication, the override
//! for `/traveler`, substitution rules), the Internet authentication setting, and the sync
//! protocols offered.

use super::directory::{DirectoryKind, NameVariations, Person};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// notes.ini: Traveler enforces its own EAS device policy unless told otherwise.
pub const NTS_AS_ENFORCE_POLICY: &str = "NTS_AS_ENFORCE_POLICY";

/// Where ActiveSync lives on a Traveler server, and where a substitution rule can point the
/// standard path.
pub const TRAVELER_EAS_PATH: &str = "/traveler/Microsoft-Server-ActiveSync";
/// The standard ActiveSync path devices use; Traveler serves it only through a substitution rule.
pub const STANDARD_EAS_PATH: &str = "/Microsoft-Server-ActiveSync";
/// Traveler's own endpoints for its own clients.
pub(crate) const TRAVELER_HOME: &str = "/traveler";
pub(crate) const TRAVELER_SERVLET: &str = "/servlet/traveler";

/// Which sync protocols the server offers (the Traveler administration's "Sync protocols" setting).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncProtocols {
    /// ActiveSync for EAS clients, SyncML for Traveler's own clients.
    ActiveSyncAndSyncMl,
    /// SyncML forced as the primary protocol: EAS clients are turned away.
    SyncMlPrimary,
}

/// A Domino Web Site Rule of type Substitution: requests matching `from` are served as `to`
/// (a trailing `*` matches the rest of the path and carries it over).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Substitution {
    /// The path pattern requests are matched against (`/Microsoft-Server-ActiveSync*`).
    pub from: String,
    /// What a matching path is served as (`/traveler/Microsoft-Server-ActiveSync*`).
    pub to: String,
}

impl Substitution {
    pub(crate) fn apply(&self, path: &str) -> Option<String> {
        match (self.from.strip_suffix('*'), self.to.strip_suffix('*')) {
            (Some(prefix), Some(target)) => path.strip_prefix(prefix).map(|rest| format!("{target}{rest}")),
            (Some(prefix), None) => path.starts_with(prefix).then(|| self.to.clone()),
            (None, _) => (path == self.from).then(|| self.to.clone()),
        }
    }
}

/// The Domino Internet Site Traveler is served on: its authentication and its web-site rules.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WebSite {
    /// "Session authentication" on the Internet Site: form-based login with a session cookie.
    pub session_authentication: bool,
    /// URL patterns with the rule "Override Session Authentication" (Basic is challenged there).
    pub override_session_authentication: Vec<String>,
    /// Web Site Rules of type Substitution, tried in order.
    pub substitutions: Vec<Substitution>,
}

impl WebSite {
    pub(crate) fn forms_apply_to(&self, path: &str) -> bool {
        self.session_authentication
            && !self.override_session_authentication.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == p,
            })
    }
}

/// How one Traveler server is set up, the way its administrators set it up.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TravelerConfig {
    /// The server's host name.
    pub host: String,
    /// Traveler's version: on its home page and in the `MS-Server-ActiveSync` header.
    pub traveler_version: String,
    /// Domino's version, as the administrator's configuration records it.
    pub domino_version: String,
    /// `notes.ini` settings (`NTS_AS_ENFORCE_POLICY`, ...).
    pub notes_ini: BTreeMap<String, String>,
    /// The Internet Site's authentication and rules.
    pub web_site: WebSite,
    /// The Internet Site's "Internet authentication" name variations.
    pub name_variations: NameVariations,
    /// Where users are looked up.
    pub directory: DirectoryKind,
    /// The protocols offered to devices.
    pub sync_protocols: SyncProtocols,
    /// The users in the directory.
    pub people: Vec<Person>,
}

impl TravelerConfig {
    /// Traveler 9.0.1 on Domino 9.0.1 as installed: session authentication on for the whole
    /// site, no overrides, no substitution rules, Traveler enforcing its own policy.
    pub fn new(host: &str) -> Self {
        let mut notes_ini = BTreeMap::new();
        notes_ini.insert(NTS_AS_ENFORCE_POLICY.to_string(), "true".to_string());
        TravelerConfig {
            host: host.to_string(),
            traveler_version: "9.0.1.7".into(),
            domino_version: "Release 9.0.1FP7".into(),
            notes_ini,
            web_site: WebSite { session_authentication: true, override_session_authentication: Vec::new(), substitutions: Vec::new() },
            name_variations: NameVariations::Fewer,
            directory: DirectoryKind::Domino,
            sync_protocols: SyncProtocols::ActiveSyncAndSyncMl,
            people: Vec::new(),
        }
    }

    /// The Citrix-recommended settings of the seed: forms authentication overridden for
    /// `/traveler`, Endpoint Management managing the device policy.
    pub fn recommended(host: &str) -> Self {
        let mut c = TravelerConfig::new(host);
        c.web_site.override_session_authentication.push("/traveler*".into());
        c.notes_ini.insert(NTS_AS_ENFORCE_POLICY.into(), "false".into());
        c
    }

    /// Whether Traveler sends its own device policy: `NTS_AS_ENFORCE_POLICY` is not `false` or `0`.
    pub(crate) fn enforce_policy(&self) -> bool {
        !self.notes_ini.get(NTS_AS_ENFORCE_POLICY).is_some_and(|v| v.trim().eq_ignore_ascii_case("false") || v.trim() == "0")
    }

    /// The path a request is served as, after the site's substitution rules.
    pub(crate) fn substitute(&self, path: &str) -> String {
        self.web_site.substitutions.iter().find_map(|s| s.apply(path)).unwrap_or_else(|| path.to_string())
    }

    /// The person `login` names under the server's name variations and directory.
    pub(crate) fn person(&self, login: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.answers_to(login, self.name_variations, self.directory))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_rules_map_the_standard_path() {
        let s = Substitution { from: "/Microsoft-Server-ActiveSync*".into(), to: "/traveler/Microsoft-Server-ActiveSync*".into() };
        assert_eq!(s.apply("/Microsoft-Server-ActiveSync?Cmd=Sync").as_deref(), Some("/traveler/Microsoft-Server-ActiveSync?Cmd=Sync"));
        assert_eq!(s.apply("/other"), None);
    }

    #[test]
    fn forms_apply_unless_overridden() {
        let mut c = TravelerConfig::new("traveler.example.test");
        assert!(c.web_site.forms_apply_to(TRAVELER_EAS_PATH));
        c.web_site.override_session_authentication.push("/traveler*".into());
        assert!(!c.web_site.forms_apply_to(TRAVELER_EAS_PATH));
        assert!(c.web_site.forms_apply_to("/mail/alice.nsf"));
    }

    #[test]
    fn policy_enforcement_follows_notes_ini() {
        assert!(TravelerConfig::new("t").enforce_policy());
        assert!(!TravelerConfig::recommended("t").enforce_policy());
    }
}
