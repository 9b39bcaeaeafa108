//! A live run (`run --target-config FILE [--target ROLE=URL]... [--real-time-budget SECS]`):
//! the run's real components, and the scenarios that would take longer in real time than the
//! budget, found by running the same selection in-process first (about a second).

use crate::cli::RunArgs;
use crate::error::CliError;
use crate::run::{run_suite, Live, RunOptions};
use mailconform_fakes::driver::{EasReader, EwsAccount, EwsAdapter, RealComponent};
use mailconform_fakes::role::Protocol;
use mailconform_probe::target::{Target, TargetConfig, NO_SIGN_IN};
use mailconform_scenarios::requirements::Applicability;
use mailconform_scenarios::world::live::{
    Callback, EnsDeclared, LiveAdcs, LiveApns, LiveBeside, LiveEas, LiveEws, LiveKdc, LiveLogin, LiveTargets, SegDeclared,
};
use mailconform_scenarios::world::served::ServedRoles;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Scenarios in flight at once against real components, unless `-c` says otherwise: one, since
/// a real server serves long-polling commands from a few workers (SOGo holds a worker for a
/// whole Ping, longer than a short heartbeat asks), and one scenario must not starve the next.
pub(crate) const DEFAULT_CONCURRENCY: u64 = 1;

/// Scenarios in flight at once when the only component outside the process is OpenSSL's
/// `s_server` (`--tls-server`): each scenario starts its own, on ports of its own, so they do
/// not share state; four keep two cores busy while each waits for its servers to start.
pub(crate) const TLS_SERVER_CONCURRENCY: u64 = 4;

/// How many scenarios run at once unless `-c` says otherwise: one against a shared real or
/// served component, [`TLS_SERVER_CONCURRENCY`] when only `s_server`s are outside.
pub(crate) fn default_concurrency(targets: &LiveTargets) -> u64 {
    match targets.has_real_component() || targets.served.is_some() {
        true => DEFAULT_CONCURRENCY,
        false => TLS_SERVER_CONCURRENCY,
    }
}

/// The roles `run` can put at a real component so far, besides a listener of any region.
const LIVE_ROLES: &[&str] =
    &["exchange", "exchange.eas", "exchange.ews", "traveler", "seg", "ens", "apns", "apns.sandbox", "adcs", "login", "uem", "kdc"];

/// How long the identity provider's discovery may take when the run starts, per request.
const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether `run` can put `key` at a real component.
fn is_live_role(key: &str) -> bool {
    LIVE_ROLES.contains(&key) || mailconform_fakes::role::is_listener(key)
}

/// The real components of a target configuration, as the run uses them.
#[derive(Default)]
struct RealRoles {
    /// The containers started for targets (`--target-image`).
    images: Vec<crate::target_image::StartedImage>,
    eas: Option<LiveEas>,
    traveler: Option<LiveEas>,
    ews: Option<LiveEws>,
    beside: Vec<LiveBeside>,
    seg: Option<SegDeclared>,
    ens: Option<EnsDeclared>,
    apns: Vec<LiveApns>,
    adcs: Option<LiveAdcs>,
    login: Option<LiveLogin>,
    kdc: Option<LiveKdc>,
    console: Option<mailconform_fakes::driver::RealConsole>,
    callback: Callback,
    claims: Vec<Applicability>,
}

