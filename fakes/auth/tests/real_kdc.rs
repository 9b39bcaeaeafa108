//! The Kerberos client and acceptor of `mailconform_auth::krb5` against a real KDC: Heimdal's,
//! with a realm of its own, started by `tests/live/kdc/setup` (which installs Debian's
//! `heimdal-kdc` when the machine has none) on a port of this test's, and stopped after.
//!
//! SEG's service account signs in (AS exchange with encrypted timestamp), asks for a ticket
//! to itself for alice (S4U2Self) and with it one to Exchange (S4U2Proxy), and Exchange's keys
//! open the AP-REQ SEG presents. A service the KDC does not let delegate is refused, and a
//! wrong password fails pre-authentication, each with the KDC's own error.

#[path = "../../../tests/live/kdc/heimdal.rs"]
mod heimdal;

use heimdal::Heimdal;
use mailconform_auth::krb5::{KdcUrl, Krb5Client, Krb5Error, Principal, ServiceKeys};
use mailconform_auth::Keytab;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Not the script's default port, so that a KDC started by hand keeps running beside this one.
const PORT: &str = "20288";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn seg_delegates_for_alice_to_exchange_through_a_real_kdc_and_exchange_opens_the_ticket() {
    let _kdc = Heimdal::start(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("real-kdc"), PORT);
    let client = Krb5Client::new(&format!("127.0.0.1:{PORT}"), "EXAMPLE.TEST", Duration::from_secs(10));
    let seg = Principal::service("HTTP/seg.example.test");

    let tgt = client.tgt(&seg, "seg-svc-pw", now()).await.expect("SEG's TGT");
    assert_eq!(tgt.service.to_string(), "krbtgt/EXAMPLE.TEST");

    let alice = Principal::from_upn("alice@example.test", "EXAMPLE.TEST");
    let evidence = client.s4u2self(&tgt, &alice, "EXAMPLE.TEST", now()).await.expect("S4U2Self");
    assert_eq!((evidence.client.to_string(), evidence.service.to_string()), ("alice".into(), "HTTP/seg.example.test".into()));
    assert!(evidence.forwardable, "SEG is trusted for delegation: its S4U2Self ticket is forwardable");

    let exchange = Principal::service("HTTP/mail.example.test");
    let delegated = client.s4u2proxy(&tgt, &evidence, &exchange, now()).await.expect("S4U2Proxy");
    assert_eq!((delegated.client.to_string(), delegated.service.to_string()), ("alice".into(), "HTTP/mail.example.test".into()));

    let keys = ServiceKeys::from_password("HTTP/mail.example.test", "EXAMPLE.TEST", "mail-svc-pw").unwrap();
    let ap_req = delegated.ap_req(now()).unwrap();
    assert!(ServiceKeys::is_ap_req(&ap_req));
    let accepted = keys.accept(&ap_req, now()).expect("Exchange opens the ticket SEG presents");
    assert_eq!((accepted.client.to_string(), accepted.client_realm.as_str()), ("alice".into(), "EXAMPLE.TEST"));

    // The scenarios' Exchange opens it with its keytab, which also opens the fake KDC's tickets.
    let keytab = Keytab::new("EXAMPLE.TEST", "HTTP/mail.example.test", "mail-svc-pw");
    assert_eq!(keytab.accept(&ap_req, now()).expect("the keytab opens a real ticket").client, "alice@example.test");
    // SEG's whole KCD in one call, as the SEG fake makes it for a kerberos:// KDC.
    let kdc = KdcUrl::parse(&format!("kerberos://127.0.0.1:{PORT}/example.test")).unwrap().unwrap();
    let ap_req = Krb5Client::new(&kdc.address, &kdc.realm, Duration::from_secs(10))
        .delegate("HTTP/seg.example.test", "seg-svc-pw", "bob@example.test", "HTTP/mail.example.test", now())
        .await
        .unwrap();
    assert_eq!(keytab.accept(&ap_req, now()).unwrap().client, "bob@example.test");

    // Keys from another password (a stale keytab) do not open it; another service's refuse it.
    let stale = ServiceKeys::from_password("HTTP/mail.example.test", "EXAMPLE.TEST", "old-pw").unwrap();
    assert!(matches!(stale.accept(&ap_req, now()), Err(Krb5Error::Integrity(_))));
    let other = ServiceKeys::from_password("HTTP/other.example.test", "EXAMPLE.TEST", "other-svc-pw").unwrap();
    assert!(matches!(other.accept(&ap_req, now()), Err(Krb5Error::WrongService { .. })));
    // An hour later the authenticator is stale.
    assert!(matches!(keys.accept(&ap_req, now() + 3600), Err(Krb5Error::Time { what: "the authenticator", .. })));

    // A service allowed to delegate nowhere gets its S4U2Self ticket, not forwardable, and no
    // ticket to Exchange.
    let other_tgt = client.tgt(&Principal::service("HTTP/other.example.test"), "other-svc-pw", now()).await.unwrap();
    let other_evidence = client.s4u2self(&other_tgt, &alice, "EXAMPLE.TEST", now()).await.unwrap();
    assert!(!other_evidence.forwardable);
    let e = client.s4u2proxy(&other_tgt, &other_evidence, &exchange, now()).await.unwrap_err();
    assert!(matches!(&e, Krb5Error::Refused { name: "KDC_ERR_BADOPTION", .. }), "{e}");
    assert!(e.to_string().contains("allow the service account to delegate to the target SPN"), "{e}");

    // A wrong password fails pre-authentication.
    let e = client.tgt(&seg, "wrong", now()).await.unwrap_err();
    assert!(matches!(&e, Krb5Error::Refused { name: "KDC_ERR_PREAUTH_FAILED", .. }), "{e}");
    // A principal the KDC does not know.
    let e = client.tgt(&Principal::service("HTTP/nobody.example.test"), "pw", now()).await.unwrap_err();
    assert!(matches!(&e, Krb5Error::Refused { name: "KDC_ERR_C_PRINCIPAL_UNKNOWN", .. }), "{e}");
}
