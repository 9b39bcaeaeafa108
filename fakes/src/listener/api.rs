//! The registration API the device calls (JSON over HTTPS); routes and bodies in
//! [`super::contract`].

use super::contract::{self, ApiOp as Op, CertificateInfo, CertificateUploaded, Registered, RegistrationStatus};
use super::error::ApiRefusal;
use super::region::Region;
use super::store::{AppCertificate, Registration};
use super::Listener;
use mailconform_sim::contract::{no_content, parse, reply};
use mailconform_sim::Response;
use std::sync::Arc;

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Answers a request whose route [`contract::API_ROUTES`] found.
pub(super) async fn handle(l: &Arc<Listener>, op: Op, args: &mailconform_sim::contract::Args, body: &[u8]) -> Response {
    let id = args.get("id");
    match op {
        Op::Register => match parse::<contract::NewRegistration>(body) {
            Ok(r) => register(l, r),
            Err(answer) => *answer,
        },
        Op::HandOver => {
            let handover: contract::SubscriptionHandover = match parse(body) {
                Ok(h) => h,
                Err(answer) => return *answer,
            };
            let now = l.now_ms();
            let mut store = l.store.lock().expect("store poisoned");
            match store.registrations.get_mut(id) {
                Some(r) => {
                    if let Some(old) = r.subscription_id.take().filter(|old| *old != handover.subscription_id) {
                        r.retired_subscription_ids.push(old);
                        let excess = r.retired_subscription_ids.len().saturating_sub(super::store::RETIRED_KEPT);
                        r.retired_subscription_ids.drain(..excess);
                    }
                    r.subscription_id = Some(handover.subscription_id);
                    r.inbox_folder_id = Some(handover.inbox_folder_id);
                    r.subscription_updated_ms = Some(now);
                    l.keep(&store, id);
                    no_content()
                }
                None => not_registered(id),
            }
        }
        Op::Status => {
            let now = l.now_ms();
            let mut store = l.store.lock().expect("store poisoned");
            match store.registrations.get_mut(id) {
                Some(r) => {
                    r.status_checks_ms.push(now);
                    let excess = r.status_checks_ms.len().saturating_sub(super::store::STATUS_CHECKS_KEPT);
                    r.status_checks_ms.drain(..excess);
                    reply(
                        200,
                        &RegistrationStatus {
                            registration_id: r.registration_id.clone(),
                            subscription_id: r.subscription_id.clone(),
                            subscription_updated_ms: r.subscription_updated_ms,
                            last_heard_from_exchange_ms: r.last_heard_from_exchange_ms,
                            now_ms: now,
                        },
                    )
                }
                None => not_registered(id),
            }
        }
        Op::Forget => {
            let mut store = l.store.lock().expect("store poisoned");
            match store.registrations.remove(id) {
                Some(_) => {
                    l.keep(&store, id);
                    no_content()
                }
                None => not_registered(id),
            }
        }
        Op::UploadCertificate => match parse::<contract::CertificateUpload>(body) {
            Ok(upload) => self::upload(l, args.get("app_id"), args.get("region"), upload),
            Err(answer) => *answer,
        },
        Op::Apps => {
            let store = l.store.lock().expect("store poisoned");
            reply(200, &store.certificates.values().map(CertificateInfo::from).collect::<Vec<_>>())
        }
    }
}

fn not_registered(id: &str) -> Response {
    ApiRefusal::NotRegistered { id: id.to_string() }.response()
}

fn cert_key(app_id: &str, region: Region) -> String {
    format!("{app_id}@{}", region.code())
}

