//! Running every check of a configuration, target by target, endpoint by endpoint.

use super::config::{standard_path, Endpoint, Target, TargetConfig, Trust};
use super::connect::open;
use super::report::{CheckLine, CheckReport, EndpointReport, Step};
use super::{adcs, eas, ews, kdc, listener, login, uem};
use mailconform_fakes::role::Protocol;
use std::time::Duration;

/// Checks every target of `config` in turn; `timeout` bounds every network wait.
pub async fn check_targets(config: &TargetConfig, timeout: Duration) -> CheckReport {
    let mut report = CheckReport::default();
    for target in &config.targets {
        for endpoint in &target.endpoints {
            report.endpoints.push(check_endpoint(target, endpoint, timeout).await);
        }
        if let Some((address, base_dn)) = &target.directory {
            report.endpoints.push(adcs::directory(target, address, base_dn, trust_words(&target.trust), timeout).await);
        }
    }
    if config.callback != super::Callback::default() {
        report.endpoints.push(super::callback::check(&config.callback));
    }
    report
}

fn trust_words(trust: &Trust) -> String {
    match trust {
        Trust::System => "the system's trust store".into(),
        Trust::Ca { path, certs } => format!("{} ({} certificate{})", path.display(), certs.len(), if certs.len() == 1 { "" } else { "s" }),
        Trust::Insecure => "NONE: insecure = true, the server's certificate is not verified".into(),
    }
}

async fn check_endpoint(target: &Target, endpoint: &Endpoint, timeout: Duration) -> EndpointReport {
    let url = &endpoint.url;
    let mut out = EndpointReport {
        target: target.key.clone(),
        protocol: endpoint.protocol.word(),
        url: url.to_string(),
        trust: trust_words(&target.trust),
        lines: Vec::new(),
    };
    if endpoint.protocol == Protocol::Kerberos {
        // Kerberos is not HTTP over TLS: the KDC is asked as SEG asks it.
        out.trust = "none: Kerberos protects its own messages (the account keys)".into();
        out.lines = kdc::check(target, timeout).await;
        return out;
    }
    let (lines, conn) = open(url, &target.trust, timeout).await;
    out.lines.extend(lines);
    let Some(mut conn) = conn else { return out };
    let path = standard_path(&target.role, endpoint.protocol).unwrap_or("/");
    let answer = match endpoint.protocol {
        Protocol::ActiveSync => eas::anonymous(&mut conn, url, path).await,
        Protocol::Ews => ews::anonymous(&mut conn, url, path).await,
        Protocol::CertEnrollment => adcs::anonymous(&mut conn, url).await,
        Protocol::ListenerApi => {
            out.lines.push(listener::apps(&mut conn, endpoint).await);
            return out;
        }
        Protocol::UemApi => {
            out.lines.push(uem::device_api(&mut conn, url).await);
            return out;
        }
        Protocol::OAuth => {
            // Discovery may send the client to other hosts (the token endpoint, the JWKS).
            let http = target.trust.http_client();
            let (line, provider) = login::discovery(&http, &url.to_string(), timeout).await;
            out.lines.push(line);
            if let Some(provider) = provider {
                for mailbox in &target.mailboxes {
                    out.lines.push(login::sign_in(&http, target, &provider, mailbox, timeout).await);
                }
            }
            return out;
        }
        other => {
            out.lines.push(CheckLine::ok(
                Step::Http,
                format!("not checked: {} answers are not read yet, only reachability and TLS", other.word()),
            ));
            return out;
        }
    };
    let usable = !answer.is_problem();
    out.lines.push(answer);
    if !usable {
        return out;
    }
    for mailbox in &target.mailboxes {
        // A connection of its own per mailbox: a server may tie a sign-in to its connection.
        let (lines, conn) = open(url, &target.trust, timeout).await;
        let Some(mut conn) = conn else {
            out.lines.extend(lines.into_iter().filter(CheckLine::is_problem));
            continue;
        };
        let line = match endpoint.protocol {
            Protocol::ActiveSync => eas::sign_in(&mut conn, target, url, mailbox).await,
            Protocol::CertEnrollment => adcs::sign_in(&mut conn, url, mailbox).await,
            _ => ews::sign_in(&mut conn, url, mailbox).await,
        };
        out.lines.push(line);
    }
    out
}