/// The live part of `args`, or `None` for an in-process run.
pub(crate) fn prepare(args: &RunArgs) -> Result<Option<Live>, CliError> {
    let served = match args.served.as_slice() {
        [] => None,
        dirs => {
            let roles = served_roles(dirs, args.advertise.as_deref())?;
            Some(Arc::new(match &args.network_command {
                Some(program) => roles.with_network_command(program.clone()),
                None => roles,
            }))
        }
    };
    let real = match &args.target_config {
        Some(file) => real_roles(args, file)?,
        None => {
            refuse_target_flags_without_config(args, served.is_some())?;
            if served.is_none() && args.tls_server.is_none() {
                return Ok(None);
            }
            RealRoles { claims: Applicability::ALL.to_vec(), ..RealRoles::default() }
        }
    };
    if let Some(s) = &served {
        let mut real_and_served = vec![
            (mailconform_fakes::role::EXCHANGE, real.eas.is_some() || real.ews.is_some()),
            (mailconform_fakes::role::TRAVELER, real.traveler.is_some()),
        ];
        real_and_served.extend(real.beside.iter().map(|b| (b.role.as_str(), true)));
        real_and_served.extend(real.apns.iter().map(|a| (a.role.as_str(), true)));
        real_and_served.push((mailconform_fakes::role::ADCS, real.adcs.is_some()));
        real_and_served.push((mailconform_fakes::role::LOGIN, real.login.is_some()));
        real_and_served.push((mailconform_fakes::role::KDC, real.kdc.is_some()));
        if let Some((role, _)) = real_and_served.iter().find(|(role, real)| *real && s.serves(role)) {
            return Err(CliError::Usage(format!(
                "{role} is both a real component (--target-config) and served from {} (--served): give it one backing",
                s.dirs_shown()
            )));
        }
    }
    let budget = Duration::from_secs(args.real_time_budget);
    let mut targets =
        LiveTargets::new(real.eas, budget).map_err(|e| CliError::Harness(format!("the live run's runtime could not start: {e}")))?;
    targets.ews = real.ews;
    targets.traveler = real.traveler;
    targets.beside = real.beside;
    targets.seg = real.seg;
    targets.ens = real.ens;
    targets.apns = real.apns;
    targets.adcs = real.adcs;
    targets.login = real.login;
    targets.kdc = real.kdc;
    targets.console = real.console;
    targets.callback = real.callback;
    targets.record = args.record.is_some();
    targets.served = served;
    targets.tls_server = args.tls_server.clone();
    targets.claims = real.claims;
    let images = real.images;
    let in_process = run_suite(&RunOptions::selected(&args.selection, args.seed, args.concurrency))?;
    let over_budget: BTreeMap<(String, usize), String> = in_process
        .scenarios
        .iter()
        .filter(|s| s.virtual_time > budget)
        .map(|s| {
            let reason = format!(
                "its protocol time is {} s, over the real-time budget of {} s (--real-time-budget)",
                s.virtual_time.as_secs(),
                budget.as_secs()
            );
            ((s.file.clone(), s.line), reason)
        })
        .collect();
    let protocol_times = in_process.scenarios.iter().map(|s| ((s.file.clone(), s.line), s.virtual_time)).collect();
    Ok(Some(Live {
        targets: Arc::new(targets),
        over_budget: Arc::new(over_budget),
        protocol_times: Arc::new(protocol_times),
        _containers: Arc::new(images),
    }))
}

/// The served deployment of `--served DIR...`, its processes calling the scenario's roles back
/// on `advertise` (an address of this machine) when given.
fn served_roles(dirs: &[std::path::PathBuf], advertise: Option<&str>) -> Result<ServedRoles, CliError> {
    let shown = dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(" --served ");
    let roles = ServedRoles::load_all(dirs).map_err(|e| CliError::Usage(format!("--served {shown}: {e}")))?;
    match advertise {
        None => Ok(roles),
        Some(a) => {
            let ip = mailconform_sim::advertised_ip(a).ok_or_else(|| {
                CliError::Usage(format!(
                    "--advertise {a}: with --served, give the address of this machine the serving processes reach (for containers, their network's gateway), not a name"
                ))
            })?;
            Ok(roles.bridged_on(ip))
        }
    }
}

/// `--record` and `--target` without a target configuration say what they need; `--advertise`
/// needs a real or served component to call back.
fn refuse_target_flags_without_config(args: &RunArgs, served: bool) -> Result<(), CliError> {
    if args.record.is_some() {
        return Err(CliError::Usage("--record DIR records the exchanges with real components: it needs --target-config FILE".into()));
    }
    if let Some(t) = args.targets.first() {
        return Err(CliError::Usage(format!(
            "--target {t} needs --target-config FILE, which holds the role's mailboxes and trust (see `mailconform target check`)"
        )));
    }
    if args.advertise.is_some() && !served {
        return Err(CliError::Usage(
            "--advertise HOST is where real or served components call the run back: it needs --target-config FILE or --served DIR".into(),
        ));
    }
    Ok(())
}

