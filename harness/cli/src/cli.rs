//! Command line of `mailconform`.

use crate::features::DEFAULT_FEATURES_DIR;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::PathBuf;

/// The parsed command line of `mailconform`, from [`crate::parse_args`].
#[derive(Debug, Parser)]
#[command(
    name = "mailconform",
    version,
    about = "Protocol conformance harness for enterprise mobile mail",
    long_about = "Protocol conformance harness for enterprise mobile mail.\n\n\
        Runs Gherkin features against simulated Exchange (EWS push and ActiveSync), IBM Notes \
        Traveler, the cloud push listener, APNs, SEG V2, ENS2, the UEM console and the Secure \
        Mail and Boxer clients, on a virtual clock, so that flows of many minutes take \
        milliseconds and repeat exactly for a given seed; serves the same fakes on real sockets.\n\n\
        Exit codes: 0 all selected scenarios passed; 1 a scenario failed (or a known limitation \
        stopped holding; for `target check`, a check found a problem; for `check`, a finding is \
        an error); 2 bad usage or configuration; 3 nothing was selected or nothing ran; \
        4 the harness itself broke."
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run scenarios and write the reports (junit.xml, cucumber.json, index.html, ...)
    #[command(long_about = "Run the selected scenarios against the simulated world.\n\n\
        Prints Cucumber's console output, writes junit.xml, cucumber.json, index.html, \
        requirements.md, tls-matrix.json and tls-matrix.md to the report directory, and ends with the line `N passed, N failed` (`, N skipped` when any) for CI. \
        Undefined or ambiguous steps fail their scenario. A scenario tagged @known-limitation \
        shows a documented vendor limitation: it passes while the limitation holds, and fails \
        once the system under test no longer shows it.\n\n\
        Exit codes: 0 all passed; 1 any failed (step failure, undefined or ambiguous step, \
        unparsable feature file, hook panic); 2 bad tag expression, bad --name regex or missing \
        feature path; 3 nothing selected or nothing ran; 4 the harness broke (e.g. the report \
        directory cannot be created).")]
    Run(RunArgs),

    /// List scenarios with their file:line and tags, without running them
    #[command(long_about = "List the scenarios a run with the same selection would run, one \
        per line: `file:line  scenario name  tags`. Tags include those inherited from the Feature, \
        Rule and Examples, so the @source tags that reports count by are visible. Scenario \
        Outlines are listed once per Examples row, at the row's line, exactly as they run.")]
    List(ListArgs),

    /// List every step phrase with its parameters' words, a description and a scenario using it
    #[command(long_about = "List every step the features can use: its keyword and phrase (a \
        Cucumber expression such as `{user}'s badge shows {int}`), a one-line description, each \
        parameter with the words it accepts, and the first scenario (`file:line` and name) that \
        uses it; steps no scenario uses are flagged UNUSED. Write new scenarios from it: a word a \
        parameter does not accept makes the step undefined.\n\n\
        Exit codes: 0 listed; 1 a feature file cannot be parsed; 2 missing feature path.")]
    Steps(StepsArgs),

    /// Serve fake roles on real sockets for a device or client under test
    #[command(long_about = "Start fake roles on real sockets with the real clock, so that a real \
        device, app or gateway can be pointed at them. The run's CA certificate is written to the \
        state directory as ca.pem, each role's host, base URL and control URL as endpoints.json.")]
    Serve(ServeArgs),

    /// The host names the roles of `serve` answer for
    #[command(
        long_about = "Print, for each role the names stand for (as `serve` reads them:         `all`, `listener`, `apns` for both APNs environments), its role name and the host name         its fake answers for, tab-separated, one per line: what a network must resolve to the         process serving it (a Docker network alias per host, as tests/containers/topology         gives). Exit codes: 0 listed; 2 an unknown role."
    )]
    Hosts(HostsArgs),

    /// Time the suite: wall time against simulated protocol time
    #[command(long_about = "Run the selected scenarios several times in-process, quietly, and \
        print the suite's wall time (min/median/max), the protocol time it simulated, and how \
        many times faster than real time that is. Runs with the same seed must agree on every \
        outcome; if they do not, bench says so and exits 1. It also measures push notifications \
        per second and the ActiveSync figures (WBXML encode and decode MB/s, full sync sessions \
        per second), EWS through SEG, the SSLv3/TLS figures, and the served figures: \
        `mailconform serve exchange apns` started as a child process and loaded over real TLS \
        sockets (EWS GetFolder over HTTP/1.1 and HTTP/2, APNs pushes over HTTP/2), each figure \
        beside the same load against a plain hyper server on the same TLS stack, and the ratio \
        served/ceiling; --push-only, --eas-only, --seg-only, --tls-only and --served-only measure \
        just those.")]
    Bench(BenchArgs),

    /// Which of SSL 3.0 … TLS 1.3 a real server accepts, and which Secure Mail devices can connect
    #[command(
        name = "tls-probe",
        long_about = "Probe a real server (a Notes Traveler, an Exchange \
        front end) with one full handshake per protocol version, SSL 3.0 to TLS 1.3, each offering \
        that version alone; print which it accepts and the cipher suite it picked, then, from the \
        guide's tables, which device profiles under which \"Connection security level\" policy can \
        connect to it and what they would negotiate.\n\nExit codes: 0 the probe ran (whatever the \
        server accepts); 2 bad usage or the target cannot be reached; 4 the TLS library failed."
    )]
    TlsProbe(TlsProbeArgs),

    /// Real components to run features against: check their configuration and reach them
    #[command(subcommand)]
    Target(TargetCommand),

    /// Whether every role of a running `serve` answers (what the container image's HEALTHCHECK runs)
    #[command(long_about = "Read the state directory of a running `mailconform serve` (endpoints.json and \
        ca.pem) and ask each role listed there for its control API over TLS checked against the CA, \
        one line per role. Exit 0 when every role answered, 1 when one did not (or none is listed \
        yet), 2 when the directory is not a serve's.")]
    Health(HealthArgs),

    /// Reports of finished runs: compare them
    #[command(subcommand)]
    Report(ReportCommand),

    /// Check an MDX policy document (policy_metadata.xml or TOML) against the seeds' rules
    #[command(long_about = "Read Secure Mail's MDX policies from the app's policy_metadata.xml, as \
        Endpoint Management exports it, or from the TOML form, and check them against the rules \
        the vendor documents state: background network services and their gateway take effect \
        only when network access is tunneled, the Exchange server is a background service when \
        a gateway is in effect, the ticket expiration is not 0, and where an S/MIME LDAP server \
        may sit on iOS and Android. One line per finding, `error[rule_id]: message (source: \
        tag)`, then a summary line; --format json prints the findings as a JSON array. The \
        rules are listed in docs/mdx-policies.md.\n\n\
        Exit codes: 0 no finding is an error (warnings allowed); 1 a finding is an error; 2 the \
        file cannot be read as a policy document (its message names the line or the policy).")]
    Check(crate::policy_check::PolicyCheckArgs),

    /// The plain hyper server `bench` measures the served figures against (started by `bench`)
    #[command(name = "bench-ceiling-server", hide = true)]
    BenchCeilingServer(CeilingArgs),
}

