//! The `[callback]` check: whether a real component will be able to call the run back. The
//! run bridges its listeners out on the advertised address and signs their certificates with
//! the callback CA; both are tried here, before a scenario fails on them with a vaguer message.

use super::config::Callback;
use super::report::{CheckLine, EndpointReport, Step};

/// Where the run listens when `advertise` is a name: every interface (the name must lead here).
const ANY: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

/// Checks `callback`: a port opens on its address, and its CA signs a certificate for that
/// address which verifies against the CA's own certificate.
pub(crate) fn check(callback: &Callback) -> EndpointReport {
    let advertise = callback.advertise.clone().unwrap_or_else(|| "127.0.0.1".into());
    let mut out = EndpointReport {
        target: "callback".into(),
        protocol: "the run's listeners",
        url: format!("https://{advertise}:<port per listener>"),
        trust: match &callback.ca {
            Some(ca) => format!("{} signs their certificates", ca.path.display()),
            None => "each scenario's own CA signs their certificates: a real component will not trust them".into(),
        },
        lines: Vec::new(),
    };
    out.lines.push(bind(&advertise));
    for (role, port) in &callback.ports {
        out.lines.push(fixed_port(&advertise, role, *port));
    }
    if let Some(ca) = &callback.ca {
        out.lines.push(sign(&advertise, &ca.cert_pem, &ca.key_pem, &ca.path));
    }
    out
}

fn bind(advertise: &str) -> CheckLine {
    let ip = mailconform_sim::advertised_ip(advertise).unwrap_or(ANY);
    match std::net::TcpListener::bind((ip, 0)) {
        Ok(l) => CheckLine::ok(
            Step::Callback,
            format!(
                "a port opens on {} ({}), where the listeners will answer",
                ip,
                l.local_addr().map(|a| a.to_string()).unwrap_or_default()
            ),
        ),
        Err(e) => CheckLine::problem(
            Step::Callback,
            format!("no port opens on {ip}: {e}"),
            "set [callback] advertise (or --advertise) to an address of this machine that the real component can reach",
        ),
    }
}

/// Whether the fixed port of `[callback.ports] role` opens on the advertised address: a port
/// another program holds would fail every scenario that bridges the role there.
fn fixed_port(advertise: &str, role: &str, port: u16) -> CheckLine {
    let ip = mailconform_sim::advertised_ip(advertise).unwrap_or(ANY);
    match std::net::TcpListener::bind((ip, port)) {
        Ok(_) => CheckLine::ok(Step::Callback, format!("port {port} opens on {ip}, where the scenario's {role} will answer")),
        Err(e) => CheckLine::problem(
            Step::Callback,
            format!("port {port} of [callback.ports] {role} does not open on {ip}: {e}"),
            "give a port no other program holds, and point the real component there",
        ),
    }
}

fn sign(advertise: &str, cert_pem: &str, key_pem: &str, path: &std::path::Path) -> CheckLine {
    use rustls::client::danger::ServerCertVerifier;
    let now = time::OffsetDateTime::now_utc();
    let fix = "give the CA certificate as ca and its own private key as ca_key, both PEM (a CA certificate: basic constraints CA:TRUE)";
    let pki = match mailconform_sim::Pki::with_ca((cert_pem, key_pem), now) {
        Ok(p) => p,
        Err(e) => return CheckLine::problem(Step::Callback, format!("{} cannot sign: {e}", path.display()), fix),
    };
    let host = advertise.trim_start_matches('[').trim_end_matches(']');
    let leaf = match pki.ca.server_leaf(&[host], now) {
        Ok(l) => l,
        Err(e) => return CheckLine::problem(Step::Callback, format!("{} cannot sign a certificate for {host}: {e}", path.display()), fix),
    };
    let verifier = match rustls::client::WebPkiServerVerifier::builder(mailconform_sim::tls::roots(&[pki.ca.cert_der().clone()])).build() {
        Ok(v) => v,
        Err(e) => return CheckLine::problem(Step::Callback, format!("{} is not a usable trust anchor: {e}", path.display()), fix),
    };
    let at = rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(now.unix_timestamp().max(0) as u64));
    let verified = rustls_pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| e.to_string())
        .and_then(|name| verifier.verify_server_cert(&leaf.chain[0], &leaf.chain[1..], &name, &[], at).map_err(|e| e.to_string()));
    match verified {
        Ok(_) => CheckLine::ok(Step::Callback, format!("{} signs a certificate for {host} that verifies against it", path.display())),
        Err(e) => CheckLine::problem(
            Step::Callback,
            format!("a certificate {} signs for {host} does not verify against it: {e}", path.display()),
            "the key in ca_key must be the CA certificate's own key",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::CallbackCa;

    fn ca() -> (String, String) {
        let now = time::OffsetDateTime::now_utc();
        let pki = mailconform_sim::Pki::new(now).unwrap();
        (pki.ca.cert_pem().to_string(), pki.ca.key_pem().to_string())
    }

    #[test]
    fn a_ca_with_its_key_signs_for_the_advertised_address() {
        let (cert_pem, key_pem) = ca();
        let callback = Callback {
            advertise: Some("127.0.0.1".into()),
            ca: Some(CallbackCa { path: "ca.pem".into(), cert_pem, key_pem }),
            ..Callback::default()
        };
        let report = check(&callback);
        assert!(report.lines.iter().all(|l| !l.is_problem()), "{:?}", report.lines);
        assert_eq!(report.lines.len(), 2);
    }

    #[test]
    fn a_key_that_is_not_the_cas_or_an_address_of_another_machine_is_a_problem_with_its_fix() {
        let (cert_pem, _) = ca();
        let (_, other_key) = ca();
        let callback = Callback {
            advertise: Some("192.0.2.10".into()),
            ca: Some(CallbackCa { path: "ca.pem".into(), cert_pem, key_pem: other_key }),
            ..Callback::default()
        };
        let report = check(&callback);
        let problems: Vec<&CheckLine> = report.lines.iter().filter(|l| l.is_problem()).collect();
        assert_eq!(problems.len(), 2, "{:?}", report.lines);
        assert!(problems[0].text.contains("no port opens on 192.0.2.10"), "{:?}", problems[0]);
        assert!(problems[1].fix.as_deref().unwrap_or_default().contains("own key"), "{:?}", problems[1]);
    }

    #[test]
    fn a_fixed_port_another_program_holds_is_a_problem() {
        let held = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let taken = held.local_addr().unwrap().port();
        let ports = [("apns".to_string(), taken)].into_iter().collect();
        let report = check(&Callback { advertise: Some("127.0.0.1".into()), ports, ..Callback::default() });
        let problems: Vec<&CheckLine> = report.lines.iter().filter(|l| l.is_problem()).collect();
        assert_eq!(problems.len(), 1, "{:?}", report.lines);
        assert!(problems[0].text.contains(&format!("port {taken} of [callback.ports] apns does not open")), "{:?}", problems[0]);
    }
}