/// The real components of the target configuration `file`, with the command line's URLs
/// and advertised address, and the kinds of requirement they claim.
fn real_roles(args: &RunArgs, file: &std::path::Path) -> Result<RealRoles, CliError> {
    let mut config = TargetConfig::load(file, |var| std::env::var(var).ok())?;
    for t in &args.targets {
        override_url(&mut config, t)?;
    }
    let mut real = RealRoles::default();
    for spec in &args.target_images {
        let started = crate::target_image::start(spec, &mut config)?;
        eprintln!(
            "mailconform: {}: {} started as container {}, ready in {:.1} s",
            started.role,
            started.image,
            started.name,
            started.ready_after.as_secs_f64()
        );
        real.images.push(started);
    }
    if let Some(t) = config.targets.iter().find(|t| t.adapter.deliver_mail.as_deref().is_some_and(|c| c.contains("{container}"))) {
        return Err(CliError::Usage(format!(
            "{}: target \"{}\": adapter.deliver_mail names {{container}}, which only --target-image {}=IMAGE fills",
            file.display(),
            t.key,
            t.key
        )));
    }
    for t in &config.targets {
        if !is_live_role(&t.key) {
            return Err(CliError::Usage(format!(
                "{}: target \"{}\": `run` can put only {} and listener.<region> at a real component so far; `mailconform target check` checks the others",
                file.display(),
                t.key,
                LIVE_ROLES.join(", ")
            )));
        }
        if mailconform_fakes::role::is_listener(&t.key) {
            real.beside.push(live_beside(file, t, &config.callback, &["apns"], "its APNs gateway")?);
            continue;
        }
        if t.key == mailconform_fakes::role::SEG {
            real.beside.push(live_beside(file, t, &config.callback, &["exchange"], "its MEM configuration's email server")?);
            real.seg = Some(seg_declared(file, t)?);
            continue;
        }
        if t.role.kind == mailconform_fakes::role::RoleKind::Adcs {
            real.adcs = Some(live_adcs(t));
            continue;
        }
        if t.key == mailconform_fakes::role::UEM {
            // SEG V2 and Boxer ask it about their devices at its URL; it calls nothing back.
            let beside = live_beside(file, t, &config.callback, &[], "")?;
            real.console = Some(mailconform_fakes::driver::RealConsole {
                role: t.key.clone(),
                url: beside.url.clone(),
                set_device_state: t.adapter.set_device_state.clone(),
            });
            real.beside.push(beside);
            continue;
        }
        if t.role.kind == mailconform_fakes::role::RoleKind::OAuthIssuer {
            real.login = Some(live_login(file, t)?);
            continue;
        }
        if let Some(kcd) = &t.kcd {
            // SEG's KCD asks it as the scenario's SEG; it calls nothing back.
            real.kdc = Some(LiveKdc {
                kdc: kcd.kdc.clone(),
                kcd: mailconform_fakes::seg::KcdConfig {
                    kdc_url: kcd.kdc.to_string(),
                    service_spn: kcd.seg.spn.clone(),
                    service_password: kcd.seg.password.clone(),
                    target_spn: kcd.exchange.spn.clone(),
                },
                exchange_password: kcd.exchange.password.clone(),
            });
            continue;
        }
        if t.role.kind == mailconform_fakes::role::RoleKind::Apns {
            real.apns.push(live_apns(file, t)?);
            continue;
        }
        if t.key == mailconform_fakes::role::ENS {
            let declared = ens_declared(file, t)?;
            let calls = ["apns", declared.ews_via.as_str()];
            real.beside.push(live_beside(file, t, &config.callback, &calls, "its APNs gateway and its EWS URL")?);
            real.ens = Some(declared);
            continue;
        }
        for e in &t.endpoints {
            match e.protocol {
                Protocol::ActiveSync if t.key == mailconform_fakes::role::TRAVELER => real.traveler = Some(live_eas(t, &e.url.to_string())),
                Protocol::ActiveSync => real.eas = Some(live_eas(t, &e.url.to_string())),
                Protocol::Ews => real.ews = Some(live_ews(t, &e.url.to_string())),
                _ => {}
            }
        }
        real.claims = claimed(file, t)?;
    }
    let pki = match &config.callback.ca {
        None => None,
        Some(ca) => Some(mailconform_sim::Pki::with_ca((&ca.cert_pem, &ca.key_pem), time::OffsetDateTime::now_utc()).map_err(|e| {
            CliError::Usage(format!("{}: [callback] ca = {}: cannot sign with it: {e}", file.display(), ca.path.display()))
        })?),
    };
    let advertise = args.advertise.clone().or(config.callback.advertise.clone());
    real.callback =
        Callback { advertise: advertise.unwrap_or_else(|| Callback::default().advertise), pki, ports: config.callback.ports.clone() };
    Ok(real)
}

