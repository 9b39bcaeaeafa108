//! The domain's directory (Active Directory's role in seed 002): each user's `mail` and the
//! certificates of its `userCertificate` attribute, which AD CS publishes to and Secure Mail
//! reads recipients' encryption certificates from over LDAP ([`ldap`], [`client`]).

pub mod client;
pub mod ldap;

use crate::traveler::Person;
use openssl::x509::X509;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The directory's base DN (`example.test`).
pub const BASE_DN: &str = "DC=example,DC=test";

/// The domain's users and their published certificates.
pub struct Directory {
    people: Vec<Person>,
    certificates: Mutex<BTreeMap<String, Vec<X509>>>,
    /// Whether a search may be made without binding first (anonymous access).
    anonymous_search: std::sync::atomic::AtomicBool,
}

impl Directory {
    /// The directory of `people`, each with an empty `userCertificate`; anonymous searches
    /// allowed when `anonymous_search`.
    pub fn new(people: Vec<Person>, anonymous_search: bool) -> Self {
        Directory { people, certificates: Mutex::default(), anonymous_search: anonymous_search.into() }
    }

    /// The user known by `name`: logon name, `DOMAIN\logon`, address or DN.
    pub fn person(&self, name: &str) -> Option<&Person> {
        let name = name.rsplit('\\').next().unwrap_or(name);
        self.people.iter().find(|p| {
            p.short_name.eq_ignore_ascii_case(name) || p.internet_address.eq_ignore_ascii_case(name) || dn(p).eq_ignore_ascii_case(name)
        })
    }

    /// Every user.
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// Whether searches without a bind are answered.
    pub fn anonymous_search(&self) -> bool {
        self.anonymous_search.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Allows or refuses searches without a bind (an administrator changing Active Directory's
    /// `dsHeuristics`).
    pub fn set_anonymous_search(&self, allowed: bool) {
        self.anonymous_search.store(allowed, std::sync::atomic::Ordering::Relaxed);
    }

    /// `user`'s `userCertificate` values, oldest first.
    pub fn certificates(&self, user: &Person) -> Vec<X509> {
        self.certificates.lock().expect("directory poisoned").get(&user.short_name).cloned().unwrap_or_default()
    }

    /// Adds `cert` to `user`'s `userCertificate` (AD CS publishing it).
    pub fn publish(&self, user: &Person, cert: X509) {
        self.certificates.lock().expect("directory poisoned").entry(user.short_name.clone()).or_default().push(cert);
    }

    /// Back to a fresh directory: every `userCertificate` empty, anonymous searches as made.
    pub fn clear(&self, anonymous_search: bool) {
        self.certificates.lock().expect("directory poisoned").clear();
        self.set_anonymous_search(anonymous_search);
    }

    /// Replaces `user`'s `userCertificate` values.
    pub fn replace(&self, user: &Person, certs: Vec<X509>) {
        self.certificates.lock().expect("directory poisoned").insert(user.short_name.clone(), certs);
    }
}

/// A user's distinguished name: `CN=Alice Example,CN=Users,DC=example,DC=test`.
pub fn dn(p: &Person) -> String {
    format!("CN={} {},CN=Users,{BASE_DN}", p.first_name, p.last_name)
}
