//! ENS2, Boxer and the UEM console without a gateway in the path: Boxer registers, ENS
//! subscribes to Exchange with Boxer's credentials and pushes the unread count, and after an
//! enterprise wipe Boxer unregisters — retrying while ENS is out of reach — after which ENS
//! tells Exchange to stop.

use mailconform_fakes::defaults::{self, EXCHANGE_HOST};
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::ens::{Placement, PushOutcome};
use mailconform_fakes::uem::ComplianceState;
use mailconform_sim::{Fault, Simulation};
use std::time::Duration;

struct World {
    sim: Simulation,
    ens_gate: mailconform_sim::FaultGate,
    device_id: String,
}

fn world(seed: u64, placement: Placement) -> World {
    let mut sim = Simulation::new(seed).unwrap();
    deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[]).unwrap();
    let pkcs8 = deployment::add_apns(&mut sim).unwrap();
    deployment::add_uem(&mut sim).unwrap();
    let ens_gate = deployment::add_ens(&mut sim, placement, &format!("https://{EXCHANGE_HOST}/EWS/Exchange.asmx"), pkcs8).unwrap();
    let mut cfg = deployment::default_boxer_config("alice", "alice@example.test");
    cfg.eas_url = format!("https://{EXCHANGE_HOST}/Microsoft-Server-ActiveSync");
    cfg.ens_api = format!("https://{}{}", defaults::ENS_HOST, placement.api_prefix());
    let device_id = cfg.device_id.clone();
    deployment::add_boxer(&mut sim, cfg).unwrap();
    World { sim, ens_gate, device_id }
}

#[test]
fn boxer_registers_and_ens_pushes_the_unread_count() {
    for (seed, placement) in [(1, Placement::Cloud), (2, Placement::OnPremises)] {
        let w = world(seed, placement);
        let roles = Roles::new(&w.sim);
        assert_eq!(w.sim.block_on(roles.ens().unwrap().alive(placement)).unwrap().status, "alive");
        let other = if placement == Placement::Cloud { Placement::OnPremises } else { Placement::Cloud };
        assert!(w.sim.block_on(roles.ens().unwrap().alive(other)).is_err(), "{placement:?} ENS answers only under its own path");
        let boxer = roles.boxer("alice").unwrap();
        let v = w.sim.block_on(boxer.setup()).unwrap();
        assert!(v.state.registered, "{placement:?}: {:?}", v.error);
        let v = w.sim.block_on(boxer.sync()).unwrap();
        assert!(v.state.eas_synced, "{:?}", v.error);
        w.sim.block_on(roles.exchange().unwrap().deliver("alice@example.test", "Hello")).unwrap();
        w.sim.settle();
        let pushes = w.sim.block_on(roles.ens().unwrap().pushes()).unwrap();
        assert_eq!(pushes.len(), 1, "{pushes:?}");
        assert_eq!((pushes[0].badge, &pushes[0].outcome), (Some(1), &PushOutcome::Sent));
        let token = v.state.device_token.unwrap();
        let delivered = w.sim.block_on(roles.apns().unwrap().notifications(&token, 0, Duration::ZERO)).unwrap();
        assert_eq!(delivered.len(), 1);
    }
}

#[test]
fn a_wiped_boxer_keeps_trying_to_unregister_until_ens_answers() {
    let w = world(3, Placement::Cloud);
    let roles = Roles::new(&w.sim);
    let boxer = roles.boxer("alice").unwrap();
    w.sim.block_on(boxer.setup()).unwrap();
    w.sim.block_on(roles.uem().unwrap().set_state(&w.device_id, "alice@example.test", ComplianceState::EnterpriseWiped)).unwrap();
    w.ens_gate.set(Fault::Unreachable);
    let v = w.sim.block_on(boxer.check_in()).unwrap();
    assert!(v.state.wiped);
    w.sim.advance(Duration::from_secs(5 * 60 + 30));
    let v = w.sim.block_on(boxer.state()).unwrap();
    assert!(v.state.unregistered_at_ms.is_none());
    assert_eq!(v.state.unregister_attempts, 6, "one at once, then one a minute");
    w.ens_gate.clear();
    w.sim.advance(Duration::from_secs(60));
    let v = w.sim.block_on(boxer.state()).unwrap();
    assert!(v.state.unregistered_at_ms.is_some() && !v.state.registered, "{:?}", v.state.log);
    assert!(w.sim.block_on(roles.ens().unwrap().registrations()).unwrap().is_empty());

    // Exchange's next notification is answered Unsubscribe, and no push goes out.
    w.sim.block_on(roles.exchange().unwrap().deliver("alice@example.test", "After the wipe")).unwrap();
    w.sim.settle();
    assert!(w.sim.block_on(roles.ens().unwrap().pushes()).unwrap().is_empty());
    let subs = w.sim.block_on(roles.exchange().unwrap().subscriptions()).unwrap();
    assert_eq!(subs.len(), 1);
    assert!(subs[0].state.is_ended(), "{subs:?}");
}