/// A real component beside the scenario's fakes (a listener, a SEG, ENS2): what they need to reach
/// it and be reached by it, each missing piece named. It calls the scenario's `calls` roles
/// back (`[callback.ports]`), at the address its operator configures as `setting`.
fn live_beside(
    file: &std::path::Path,
    t: &Target,
    callback: &mailconform_probe::target::Callback,
    calls: &[&str],
    setting: &str,
) -> Result<LiveBeside, CliError> {
    let refuse = |why: String| unusable(file, t, why);
    let missing: Vec<&str> = calls.iter().copied().filter(|role| !callback.ports.contains_key(*role)).collect();
    if !missing.is_empty() || (!calls.is_empty() && callback.ca.is_none()) {
        let ports: Vec<String> = calls.iter().map(|role| format!("{role} = <port>")).collect();
        return Err(refuse(format!(
            "it calls the scenario's {} back on a fixed port, with a certificate it trusts: set [callback.ports] {}, and [callback] ca \
             and ca_key, and point {setting} at https://<advertise>:<port>, trusting that CA",
            calls.join(" and "),
            ports.join(", ")
        )));
    }
    let trust = t.trust.certificates().ok_or_else(|| {
        refuse("insecure = true: the scenario's fakes check its certificate as the real ones do; give its CA as ca = \"...\"".into())
    })?;
    // Its origin: the scenario's URLs of the role keep their paths (a SEG's standard ActiveSync
    // path is not its base).
    let url = t.endpoints.first().map(|e| e.origin()).unwrap_or_default();
    let resolve = t.resolve.iter().map(|r| (r.host.clone(), r.port, r.addr)).collect();
    Ok(LiveBeside { role: t.key.clone(), url, trust, resolve })
}

/// Target `t` of `file` cannot be used as written, for `why` (exit 2).
fn unusable(file: &std::path::Path, t: &Target, why: String) -> CliError {
    CliError::Usage(format!("{}: target \"{}\": {why}", file.display(), t.key))
}

/// The SEG V2 under test as `t` declares it (`product_version`, `properties`).
fn seg_declared(file: &std::path::Path, t: &Target) -> Result<SegDeclared, CliError> {
    let written = t.product_version.as_deref().unwrap_or(mailconform_fakes::deployment::SERVED_SEG_VERSION);
    let version = mailconform_fakes::seg::SegVersion::parse(written)
        .ok_or_else(|| unusable(file, t, format!("product_version {written:?} is not a SEG V2 version such as 2.12.0")))?;
    Ok(SegDeclared { version, properties: t.properties.clone() })
}

/// The ENS2 under test as `t` declares it (`placement`, `ews_via`, its APNs team key).
fn ens_declared(file: &std::path::Path, t: &Target) -> Result<EnsDeclared, CliError> {
    let refuse = |why: String| unusable(file, t, why);
    let written = t.placement.as_deref().unwrap_or("cloud");
    let placement = mailconform_fakes::ens::Placement::parse(written)
        .ok_or_else(|| refuse(format!("placement {written:?} is no placement of ENS2; write cloud or on-premises")))?;
    let ews_via = t.ews_via.clone().unwrap_or_else(|| mailconform_fakes::role::EXCHANGE.to_string());
    if ![mailconform_fakes::role::EXCHANGE, mailconform_fakes::role::SEG].contains(&ews_via.as_str()) {
        return Err(refuse(format!("ews_via {ews_via:?}: ENS2 reaches EWS at the scenario's exchange or through its seg")));
    }
    let key = t.apns_key.as_ref().ok_or_else(|| {
        refuse(
            "ENS2 signs its APNs provider tokens with a team key the scenario's APNs must trust: give apns_key (its .p8), \
             apns_key_id and apns_team_id"
                .into(),
        )
    })?;
    let (team, _) = mailconform_fakes::apns::team_key_from_p8(&key.team_id, &key.key_id, &key.p8)
        .map_err(|e| refuse(format!("apns_key {}: {e}", key.path.display())))?;
    Ok(EnsDeclared { placement, ews_via, team })
}