fn register(l: &Arc<Listener>, r: contract::NewRegistration) -> Response {
    let contract::NewRegistration {
        device_token: token,
        app_id,
        region,
        environment,
        activesync_device_id_sha256,
        email_sha256,
        ios_version,
    } = r;
    if token.is_empty() || !token.bytes().all(|c| c.is_ascii_hexdigit()) {
        return ApiRefusal::BadDeviceToken.response();
    }
    if !is_sha256_hex(&activesync_device_id_sha256) || !is_sha256_hex(&email_sha256) {
        return ApiRefusal::NotHashed.response();
    }
    let Some(region) = Region::parse(&region) else {
        return ApiRefusal::UnknownRegion { region }.response();
    };
    if region != l.config.region {
        return ApiRefusal::WrongRegion { here: l.config.region.code(), there: region.host("example.test") }.response();
    }
    if app_id.contains('*') {
        return ApiRefusal::WildcardAppId.response();
    }
    let now = l.now_ms();
    let mut store = l.store.lock().expect("store poisoned");
    if !store.certificates.contains_key(&cert_key(&app_id, region)) {
        return ApiRefusal::NoCertificate { app_id, region: region.code() }.response();
    }
    let existing = store.registrations.values().find(|r| r.device_token == token && r.app_id == app_id).map(|r| r.registration_id.clone());
    let id = existing.unwrap_or_else(|| l.env.rng.hex(16));
    let previous = store.registrations.get(&id).cloned();
    store.registrations.insert(
        id.clone(),
        Registration {
            registration_id: id.clone(),
            device_token: token,
            app_id,
            region,
            environment,
            activesync_device_id_sha256: activesync_device_id_sha256.to_ascii_lowercase(),
            email_sha256: email_sha256.to_ascii_lowercase(),
            ios_version,
            subscription_id: previous.as_ref().and_then(|p| p.subscription_id.clone()),
            inbox_folder_id: previous.as_ref().and_then(|p| p.inbox_folder_id.clone()),
            registered_ms: now,
            subscription_updated_ms: previous.as_ref().and_then(|p| p.subscription_updated_ms),
            last_heard_from_exchange_ms: previous.as_ref().and_then(|p| p.last_heard_from_exchange_ms),
            last_apns_id: None,
            notifications_sent: previous.as_ref().map(|p| p.notifications_sent).unwrap_or(0),
            retired_subscription_ids: previous.as_ref().map(|p| p.retired_subscription_ids.clone()).unwrap_or_default(),
            status_checks_ms: previous.map(|p| p.status_checks_ms).unwrap_or_default(),
        },
    );
    l.keep(&store, &id);
    reply(201, &Registered { registration_id: id.clone(), notify_url: l.notify_url(&id) })
}

fn upload(l: &Arc<Listener>, app_id: &str, region: &str, upload: contract::CertificateUpload) -> Response {
    if app_id.contains('*') {
        return ApiRefusal::WildcardAppId.response();
    }
    let Some(region) = Region::parse(region) else {
        return ApiRefusal::UnknownRegion { region: region.to_string() }.response();
    };
    if region != l.config.region {
        return ApiRefusal::WrongRegion { here: l.config.region.code(), there: region.host("example.test") }.response();
    }
    if let Err(e) = mailconform_sim::Credential::from_pem(&upload.cert_pem, &upload.key_pem) {
        return ApiRefusal::BadCertificate(e).response();
    }
    let now = l.now_ms();
    let mut store = l.store.lock().expect("store poisoned");
    let k = cert_key(app_id, region);
    let generation = store.certificates.get(&k).map(|c| c.generation + 1).unwrap_or(1);
    let status = if generation == 1 { 201 } else { 200 };
    let certificate = AppCertificate {
        app_id: app_id.to_string(),
        region,
        environment: upload.environment,
        uploaded_ms: now,
        generation,
        cert_pem: upload.cert_pem,
        key_pem: upload.key_pem,
        parsed: Default::default(),
    };
    l.env.store.put(super::KEPT_CERTIFICATES, &k, &certificate);
    store.certificates.insert(k, certificate);
    reply(status, &CertificateUploaded { app_id: app_id.to_string(), region, generation })
}

pub(crate) fn certificate_for(l: &Listener, app_id: &str) -> Option<AppCertificate> {
    l.store.lock().expect("store poisoned").certificates.get(&cert_key(app_id, l.config.region)).cloned()
}