/// Which scenarios to take.
#[derive(Debug, Clone, Args)]
pub struct Selection {
    /// Cucumber tag expression over the scenario's tags, including those of its Feature, Rule
    /// and Examples, e.g. '@source:004.data-flow.Q6 and not @slow'
    #[arg(short = 't', long = "tags", value_name = "EXPR")]
    pub tags: Option<String>,

    /// Regular expression the scenario name must match (together with --tags when both given)
    #[arg(short = 'n', long = "name", value_name = "REGEX")]
    pub name: Option<String>,

    /// Only shard K of N of the selected scenarios (by a hash of each one's feature file and
    /// line, so every shard agrees): a CI matrix runs the N shards side by side, and `report
    /// merge` joins their reports
    #[arg(long, value_name = "hash:K/N")]
    pub partition: Option<crate::partition::Partition>,

    /// Feature files, or directories searched recursively for *.feature
    #[arg(value_name = "FEATURES", default_value = DEFAULT_FEATURES_DIR)]
    pub features: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub selection: Selection,

    /// Seed of the run; each scenario derives its own from it and its feature and scenario names
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,

    /// Directory for the reports: junit.xml, cucumber.json, index.html, requirements.md,
    /// tls-matrix.json and tls-matrix.md (created if missing)
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub report_dir: PathBuf,

