//! The listener's control API (routes and bodies in [`super::contract`]): its whole store and
//! its APNs attempts.

use super::contract::{CertificateInfo, ControlOp, ListenerState};
use super::store::Store;
use super::Listener;
use mailconform_sim::contract::{error, reply};
use mailconform_sim::{PageQuery, Response};

pub(crate) fn handle(l: &Listener, op: ControlOp, query: Option<&str>) -> Response {
    let store = l.store.lock().expect("store poisoned");
    match op {
        ControlOp::State => reply(200, &snapshot(&store)),
        ControlOp::Pushes => match PageQuery::parse(query) {
            Ok(q) => reply(200, &store.pushes.page(&q)),
            Err(e) => error(400, e),
        },
    }
}

/// Everything the store keeps that may be shown: the certificates without their PEMs.
fn snapshot(store: &Store) -> ListenerState {
    ListenerState {
        registrations: store.registrations.clone(),
        certificates: store.certificates.iter().map(|(k, c)| (k.clone(), CertificateInfo::from(c))).collect(),
        pushes: store.pushes.to_vec(),
    }
}
