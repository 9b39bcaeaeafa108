//! Which ActiveSync requirements an answer of the server puts to the test, given what the bare
//! client sent: the same answer states different requirements for different requests (HTTP 449
//! stands for Status 142 when no policy key was sent, for 144 when a wrong one was).

use mailconform_fakes::eas_probe::{EasAnswer, PolicyKey, ProvisionStep};

/// What the bare ActiveSync client sent, as far as the requirements its answer tests depend on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EasRequest {
    /// FolderSync with this policy key.
    FolderSync(PolicyKey),
    /// Ping with this heartbeat, in seconds.
    Ping(u32),
    /// Ping on a number of folders.
    PingFolders,
    /// One Provision exchange.
    Provision(ProvisionStep),
}

/// The requirements stating that `request` is answered with `expected` (none when no listed
/// server requirement says so).
pub fn stated_by(request: &EasRequest, expected: &EasAnswer) -> &'static [&'static str] {
    use EasAnswer as A;
    use EasRequest as R;
    match (request, expected) {
        // [MS-ASCMD] 2.2.2: up to 12.1 HTTP 449 stands for Status 142 (no key) and 144 (bad key).
        (R::FolderSync(PolicyKey::Missing), A::Http(449)) => &["MS-ASCMD_R7564"],
        (R::FolderSync(PolicyKey::Wrong), A::Http(449)) => &["MS-ASCMD_R7566"],
        (R::FolderSync(_), A::Status(142)) => &["MS-ASCMD_R4906"],
        (R::FolderSync(_), A::Status(144)) => &["MS-ASCMD_R4912"],
        (R::FolderSync(PolicyKey::Provisioned), A::Done) => &["MS-ASCMD_R4074"],
        // [MS-ASCMD] 2.2.3.177.11 and 2.2.3.88.1: Status 5 names the nearest allowed heartbeat.
        (R::Ping(sent), A::HeartbeatOutOfRange { limit }) if sent < limit => &["MS-ASCMD_R5837", "MS-ASCMD_R5690"],
        (R::Ping(_), A::HeartbeatOutOfRange { .. }) => &["MS-ASCMD_R4249", "MS-ASCMD_R5691"],
        (R::Ping(_) | R::PingFolders, A::TooManyFolders { .. }) => &["MS-ASCMD_R4254", "MS-ASCMD_R3259"],
        (R::Ping(_), A::Changed(_)) => &["MS-ASCMD_R4235", "MS-ASCMD_R4236"],
        // [MS-ASPROV] 2.2.2.54.1, 3.1.5.2 and 3.2.5.1.2.2.
        (R::Provision(_), A::PolicyStatus(5)) => &["MS-ASPROV_R382", "MS-ASPROV_R692", "MS-ASPROV_R761"],
        (R::Provision(ProvisionStep::RequestPolicy(_)), A::PolicyStatus(3)) => &["MS-ASPROV_R380", "MS-ASPROV_R502"],
        (R::Provision(ProvisionStep::Acknowledge(2)), A::Status(139)) => &["MS-ASPROV_R681", "MS-ASPROV_R455", "MS-ASPROV_R684"],
        (R::Provision(ProvisionStep::AcknowledgeWipe { status: 1, directive: true }), A::Done) => &["MS-ASPROV_R664"],
        (R::Provision(ProvisionStep::AcknowledgeWipe { status: 2, directive: true }), A::RemoteWipe { status: 2 }) => {
            &["MS-ASPROV_R665", "MS-ASPROV_R701"]
        }
        _ => &[],
    }
}

/// The requirement stating that the server records the outcome of a remote wipe the device reported.
pub const WIPE_RECORDED: &str = "MS-ASPROV_R663";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requirements::find;

    #[test]
    fn every_id_named_is_in_microsofts_lists() {
        let requests = [
            EasRequest::FolderSync(PolicyKey::Missing),
            EasRequest::FolderSync(PolicyKey::Wrong),
            EasRequest::FolderSync(PolicyKey::Provisioned),
            EasRequest::Ping(10),
            EasRequest::Ping(4000),
            EasRequest::PingFolders,
            EasRequest::Provision(ProvisionStep::RequestPolicy("x".into())),
            EasRequest::Provision(ProvisionStep::Acknowledge(2)),
            EasRequest::Provision(ProvisionStep::AcknowledgeWipe { status: 1, directive: true }),
            EasRequest::Provision(ProvisionStep::AcknowledgeWipe { status: 2, directive: true }),
        ];
        let answers = [
            EasAnswer::Done,
            EasAnswer::Http(449),
            EasAnswer::Status(142),
            EasAnswer::Status(144),
            EasAnswer::Status(139),
            EasAnswer::HeartbeatOutOfRange { limit: 60 },
            EasAnswer::HeartbeatOutOfRange { limit: 3540 },
            EasAnswer::TooManyFolders { max: 500 },
            EasAnswer::Changed(vec!["Inbox".into()]),
            EasAnswer::PolicyStatus(3),
            EasAnswer::PolicyStatus(5),
            EasAnswer::RemoteWipe { status: 2 },
        ];
        let mut named = vec![WIPE_RECORDED];
        for r in &requests {
            for a in &answers {
                named.extend(stated_by(r, a));
            }
        }
        assert!(named.len() > 20, "{named:?}");
        for id in named {
            assert!(find(id).is_some(), "{id} is not in the requirement lists");
        }
    }

    #[test]
    fn the_same_answer_states_what_the_request_makes_it_mean() {
        assert_eq!(stated_by(&EasRequest::FolderSync(PolicyKey::Missing), &EasAnswer::Http(449)), ["MS-ASCMD_R7564"]);
        assert_eq!(stated_by(&EasRequest::FolderSync(PolicyKey::Wrong), &EasAnswer::Http(449)), ["MS-ASCMD_R7566"]);
        let too_short = stated_by(&EasRequest::Ping(30), &EasAnswer::HeartbeatOutOfRange { limit: 60 });
        let too_long = stated_by(&EasRequest::Ping(4000), &EasAnswer::HeartbeatOutOfRange { limit: 3540 });
        assert!(too_short.contains(&"MS-ASCMD_R5690") && too_long.contains(&"MS-ASCMD_R5691"));
        assert!(stated_by(&EasRequest::FolderSync(PolicyKey::Provisioned), &EasAnswer::Http(449)).is_empty());
    }
}