    /// Most scenarios in flight at once (each has its own clock; default 64)
    #[arg(short = 'c', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub concurrency: Option<u64>,

    /// Roles backed by real components, as `mailconform target check` reads them (URL, trust,
    /// mailboxes, adapter commands); the run uses the real clock, and a scenario whose steps
    /// need what the target cannot do is not applicable. Today `exchange.eas`, `exchange.ews`
    /// and `exchange` (both) can be real
    #[arg(long, value_name = "FILE")]
    pub target_config: Option<PathBuf>,

    /// ROLE=URL: the role answers at URL instead of the target configuration's url (the role
    /// must be in --target-config, which holds its credentials)
    #[arg(long = "target", value_name = "ROLE=URL")]
    pub targets: Vec<String>,

    /// ROLE=IMAGE[:TAG]: the run starts a container of a local image for the role (the target
    /// configuration's URL port published on loopback), waits until it is healthy, targets it,
    /// and removes it at the end; `{container}` in the adapter's commands is its name
    #[arg(long = "target-image", value_name = "ROLE=IMAGE[:TAG]", requires = "target_config")]
    pub target_images: Vec<String>,

    /// In a live run, the most real time a scenario may take, by its protocol time in an
    /// in-process run of the same selection; longer ones are not applicable, with that reason
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub real_time_budget: u64,

    /// The roles served from DIR, the --state-dir of a running `mailconform serve ROLE...`, take
    /// the place of their in-process fakes in every scenario (real clock, reached through their
    /// ports and control API; the serving process is reset before each scenario). Repeatable:
    /// several processes sharing one CA make one deployment (one container per role)
    #[arg(long, value_name = "DIR")]
    pub served: Vec<PathBuf>,

    /// With --served: a served role the scenario cuts off is cut off its network by `PROGRAM
    /// cut ROLE` and let back by `PROGRAM mend ROLE` (tests/containers/topology writes one that
    /// disconnects the role's container from its Docker network), instead of refusing
    /// connections itself
    #[arg(long, value_name = "PROGRAM", requires = "served")]
    pub network_command: Option<PathBuf>,

    /// The hosts a scenario gives exact protocol versions (the seed tables' Traveler and
    /// Exchange) are served by `PROGRAM s_server`, OpenSSL's own test server, in processes of
    /// their own on the real clock; PROGRAM is an `openssl` (`tests/tls/build-openssl` builds one
    /// with SSL 3.0)
    #[arg(long, value_name = "PROGRAM")]
    pub tls_server: Option<PathBuf>,

    /// The address a real or served component reaches this machine at, to call the run's fakes
    /// back (a real Exchange posts its push notifications to the run's listeners there; served
    /// containers reach the scenario's phones at the Docker network's gateway); over the target
    /// configuration's `[callback] advertise`, default 127.0.0.1
    #[arg(long, value_name = "HOST")]
    pub advertise: Option<String>,

