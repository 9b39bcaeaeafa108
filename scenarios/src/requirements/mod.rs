//! Requirements of the public specifications, by the IDs of Microsoft's own requirement lists
//! (the `*_RequirementSpecification.xlsx` of its Interop-TestSuites, reduced to their normative
//! server-side rows in `scenarios/requirements/`), and the verdicts steps record against them.
//!
//! A step that checks what a requirement states records it where it asserts
//! ([`crate::MailWorld::verify`]): verified when the server did what the requirement says,
//! violated otherwise, with the expected and observed values. The run's `requirements.md` is
//! built from these verdicts, one row per requirement, so a requirement is counted only when an
//! assertion actually put it to the test.

mod catalogue;
pub mod eas;

pub use catalogue::{documents, find, of_document, Applicability, Requirement};

/// One requirement put to the test by one assertion.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    /// The requirement's ID (`MS-ASCMD_R4906`).
    pub requirement: String,
    /// Whether the server did what the requirement states.
    pub held: bool,
    /// What the requirement (through the step) expected.
    pub expected: String,
    /// What the server did.
    pub observed: String,
}
