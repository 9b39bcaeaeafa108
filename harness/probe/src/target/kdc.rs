//! The KDC check (`[target.kdc]`): what SEG's Kerberos constrained delegation needs of a real
//! KDC, asked as SEG asks it. SEG's service account signs in (a TGT); for each mailbox, a
//! ticket to SEG for the user without the user's password (S4U2Self), forwardable, and with
//! it a ticket for the user to Exchange's SPN (S4U2Proxy), which Exchange's keys must open.
//! Each refusal is the KDC's own error with what it means for the delegation settings.

use super::config::{KcdAccounts, Mailbox, Target};
use super::report::{CheckLine, Step};
use mailconform_auth::krb5::{Credentials, Krb5Client, Krb5Error, Principal, ServiceKeys};
use std::time::Duration;

fn now() -> u64 {
    mailconform_sim::Clock::real().unix_secs()
}

/// What to look at when an exchange with the KDC failed.
fn fix(e: &Krb5Error) -> String {
    match e {
        Krb5Error::Unreachable { .. } | Krb5Error::Timeout { .. } => {
            "check the url's host and port (88 unless given), and that the KDC accepts TCP".into()
        }
        Krb5Error::Integrity(_) => "the password does not give the account's key: check it".into(),
        Krb5Error::UnsupportedEtype(_) => "give the account AES keys (aes256-cts-hmac-sha1-96)".into(),
        // The refusal's message says what its code means for the delegation.
        _ => "see the message above".into(),
    }
}

/// Every line of the KDC check of `target`.
pub(crate) async fn check(target: &Target, timeout: Duration) -> Vec<CheckLine> {
    let Some(kcd) = &target.kcd else { return Vec::new() };
    let client = Krb5Client::new(&kcd.kdc.address, &kcd.kdc.realm, timeout);
    let seg = Principal::service(&kcd.seg.spn);
    let tgt = match client.tgt(&seg, &kcd.seg.password, now()).await {
        Ok(tgt) => tgt,
        Err(e) => {
            let step = if matches!(e, Krb5Error::Unreachable { .. } | Krb5Error::Timeout { .. }) { Step::Connect } else { Step::Auth };
            let f = fix(&e);
            return vec![CheckLine::problem(step, format!("{}: {e}", kcd.seg.spn), f)];
        }
    };
    let mut lines =
        vec![CheckLine::ok(Step::Auth, format!("{} signs in: a TGT of {} valid until {}", kcd.seg.spn, tgt.client_realm, tgt.end_time))];
    let keys = ServiceKeys::from_password(&kcd.exchange.spn, &kcd.kdc.realm, &kcd.exchange.password);
    for mailbox in &target.mailboxes {
        lines.push(delegate(&client, kcd, &tgt, mailbox, keys.as_ref().ok()).await);
    }
    if target.mailboxes.is_empty() {
        lines.push(CheckLine::problem(
            Step::Auth,
            "no mailbox: the delegation for a user is not checked".to_string(),
            format!("add [[target.{}.mailbox]] user = \"alice\" login = \"<her UPN>\"", target.key),
        ));
    }
    lines
}

/// S4U2Self and S4U2Proxy for `mailbox`, and Exchange's keys on the result: one line.
async fn delegate(client: &Krb5Client, kcd: &KcdAccounts, tgt: &Credentials, mailbox: &Mailbox, keys: Option<&ServiceKeys>) -> CheckLine {
    let realm = client.realm();
    let user = Principal::from_upn(&mailbox.login, realm);
    let evidence = match client.s4u2self(tgt, &user, realm, now()).await {
        Ok(t) => t,
        Err(e) => return CheckLine::problem(Step::Auth, format!("{}: S4U2Self: {e}", mailbox.user), fix(&e)),
    };
    if !evidence.forwardable {
        return CheckLine::problem(
            Step::Auth,
            format!("{}: S4U2Self gave a ticket that is not forwardable, which S4U2Proxy refuses", mailbox.user),
            format!(
                "let {} use any authentication protocol (Active Directory: \"Trust this user for delegation to specified services only\" \
                 with \"Use any authentication protocol\"; Heimdal: the trusted-for-delegation attribute)",
                kcd.seg.spn
            ),
        );
    }
    let exchange = Principal::service(&kcd.exchange.spn);
    let ticket = match client.s4u2proxy(tgt, &evidence, &exchange, now()).await {
        Ok(t) => t,
        Err(e) => return CheckLine::problem(Step::Auth, format!("{}: S4U2Proxy to {}: {e}", mailbox.user, kcd.exchange.spn), fix(&e)),
    };
    let opened = match (keys, ticket.ap_req(now())) {
        (Some(keys), Ok(ap_req)) => keys.accept(&ap_req, now()),
        (None, _) => Err(Krb5Error::Malformed(format!("{} has no Kerberos keys: its SPN is not ASCII", kcd.exchange.spn))),
        (_, Err(e)) => Err(e),
    };
    match opened {
        Ok(accepted) => CheckLine::ok(
            Step::Auth,
            format!(
                "{}: SEG obtains a ticket for {}@{} to {} by constrained delegation, and Exchange's keys open it",
                mailbox.user, accepted.client, accepted.client_realm, kcd.exchange.spn
            ),
        ),
        Err(e) => CheckLine::problem(
            Step::Auth,
            format!("{}: the ticket to {} does not open with exchange_account's password: {e}", mailbox.user, kcd.exchange.spn),
            "give exchange_account the password of the account that holds the SPN (its current key version)",
        ),
    }
}