    /// Write every request to and answer from the real components into DIR, one directory per
    /// scenario (bodies as bytes, WBXML also as XML, credentials redacted); needs --target-config
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    /// One line per scenario
    Text,
    /// A JSON array of {file, line, feature, rule, scenario, tags}
    Json,
    /// The Microsoft ActiveSync server requirements (by ID) that the scenarios' @spec tags cover, as Markdown
    Requirements,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub selection: Selection,

    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StepsFormat {
    /// Grouped by area, for people
    Text,
    /// A JSON array of {keyword, phrase, kind, description, parameters, source, uses, example}
    Json,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct StepsArgs {
    /// Feature files, or directories searched recursively for *.feature, where uses are looked for
    #[arg(value_name = "FEATURES", default_value = DEFAULT_FEATURES_DIR)]
    pub features: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = StepsFormat::Text)]
    pub format: StepsFormat,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct HostsArgs {
    /// Roles, as `serve` takes them
    #[arg(value_name = "ROLE", required = true, num_args = 1..)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct ServeArgs {
    /// Roles to start (listed below), or all
    #[arg(value_name = "ROLE", required = true, num_args = 1..)]
    pub roles: Vec<String>,

    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// The address others reach the roles at, when it is not --bind (a container binding
    /// 0.0.0.0 is reached at its address on its network): endpoints.json names it, and every
    /// role's certificate holds it
    #[arg(long, value_name = "ADDR")]
    pub advertise: Option<IpAddr>,

    /// Directory for the run's CA (ca.pem), endpoints.json, APNs credentials and the fakes'
    /// database (state.redb); an existing one is reused: same CA, credentials, ports when free,
    /// and the mailboxes, device tokens and listener registrations kept; default: a fresh
    /// directory under the system's temporary directory (its path is printed)
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// Start afresh in an existing state directory: new CA, credentials and ports, empty database
    #[arg(long)]
    pub fresh: bool,

    /// Listen on this port for ROLE's HTTPS (repeatable), e.g. `--port apns=8443`; the start fails
    /// if the port is taken
    #[arg(long = "port", value_name = "ROLE=PORT", value_parser = parse_role_port)]
    pub ports: Vec<(String, u16)>,

    /// Seed of the fakes' randomness (device tokens, registration and subscription IDs);
    /// default: drawn from the operating system, so every run hands out new ones
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Entries each journal of each fake keeps (request logs, deliveries, pushes, events); the
    /// oldest are dropped and counted beyond it
    #[arg(long, value_name = "N", default_value_t = mailconform_sim::journal::DEFAULT_CAPACITY)]
    pub journal_size: usize,

    /// Authentication methods of Exchange's EWS directory, comma-separated: basic, ntlm,
    /// negotiate, certificate, oauth (default: basic)
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_auth_method)]
    pub ews_auth: Option<Vec<mailconform_fakes::exchange::AuthMethod>>,

    /// Which Exchange to be: exchange2007, exchange2010, exchange2010sp1, exchange2013 (the
    /// default) or office365 (the only one offering HTTP/2, as IIS 10 does)
    #[arg(long, value_name = "VERSION", value_parser = parse_exchange_version)]
    pub exchange_version: Option<mailconform_fakes::exchange::ServerProfile>,

    /// Which SEG V2 to be, e.g. `2.9.0.1` (the properties it knows follow its version);
    /// default: 2.12.0
    #[arg(long, value_name = "VERSION", value_parser = parse_seg_version)]
    pub seg_version: Option<mailconform_fakes::seg::SegVersion>,

    /// Where ENS2 is installed: `cloud` (API under /api/ens, the default) or `on-premises`
    /// (under /MailNotifications/api/ens)
    #[arg(long, value_name = "PLACEMENT", value_parser = parse_ens_placement)]
    pub ens_placement: Option<mailconform_fakes::ens::Placement>,

    /// Exactly the protocol versions exchange and traveler accept on HTTPS, e.g. `ssl3,tls1.0`
    /// (any of ssl3, tls1.0, tls1.1, tls1.2, tls1.3; served by OpenSSL); default: TLS 1.2 and 1.3
    #[arg(long, value_name = "LIST")]
    pub tls_versions: Option<String>,

    /// Concurrent connections each role holds before it refuses more (closes them at once);
    /// default: the role's own (512)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,

    /// On SIGTERM or Ctrl-C, seconds allowed for requests in flight before exiting anyway (a
    /// second signal exits at once)
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub drain_timeout: u64,

    /// Reach HOST:PORT at ADDRESS:PORT instead of what the system resolves (repeatable), as
    /// curl's --resolve does: e.g. a listener's APNs gateway `api.push.apple.test:443` at the
    /// `[callback.ports] apns` of a `run` testing it
    #[arg(long = "resolve", value_name = "HOST:PORT=ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<mailconform_sim::Peer>,
}

/// `HOST:PORT=ADDRESS:PORT` of `--resolve`.
fn parse_resolve(s: &str) -> Result<mailconform_sim::Peer, String> {
    let (name, addr) = s.split_once('=').ok_or_else(|| format!("`{s}` is not HOST:PORT=ADDRESS:PORT"))?;
    let (host, port) = name.rsplit_once(':').ok_or_else(|| format!("`{name}` has no port"))?;
    let port: u16 = port.parse().map_err(|_| format!("`{port}` is not a port number"))?;
    let addr: std::net::SocketAddr = addr.parse().map_err(|_| format!("`{addr}` is not an IP address and port"))?;
    Ok(mailconform_sim::Peer { host: host.to_ascii_lowercase(), port, addr })
}

