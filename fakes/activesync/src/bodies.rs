//! Builders of the bodies of an account set-up: the FolderSync request and a response of adds,
//! a Sync of one collection, and both Provision requests. The client sends what they build;
//! the byte-exact vectors and the harness's codec corpus are made of the same documents.

use crate::{el, leaf, AirSync, Document, Element, FolderHierarchy, Provision, Settings};

/// A FolderSync request from `sync_key` (`0` the first time).
pub fn folder_sync_request(sync_key: &str) -> Document {
    Document::new(el(FolderHierarchy::FolderSync, [leaf(FolderHierarchy::SyncKey, sync_key)]))
}

/// A successful FolderSync response whose changes are all adds, each folder given as
/// (ServerId, ParentId, DisplayName, Type).
pub fn folder_sync_adds(sync_key: &str, folders: &[(&str, &str, &str, u8)]) -> Document {
    use FolderHierarchy as F;
    let adds = folders.iter().map(|(id, parent, name, kind)| {
        el(F::Add, [leaf(F::ServerId, *id), leaf(F::ParentId, *parent), leaf(F::DisplayName, *name), leaf(F::Type, kind.to_string())])
    });
    let count = leaf(F::Count, folders.len().to_string());
    Document::new(el(F::FolderSync, [leaf(F::Status, "1"), leaf(F::SyncKey, sync_key), el(F::Changes, std::iter::once(count).chain(adds))]))
}

/// A Sync request or response of one collection: `Sync > Collections > Collection` holding
/// `collection`.
pub fn sync_collection(collection: impl IntoIterator<Item = Element>) -> Document {
    Document::new(el(AirSync::Sync, [el(AirSync::Collections, [el(AirSync::Collection, collection)])]))
}

/// The `DeviceInformation` a device sends with Provision (14.1 on) or Settings:
/// `DeviceInformation > Set` holding `settings` (`Model`, `OS`, …).
pub(crate) fn device_information(settings: impl IntoIterator<Item = Element>) -> Element {
    el(Settings::DeviceInformation, [el(Settings::Set, settings)])
}

/// Provision phase 1: the policy type the device asks for, after its `device` information
/// when it sends some.
pub fn provision_request(device: Option<Element>, policy_type: &str) -> Document {
    let policies = el(Provision::Policies, [el(Provision::Policy, [leaf(Provision::PolicyType, policy_type)])]);
    Document::new(el(Provision::Provision, device.into_iter().chain([policies])))
}

/// Provision phase 2: the device acknowledges (Status 1) the policy it got with the
/// temporary `policy_key`.
/// `status` is the client's Policy Status ([MS-ASPROV] 2.2.2.54.1: 1 applied, 2 partially).
pub fn provision_acknowledgement(policy_type: &str, policy_key: &str, status: crate::status::Status) -> Document {
    Document::new(el(
        Provision::Provision,
        [el(
            Provision::Policies,
            [el(
                Provision::Policy,
                [
                    leaf(Provision::PolicyType, policy_type),
                    leaf(Provision::PolicyKey, policy_key),
                    leaf(Provision::Status, status.to_string()),
                ],
            )],
        )],
    ))
}
