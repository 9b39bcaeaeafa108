//! Secure Mail's MDX network policies, as Endpoint Management delivers them (seed 001 and its
//! Spanish copy 000, "Intégration à un serveur Exchange ou un serveur IBM Notes Traveler").
//!
//! [`policies`] holds the values and the rules the seed states between them (background
//! services and their gateway take effect only when network access is tunneled); the route a
//! connection takes follows from them ([`policies::Route`]). [`export`] reads them from an
//! administrator's own document (the app's `policy_metadata.xml`, or TOML), and [`lint`] checks
//! such a document against the seeds' rules (`mailconform check`).

pub mod export;
pub mod lint;
pub mod policies;

pub use export::{ExportError, Form, PolicyDocument};
pub use lint::{check, Finding, Rule, Severity};
pub use policies::{DefaultReading, Effective, NetworkAccess, NetworkPolicies, PolicyError, Route, ServiceAddress, DEFAULT_TICKET_HOURS};