/// `ROLE=PORT` of `--port`. A String error because that is what clap's `value_parser` shows
/// the user as is.
fn parse_role_port(s: &str) -> Result<(String, u16), String> {
    let (role, port) = s.split_once('=').ok_or_else(|| format!("`{s}` is not ROLE=PORT"))?;
    let port: u16 = port.parse().map_err(|_| format!("`{port}` is not a port number"))?;
    Ok((role.to_string(), port))
}

/// `--seg-version`: dot-separated numbers.
fn parse_seg_version(s: &str) -> Result<mailconform_fakes::seg::SegVersion, String> {
    mailconform_fakes::seg::SegVersion::parse(s).ok_or_else(|| format!("`{s}` is not a SEG version such as 2.12.0 or 2.9.0.1"))
}

/// `--ens-placement`: `cloud` or `on-premises`.
fn parse_ens_placement(s: &str) -> Result<mailconform_fakes::ens::Placement, String> {
    mailconform_fakes::ens::Placement::parse(s).ok_or_else(|| format!("`{s}` is no placement of ENS2; use cloud or on-premises"))
}

/// `--exchange-version`: a name [`mailconform_fakes::exchange::ServerProfile::parse`] knows.
fn parse_exchange_version(s: &str) -> Result<mailconform_fakes::exchange::ServerProfile, String> {
    mailconform_fakes::exchange::ServerProfile::parse(s).ok_or_else(|| {
        format!("unknown Exchange version `{s}`; use exchange2007, exchange2010, exchange2010sp1, exchange2013 or office365")
    })
}

/// A word that names no authentication method.
#[derive(Debug, thiserror::Error)]
#[error("unknown authentication method `{0}`; use basic, ntlm, negotiate, certificate or oauth")]
pub(crate) struct UnknownAuthMethod(String);

fn parse_auth_method(s: &str) -> Result<mailconform_fakes::exchange::AuthMethod, UnknownAuthMethod> {
    mailconform_fakes::exchange::AuthMethod::parse(s).ok_or_else(|| UnknownAuthMethod(s.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProbeFormat {
    /// A table for people
    Text,
    /// The report as JSON
    Json,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct TlsProbeArgs {
    /// The server to probe, as HOST:PORT
    #[arg(value_name = "HOST:PORT")]
    pub target: String,

    /// Name to send as SNI (default: the HOST of the target)
    #[arg(long, value_name = "NAME")]
    pub server_name: Option<String>,

    /// Seconds to wait for each handshake
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub timeout: u64,

    /// Output format
    #[arg(long, value_enum, default_value_t = ProbeFormat::Text)]
    pub format: ProbeFormat,
}

/// `mailconform target ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum TargetCommand {
    /// Validate a target configuration and probe each target: DNS, TCP, TLS, HTTP, sign-in
    #[command(long_about = "Read a target configuration (TOML: [target.\"ROLE\"] tables with url, \
        ca or insecure, versions, and mailbox entries with user, login and password_env or \
        password) and check each target in turn: the host name resolves, a TCP connection opens, \
        the TLS handshake verifies the certificate with the configured trust (unknown issuer, name \
        mismatch and expiry are named), EWS or ActiveSync answers at the URL (not an HTML page or \
        a 404), and each mailbox signs in (ActiveSync: OPTIONS then FolderSync; EWS: GetFolder of \
        the Inbox). One line per check, ok or PROBLEM with what to fix.\n\n\
        Exit codes: 0 every check passed; 1 a check found a problem; 2 the configuration cannot be \
        used (its message names the file, the key and what to write).")]
    Check(TargetCheckArgs),
}

/// `mailconform report ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// Put several runs' requirement verdicts and scenario outcomes side by side
    #[command(long_about = "Read the requirements.json of each report directory (written by \
        `mailconform run --report-dir`) and print, as Markdown, the runs side by side: scenarios \
        passed, failed and not applicable; per document the requirements verified and violated; \
        every requirement some run exercised with each run's verdict (a violation with what was \
        expected and observed); every scenario with each run's outcome. Rows where the runs differ \
        are in bold. Typical use: the built-in fakes beside a real server, or two versions of a \
        vendor's server.\n\n\
        Exit codes: 0 written; 2 a directory has no readable requirements.json; 4 --out cannot be \
        written.")]
    Compare(CompareArgs),
    /// Join the report directories of a run's shards into one
    #[command(long_about = "Read the run.json, junit.xml and cucumber.json each shard of a run \
        (`mailconform run --partition hash:K/N --report-dir DIR`) wrote, and write into --into the \
        reports one run over the whole selection writes: junit.xml, cucumber.json, requirements.md \
        and .json, index.html and run.json (the SSLv3/TLS matrix copied from the first shard that \
        has it). Exits as that run would: 0 when every scenario passed, 1 when one failed, 3 when \
        none ran; 2 when a directory is not a run's report directory, the shards used different \
        seeds or a scenario ran in two of them.")]
    Merge(MergeArgs),
}

