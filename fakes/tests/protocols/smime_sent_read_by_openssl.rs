//! What Secure Mail sends, read by an implementation not written here: alice's Secure Mail
//! signs and encrypts a message to bob with certificates enrolled at the AD CS fake and bob's
//! looked up over LDAP; the message as it sits in bob's mailbox (ActiveSync, as MIME) is then
//! decrypted with bob's key and its signature verified against the CA by the system's
//! `openssl smime`, which `tests/interop/setup` makes sure of.

use mailconform_fakes::adcs::contract::TemplateSpec;
use mailconform_fakes::adcs::EnrollmentClient;
use mailconform_fakes::defaults::{ADCS_HOST, EXCHANGE_HOST};
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::listener::Region;
use mailconform_fakes::securemail::contract::{EasSend, SmimeSettings};
use mailconform_sim::Simulation;
use mailconform_smime::authority::{request, MIN_KEY_BITS};
use mailconform_smime::{Identity, KeySource, Use};
use std::process::Command;

const PASSWORD: &str = "Pfx-2026!";

struct Enrolled {
    identity: Identity,
    pfx: Vec<u8>,
}

fn enroll(sim: &Simulation, keys: &KeySource, user: &str, template: &str) -> Enrolled {
    let client = EnrollmentClient::new(sim.client(), &format!("https://{ADCS_HOST}/certsrv"), user, &format!("{user}-pw"));
    let key = keys.rsa(MIN_KEY_BITS).unwrap();
    let cert = sim.block_on(client.request(&request(&key, user).unwrap(), template)).unwrap();
    let ca = sim.block_on(client.ca_certificate()).unwrap();
    let identity = Identity::new(key, cert, vec![ca]);
    let pfx = identity.to_pfx(PASSWORD, template).unwrap();
    Enrolled { identity, pfx }
}

fn mail_to_self(sim: &Simulation, user: &str, files: &[(&str, &[u8])]) {
    let files: Vec<(String, Vec<u8>)> = files.iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect();
    let (email, password) = (format!("{user}@example.test"), format!("{user}-pw"));
    let url = format!("https://{EXCHANGE_HOST}/Microsoft-Server-ActiveSync");
    sim.block_on(mailconform_fakes::securemail::smime::mail_certificates(
        sim.client(),
        &url,
        (user, &password),
        &email,
        &email,
        "Certificates",
        &files,
    ))
    .unwrap();
}

#[test]
fn openssl_decrypts_and_verifies_what_secure_mail_sent() {
    let mut sim = Simulation::new(21).unwrap();
    let keys = KeySource::kept(21);
    deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[]).unwrap();
    deployment::add_domain_controller(&mut sim, keys.clone()).unwrap();
    let adcs = Roles::new(&sim).adcs().unwrap();
    for (name, purpose) in [("Sign", Use::Signing), ("Enc", Use::Encryption)] {
        let spec = TemplateSpec { purpose: Some(purpose), min_key_bits: MIN_KEY_BITS, exportable: true, publish_to_directory: true };
        sim.block_on(adcs.put_template(name, &spec)).unwrap();
    }
    let root = {
        let c = EnrollmentClient::new(sim.client(), &format!("https://{ADCS_HOST}/certsrv"), "alice", "alice-pw");
        sim.block_on(c.ca_certificate()).unwrap()
    };
    let mut bob_enc = None;
    for user in ["alice", "bob"] {
        let sign = enroll(&sim, &keys, user, "Sign");
        let enc = enroll(&sim, &keys, user, "Enc");
        mail_to_self(&sim, user, &[("sign.pfx", &sign.pfx), ("enc.pfx", &enc.pfx)]);
        let mut cfg = deployment::default_device_config(user, &format!("{user}@example.test"), Region::Americas);
        cfg.exchange_server = EXCHANGE_HOST.into();
        cfg.smime.trusted_roots = vec![String::from_utf8(root.to_pem().unwrap()).unwrap()];
        deployment::add_device(&mut sim, cfg).unwrap();
        let d = Roles::new(&sim).device(user).unwrap();
        assert!(sim.block_on(d.eas_connect()).unwrap().eas.synced);
        for file in ["sign.pfx", "enc.pfx"] {
            let s = sim.block_on(d.smime_import("Certificates", file, PASSWORD)).unwrap();
            assert!(s.error.is_none(), "{user} {file}: {:?}", s.error);
        }
        let on = SmimeSettings { enabled: true, sign: true, encrypt: true, encrypt_by_default: true };
        assert!(sim.block_on(d.smime_settings(&on)).unwrap().error.is_none());
        if user == "bob" {
            bob_enc = Some(enc.identity);
        }
    }
    let alice = Roles::new(&sim).device("alice").unwrap();
    let message = EasSend {
        to: "bob@example.test".into(),
        subject: "Quarterly numbers".into(),
        body: "The numbers are in.".into(),
        lock: None,
        attachments: Vec::new(),
    };
    let sent = sim.block_on(alice.send(&message)).unwrap();
    assert!(sent.error.is_none(), "{:?}", sent.error);
    assert!(sent.smime.last_sent.as_ref().is_some_and(|s| s.signed && s.encrypted), "{:?}", sent.smime.last_sent);

    // The message as bob's mailbox holds it, fetched as MIME by a bare ActiveSync client.
    let bob = mailconform_activesync::EasClient::new(
        sim.client(),
        &format!("https://{EXCHANGE_HOST}/Microsoft-Server-ActiveSync"),
        "bob",
        "bob-pw",
        "READER",
        "SmartPhone",
        mailconform_activesync::ProtocolVersion::V14_1,
    );
    let mime = sim.block_on(async {
        bob.provision().await.unwrap();
        bob.folder_sync().await.unwrap();
        let inbox = bob.folder_id(mailconform_activesync::store::FolderType::Inbox).unwrap();
        bob.sync(&inbox).await.unwrap();
        bob.sync(&inbox).await.unwrap();
        let item = bob.items(&inbox).into_iter().find(|i| i.subject() == Some("Quarterly numbers")).expect("the message reached bob");
        bob.fetch_with(&inbox, &item.server_id, 4).await.unwrap().body().unwrap().to_string()
    });

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("smime-sent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bob_enc = bob_enc.unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let sealed = write("sealed.eml", mime.as_bytes());
    let cert = write("bob.pem", &bob_enc.certificate().to_pem().unwrap());
    let key = write("bob.key", &bob_enc.key().private_key_to_pem_pkcs8().unwrap());
    let ca = write("root.pem", &root.to_pem().unwrap());
    let decrypt = Command::new("openssl")
        .args(["smime", "-decrypt", "-in"])
        .arg(&sealed)
        .arg("-recip")
        .arg(&cert)
        .arg("-inkey")
        .arg(&key)
        .output()
        .unwrap();
    assert!(decrypt.status.success(), "openssl could not decrypt it: {}", String::from_utf8_lossy(&decrypt.stderr));
    let signed = write("signed.eml", &decrypt.stdout);
    // At the simulation's time, which dated the certificates.
    let at = sim.clock.unix_secs().to_string();
    let verify = Command::new("openssl")
        .args(["smime", "-verify", "-purpose", "smimesign", "-attime", &at, "-in"])
        .arg(&signed)
        .arg("-CAfile")
        .arg(&ca)
        .output()
        .unwrap();
    assert!(verify.status.success(), "openssl could not verify the signature: {}", String::from_utf8_lossy(&verify.stderr));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("The numbers are in."), "{}", String::from_utf8_lossy(&verify.stdout));
}
