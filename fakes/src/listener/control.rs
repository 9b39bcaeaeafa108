//! The listener's control API (routes and bodies in [`super::contract`]): its whole store and
//! its APNs attempts.

use super::contract::{CertificateInfo, ControlOp, ListenerState};
use super::store::Store;
use super::Listener;
use mailconform_sim::contract::reply;
use mailconform_sim::Response;

pub(crate) fn handle(l: &Listener, op: ControlOp) -> Response {
    let store = l.store.lock().expect("store poisoned");
    match op {
        ControlOp::State => reply(200, &snapshot(&store)),
        ControlOp::Pushes => reply(200, &store.pushes),
    }
}

/// Everything the store keeps that may be shown: the certificates without their PEMs.
fn snapshot(store: &Store) -> ListenerState {
    ListenerState {
        registrations: store.registrations.clone(),
        certificates: store.certificates.iter().map(|(k, c)| (k.clone(), CertificateInfo::from(c))).collect(),
        pushes: store.pushes.clone(),
    }
}