/// A real APNs environment as `t` declares it: the features' provider signs with its team key
/// and pushes to its phone's token, for its topic.
fn live_apns(file: &std::path::Path, t: &Target) -> Result<LiveApns, CliError> {
    let refuse = |why: String| unusable(file, t, why);
    let key = t.apns_key.as_ref().ok_or_else(|| {
        refuse(
            "the features' provider signs its APNs tokens with a team key this APNs knows: give apns_key (its .p8), apns_key_id and \
             apns_team_id"
                .into(),
        )
    })?;
    let (_, pkcs8_der) = mailconform_fakes::apns::team_key_from_p8(&key.team_id, &key.key_id, &key.p8)
        .map_err(|e| refuse(format!("apns_key {}: {e}", key.path.display())))?;
    let topic = t.topic.clone().unwrap_or_else(|| mailconform_fakes::defaults::APP_ID.to_string());
    let device_token = t.device_token.clone().ok_or_else(|| {
        refuse(format!(
            "the features' provider pushes to a phone of yours: give device_token, the token the app {topic} got from this APNs \
             environment on it (topic = \"...\" names another app)"
        ))
    })?;
    let environment = match t.key.as_str() {
        mailconform_fakes::role::APNS_SANDBOX => mailconform_fakes::apns::Environment::Sandbox,
        _ => mailconform_fakes::apns::Environment::Production,
    };
    Ok(LiveApns {
        role: t.key.clone(),
        environment,
        url: t.endpoints.first().map(|e| e.origin()).unwrap_or_default(),
        http: t.trust.http_client(),
        team_id: key.team_id.clone(),
        key_id: key.key_id.clone(),
        pkcs8_der,
        topic,
        device_token,
    })
}

/// A real AD CS: the features' users sign in at its enrollment site with the target's
/// mailboxes; it issues the templates the target declares.
fn live_adcs(t: &Target) -> LiveAdcs {
    let url = t.endpoints.first().map(|e| e.url.to_string()).unwrap_or_default();
    let emails: BTreeMap<String, String> = t.mailboxes.iter().filter_map(|m| Some((m.user.clone(), m.email.clone()?))).collect();
    let http = t.trust.http_client();
    // Each user binds by its address (Active Directory takes the UPN) and reads its own entry.
    let directory = t.directory.clone().map(|(address, base_dn)| mailconform_fakes::driver::RealDirectory {
        address,
        base_dn,
        accounts: t.mailboxes.iter().filter_map(|m| Some((m.user.clone(), (m.email.clone()?, m.password.clone())))).collect(),
        http: http.clone(),
    });
    let authority =
        mailconform_fakes::driver::RealAuthority { role: t.key.clone(), url: url.clone(), templates: t.templates.clone(), directory };
    LiveAdcs { url, mailboxes: credentials(t), emails, http, authority }
}

/// A real identity provider: its configuration and keys discovered now, so that a provider
/// that cannot be used stops the run before any scenario (exit 2) with what to fix.
fn live_login(file: &std::path::Path, t: &Target) -> Result<LiveLogin, CliError> {
    let refuse = |why: String| unusable(file, t, why);
    let sign_in = t.sign_in.clone().ok_or_else(|| {
        refuse(format!("Boxer's modern authentication signs its users in at the provider, and this target has no way to: {NO_SIGN_IN}"))
    })?;
    let url = t.endpoints.first().map(|e| e.url.to_string()).unwrap_or_default();
    let http = t.trust.http_client();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Harness(format!("the identity provider's discovery could not start: {e}")))?;
    let provider = runtime
        .block_on(mailconform_auth::oidc::discover(&http, &url, DISCOVERY_TIMEOUT))
        .map_err(|e| refuse(format!("its discovery failed: {e}")))?;
    Ok(LiveLogin { url, provider, sign_in, audience: t.audience.clone(), scope: t.scope.clone(), mailboxes: credentials(t), http })
}