#[derive(Debug, Clone, Args)]
pub(crate) struct HealthArgs {
    /// The state directory of the running `mailconform serve`
    #[arg(long, value_name = "DIR")]
    pub state_dir: PathBuf,

    /// How long each role may take to answer, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 3)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct MergeArgs {
    /// Report directories of the shards
    #[arg(value_name = "DIR", num_args = 1.., required = true)]
    pub dirs: Vec<PathBuf>,

    /// Where the merged reports go
    #[arg(long, value_name = "DIR")]
    pub into: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct CompareArgs {
    /// Report directories of the runs, in the order of the columns
    #[arg(value_name = "DIR", num_args = 2.., required = true)]
    pub dirs: Vec<PathBuf>,

    /// Write the comparison to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct TargetCheckArgs {
    /// The target configuration (TOML)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Seconds to wait for each network step (name resolution, connect, handshake, answer)
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct BenchArgs {
    #[command(flatten)]
    pub selection: Selection,

    /// How many times to run the suite
    #[arg(long, value_name = "K", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,

    /// Seed of every run
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,

    /// Most scenarios in flight at once (default 64)
    #[arg(short = 'c', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub concurrency: Option<u64>,

    /// Phones in the push-throughput measurement
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub devices: usize,

    /// Messages each phone receives in the push-throughput measurement
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub rounds: usize,

    /// Measure only push throughput, not the suite
    #[arg(long)]
    pub push_only: bool,

    /// Users in the ActiveSync session measurement (one full sync session each)
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub eas_users: u64,

    /// Measure only the ActiveSync figures (WBXML codec throughput, sync sessions per second)
    #[arg(long, conflicts_with = "push_only")]
    pub eas_only: bool,

    /// Measure only EWS requests per second through the SEG fake against Exchange directly
    #[arg(long, conflicts_with_all = ["push_only", "eas_only"])]
    pub seg_only: bool,

    /// Measure only the SSLv3/TLS figures (legacy handshakes per second, the whole matrix)
    #[arg(long, conflicts_with_all = ["push_only", "eas_only", "seg_only"])]
    pub tls_only: bool,

    /// Measure only the S/MIME figures (signatures, verifications, encryptions, decryptions per second)
    #[arg(long, conflicts_with_all = ["push_only", "eas_only", "seg_only", "tls_only"])]
    pub smime_only: bool,

    /// Measure only the gateway figures (tickets the STA validates, tunnels on a ticket and on a micro VPN session per second)
    #[arg(long, conflicts_with_all = ["push_only", "eas_only", "seg_only", "tls_only", "smime_only"])]
    pub gateway_only: bool,

    /// Measure only the container figures: the image of this binary built (time, size) and each
    /// role's container from `docker run` to healthy (needs a Docker engine; run from the
    /// repository's root, where tests/containers/build-image is)
    #[arg(long, conflicts_with_all = ["push_only", "eas_only", "seg_only", "tls_only", "smime_only", "gateway_only"])]
    pub containers_only: bool,

    /// Simulations run side by side in the push and ActiveSync measurements (default: one per core)
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Measure only the served figures: EWS and APNs of `mailconform serve` in a child process,
    /// under load over real TLS sockets, against a plain hyper server (the ceiling)
    #[arg(long, conflicts_with_all = ["push_only", "eas_only", "seg_only", "tls_only"])]
    pub served_only: bool,

    /// Wall time of each served figure, on the served child and on the ceiling, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub served_ms: u64,

    /// Keep-alive HTTP/1.1 connections in the served figures
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..))]
    pub served_connections: u64,

    /// Concurrent HTTP/2 streams on the one connection of the served figures (Exchange allows 100)
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..))]
    pub served_streams: u64,
}