/// The target's `claims`, each a kind of requirement of the catalogue.
fn claimed(file: &std::path::Path, t: &Target) -> Result<Vec<Applicability>, CliError> {
    t.claims
        .iter()
        .map(|word| {
            Applicability::parse(word).ok_or_else(|| {
                let known: Vec<&str> = Applicability::ALL.iter().map(|a| a.word()).collect();
                CliError::Usage(format!(
                    "{}: target \"{}\": claims {word:?} is not a kind of requirement; known: {}",
                    file.display(),
                    t.key,
                    known.join(", ")
                ))
            })
        })
        .collect()
}

/// `ROLE=URL` from the command line, over the configuration's url for ROLE.
fn override_url(config: &mut TargetConfig, spec: &str) -> Result<(), CliError> {
    let (role, url) = spec.split_once('=').ok_or_else(|| {
        CliError::Usage(format!("--target {spec}: write ROLE=URL, e.g. exchange.eas=https://mail.example.com/Microsoft-Server-ActiveSync"))
    })?;
    let uri: http::Uri = url.parse().map_err(|e| CliError::Usage(format!("--target {spec}: {url:?} is not a URL: {e}")))?;
    let known: Vec<String> = config.targets.iter().map(|t| t.key.clone()).collect();
    let target = config.targets.iter_mut().find(|t| t.key == role).ok_or_else(|| {
        CliError::Usage(format!(
            "--target {spec}: {} has no target \"{role}\" (it has: {}); add it there with its mailboxes",
            config.file.display(),
            known.join(", ")
        ))
    })?;
    for e in &mut target.endpoints {
        e.url = uri.clone();
    }
    Ok(())
}

/// The mailbox the built-in SendMail adapter sends from (`send_mail_from`, checked against the
/// target's mailboxes when the configuration was read), speaking `version`.
fn sender(t: &Target, version: mailconform_activesync::ProtocolVersion) -> Option<mailconform_fakes::driver::SendMailFrom> {
    let user = t.adapter.send_mail_from.as_deref()?;
    let m = t.mailboxes.iter().find(|m| m.user == user)?;
    Some(mailconform_fakes::driver::SendMailFrom {
        http: t.trust.http_client(),
        login: m.login.clone(),
        password: m.password.clone(),
        version,
    })
}

fn credentials(t: &Target) -> BTreeMap<String, (String, String)> {
    t.mailboxes.iter().map(|m| (m.user.clone(), (m.login.clone(), m.password.clone()))).collect()
}

/// A real ActiveSync server: the harness's own clients of it (SendMail's sender, the folder
/// reader) speak its newest version.
fn live_eas(t: &Target, url: &str) -> LiveEas {
    let mut live = LiveEas {
        mailboxes: credentials(t),
        http: t.trust.http_client(),
        versions: t.versions.clone(),
        component: RealComponent {
            role: role_of(t, "eas"),
            url: url.to_string(),
            adapter: t.adapter.clone(),
            sender: None,
            ews: None,
            eas_reader: None,
        },
        url: url.to_string(),
    };
    let version = live.newest_version();
    live.component.sender = sender(t, version);
    live.component.eas_reader = Some(EasReader { url: url.to_string(), http: live.http.clone(), version, logins: live.mailboxes.clone() });
    live
}

/// A real EWS: the built-in EWS adapter signs in with the target's mailboxes.
fn live_ews(t: &Target, url: &str) -> LiveEws {
    let http = t.trust.http_client();
    let accounts = t
        .mailboxes
        .iter()
        .map(|m| {
            let account = EwsAccount { login: m.login.clone(), password: m.password.clone(), email: m.email.clone() };
            (m.user.clone(), account)
        })
        .collect();
    let ews = EwsAdapter { http: http.clone(), url: url.to_string(), accounts, send_from: t.adapter.send_mail_from.clone() };
    LiveEws {
        mailboxes: credentials(t),
        http,
        component: RealComponent {
            role: role_of(t, "ews"),
            url: url.to_string(),
            adapter: t.adapter.clone(),
            sender: None,
            ews: Some(ews),
            eas_reader: None,
        },
        url: url.to_string(),
    }
}

/// The target's role for one protocol: `exchange.ews` of a target `exchange`; a target of one
/// protocol (`exchange.eas`, `traveler`) is its own key.
fn role_of(t: &Target, protocol: &str) -> String {
    match mailconform_fakes::role::target(&t.key) {
        Ok(picked) if picked.protocols.len() > 1 => format!("{}.{protocol}", t.key),
        _ => t.key.clone(),
    }
}