/// `mailconform bench-ceiling-server`: a plain hyper server on the served fakes' TLS stack.
#[derive(Debug, Clone, Args)]
pub(crate) struct CeilingArgs {
    /// Where to write ca.pem and endpoints.json, as `serve` does
    #[arg(long, value_name = "DIR")]
    pub state_dir: PathBuf,

    /// Address to listen on (a free port is taken)
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub bind: IpAddr,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn run_defaults() {
        let cli = Cli::try_parse_from(["mailconform", "run"]).unwrap();
        let Command::Run(args) = cli.command else { panic!("not run") };
        assert_eq!(args.seed, 1);
        assert_eq!(args.report_dir, PathBuf::from("reports"));
        assert_eq!(args.selection.features, [PathBuf::from("features")]);
        assert!(args.concurrency.is_none());
    }

    #[test]
    fn serve_needs_a_role() {
        assert!(Cli::try_parse_from(["mailconform", "serve"]).is_err());
        let cli = Cli::try_parse_from(["mailconform", "serve", "ews", "apns", "--bind", "0.0.0.0"]).unwrap();
        let Command::Serve(args) = cli.command else { panic!("not serve") };
        assert_eq!(args.roles, ["ews", "apns"]);
        assert_eq!(args.ews_auth, None);
    }

    #[test]
    fn serve_reaches_a_name_where_resolve_says() {
        let cli =
            Cli::try_parse_from(["mailconform", "serve", "listener.us-east-1", "--resolve", "API.push.apple.test:443=127.0.0.1:2197"])
                .unwrap();
        let Command::Serve(args) = cli.command else { panic!("not serve") };
        let addr: std::net::SocketAddr = "127.0.0.1:2197".parse().unwrap();
        assert_eq!(args.resolve, [mailconform_sim::Peer { host: "api.push.apple.test".into(), port: 443, addr }]);
        for bad in ["api.push.apple.test=127.0.0.1:2197", "api.push.apple.test:443=localhost:2197"] {
            assert!(Cli::try_parse_from(["mailconform", "serve", "apns", "--resolve", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn serve_takes_an_ews_auth_list() {
        use mailconform_fakes::exchange::AuthMethod;
        let cli = Cli::try_parse_from(["mailconform", "serve", "exchange", "--ews-auth", "basic,ntlm"]).unwrap();
        let Command::Serve(args) = cli.command else { panic!("not serve") };
        assert_eq!(args.ews_auth, Some(vec![AuthMethod::Basic, AuthMethod::Ntlm]));
        assert!(Cli::try_parse_from(["mailconform", "serve", "exchange", "--ews-auth", "digest"]).is_err());
    }

    #[test]
    fn serve_takes_an_exchange_version() {
        use mailconform_fakes::exchange::ServerProfile;
        let cli = Cli::try_parse_from(["mailconform", "serve", "exchange", "--exchange-version", "office365"]).unwrap();
        let Command::Serve(args) = cli.command else { panic!("not serve") };
        assert_eq!(args.exchange_version, Some(ServerProfile::Office365));
        assert!(Cli::try_parse_from(["mailconform", "serve", "exchange", "--exchange-version", "2016"]).is_err());
    }

    #[test]
    fn serve_takes_a_seg_version_and_an_ens_placement() {
        let cli = Cli::try_parse_from(["mailconform", "serve", "seg", "ens", "--seg-version", "2.9.0.1", "--ens-placement", "on-premises"])
            .unwrap();
        let Command::Serve(args) = cli.command else { panic!("not serve") };
        assert_eq!(args.seg_version.map(|v| v.to_string()).as_deref(), Some("2.9.0.1"));
        assert_eq!(args.ens_placement, Some(mailconform_fakes::ens::Placement::OnPremises));
        assert!(Cli::try_parse_from(["mailconform", "serve", "seg", "--seg-version", "2.x"]).is_err());
        assert!(Cli::try_parse_from(["mailconform", "serve", "ens", "--ens-placement", "moon"]).is_err());
    }
}
