//! How long a served role waits for a slow or silent peer, how many connections it holds, and
//! how it answers when a limit is hit: one table per real server a fake stands for, so that a
//! device or client under test meets the timeouts it would meet in production, and so that no
//! client can hold the process's descriptors or memory.
//!
//! A fake says which table is its own through [`crate::Handler::limits`]; `mailconform serve`
//! applies it on real sockets. The in-process simulation uses [`ConnLimits::IN_PROCESS`]
//! whatever the role, so that virtual time and the suite's outcomes do not depend on these
//! tables.

use std::time::Duration;

/// What a server does when a client stops sending in the middle of a request (its head or its
/// body).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutAnswer {
    /// `408 Request Timeout` with `Connection: close` (RFC 9110 15.5.9), then close.
    RequestTimeout,
    /// Close without a status line. HTTP.sys does this: its error log records `Timer_HeaderWait`
    /// and `Timer_EntityBody` with no status code (IIS 6.0 Operations Guide, "Other HTTP.sys
    /// Error Log Errors"); Domino "terminates the connection" when its request timeout passes.
    Close,
}

/// Per-role connection limits. Every duration is optional: `None` is "wait forever", which only
/// the in-process simulation uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    /// Concurrent connections one role holds (its TLS and plain ports together). A connection
    /// over the cap is closed at once, before its TLS handshake, so that a flood of them costs
    /// one accept and one close each.
    pub max_connections: usize,
    /// Time from accept to a completed TLS handshake. A peer that never sends its ClientHello
    /// (or stops half way) is dropped when it passes.
    pub tls_handshake_timeout: Option<Duration>,
    /// HTTP/1.1: time allowed for a whole request head, counted from the end of the previous
    /// response (or from the handshake): hyper's `header_read_timeout`. It is also the idle
    /// timeout of a keep-alive connection; a connection idle that long is closed without a word,
    /// one with part of a head gets [`Self::timeout_answer`].
    pub header_read_timeout: Option<Duration>,
    /// Time allowed between two pieces of a request body (HTTP.sys's EntityBody timer, which is
    /// reset on every arrival). A body that stops arriving gets [`Self::timeout_answer`].
    pub body_idle_timeout: Option<Duration>,
    /// What a stalled request head or body is answered with.
    pub timeout_answer: TimeoutAnswer,
    /// Over TLS that negotiated no ALPN protocol, speak HTTP/2 to a client that opens with the
    /// HTTP/2 preface (prior knowledge, RFC 9113 3.3), HTTP/1.1 to any other. For APNs, whose
    /// provider API is HTTP/2 only and whose providers (aioapns) may offer no ALPN; where ALPN
    /// chose `http/1.1` it is HTTP/1.1 whatever this says.
    pub http2_without_alpn: bool,
    /// HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 6.5.2) this server advertises.
    pub http2_max_concurrent_streams: u32,
    /// HTTP/2: interval of the server's PING (RFC 9113 6.7) on a connection, to find a peer that
    /// is gone; `None` sends none.
    pub http2_keep_alive_interval: Option<Duration>,
    /// HTTP/2: how long a PING may go unacknowledged before the connection is closed.
    pub http2_keep_alive_timeout: Duration,
    /// HTTP/2: a connection with no open stream for this long is sent GOAWAY (RFC 9113 6.8)
    /// and closed.
    pub http2_idle_timeout: Option<Duration>,
}

/// Connections per role when nothing else is said: far above what one device or client
/// library opens, far below the descriptors a process gets (`ulimit -n` is often 1024 or more;
/// several roles share it).
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

const MINUTES_2: Duration = Duration::from_secs(120);

impl ConnLimits {
    /// IIS (Exchange's front end) on HTTP.sys: every connection timer at HTTP.sys's default of
    /// 120 s (IdleConnection, HeaderWait, EntityBody: `HTTP_TIMEOUT_LIMIT_INFO`, Windows HTTP
    /// Server API), the TLS handshake under the same idle timer; a stall closes without a status;
    /// 100 concurrent HTTP/2 streams, the least RFC 9113 6.5.2 recommends; no server PING (HTTP.sys
    /// sends none, its idle timer closes a silent HTTP/2 connection).
    pub const IIS: ConnLimits = ConnLimits {
        max_connections: DEFAULT_MAX_CONNECTIONS,
        tls_handshake_timeout: Some(MINUTES_2),
        header_read_timeout: Some(MINUTES_2),
        body_idle_timeout: Some(MINUTES_2),
        timeout_answer: TimeoutAnswer::Close,
        http2_without_alpn: false,
        http2_max_concurrent_streams: 100,
        http2_keep_alive_interval: None,
        http2_keep_alive_timeout: Duration::from_secs(20),
        http2_idle_timeout: Some(MINUTES_2),
    };

    /// Domino's HTTP task (Notes Traveler): a complete request within the request timeout of
    /// 60 s, keep-alive connections closed after the persistent-connection timeout of 180 s
    /// (Domino administration, "Specifying network time-outs on the Web server"); the request
    /// timeout is the closest Domino has to a header timeout, and it closes without a status.
    /// Domino speaks HTTP/1.1 only, so the HTTP/2 fields do not apply.
    pub const DOMINO: ConnLimits = ConnLimits {
        max_connections: DEFAULT_MAX_CONNECTIONS,
        tls_handshake_timeout: Some(Duration::from_secs(60)),
        header_read_timeout: Some(Duration::from_secs(60)),
        body_idle_timeout: Some(Duration::from_secs(60)),
        timeout_answer: TimeoutAnswer::Close,
        http2_without_alpn: false,
        http2_max_concurrent_streams: 100,
        http2_keep_alive_interval: None,
        http2_keep_alive_timeout: Duration::from_secs(20),
        http2_idle_timeout: Some(Duration::from_secs(180)),
    };

    /// APNs' provider API: HTTP/2 only, with up to 1,000 concurrent streams per connection (the
    /// SETTINGS_MAX_CONCURRENT_STREAMS Apple's servers advertise to an authenticated provider;
    /// Apple's "Sending notification requests to APNs" says not to assume a number). Apple asks
    /// providers to keep connections open for many notifications, so an idle connection is kept
    /// for an hour, and a server PING every minute finds peers that are gone.
    pub const APNS: ConnLimits = ConnLimits {
        max_connections: DEFAULT_MAX_CONNECTIONS,
        tls_handshake_timeout: Some(Duration::from_secs(10)),
        header_read_timeout: Some(Duration::from_secs(30)),
        body_idle_timeout: Some(Duration::from_secs(30)),
        timeout_answer: TimeoutAnswer::RequestTimeout,
        http2_without_alpn: true,
        http2_max_concurrent_streams: 1000,
        http2_keep_alive_interval: Some(Duration::from_secs(60)),
        http2_keep_alive_timeout: Duration::from_secs(20),
        http2_idle_timeout: Some(Duration::from_secs(3600)),
    };

    /// Every other role (listeners, UEM, SEG, ENS, the KDC, the OAuth issuer): a stalled head or
    /// body gets 408 as RFC 9110 15.5.9 describes, connections idle for two minutes are closed.
    pub const GENERIC: ConnLimits = ConnLimits {
        max_connections: DEFAULT_MAX_CONNECTIONS,
        tls_handshake_timeout: Some(Duration::from_secs(10)),
        header_read_timeout: Some(Duration::from_secs(30)),
        body_idle_timeout: Some(Duration::from_secs(30)),
        timeout_answer: TimeoutAnswer::RequestTimeout,
        http2_without_alpn: false,
        http2_max_concurrent_streams: 250,
        http2_keep_alive_interval: None,
        http2_keep_alive_timeout: Duration::from_secs(20),
        http2_idle_timeout: Some(MINUTES_2),
    };

    /// The in-process simulation: no timer but hyper's own HTTP/1.1 head timeout of 30 s, as
    /// the suite has always run, so that virtual time advances only where a scenario says so.
    pub const IN_PROCESS: ConnLimits = ConnLimits {
        max_connections: usize::MAX,
        tls_handshake_timeout: None,
        header_read_timeout: Some(Duration::from_secs(30)),
        body_idle_timeout: None,
        timeout_answer: TimeoutAnswer::Close,
        http2_without_alpn: false,
        http2_max_concurrent_streams: 1000,
        http2_keep_alive_interval: None,
        http2_keep_alive_timeout: Duration::from_secs(20),
        http2_idle_timeout: None,
    };
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits::GENERIC
    }
}

/// Limits of the serving process as a whole rather than of one role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessLimits {
    /// On the first SIGTERM or SIGINT, how long in-flight requests may take to finish before
    /// the process exits anyway. IIS gives a worker process 90 s (`shutdownTimeLimit`); 30 s is
    /// enough for every request a fake answers but a long poll.
    pub drain_timeout: Duration,
    /// When accept fails for want of descriptors or memory (EMFILE, ENFILE, ENOBUFS), the first
    /// wait before trying again; it doubles up to [`Self::accept_backoff_max`] while the failure
    /// lasts, so that the loop does not spin.
    pub accept_backoff_min: Duration,
    /// The longest wait between two accepts that fail.
    pub accept_backoff_max: Duration,
    /// At most one warning about failing accepts (or connections refused over the cap) per
    /// role in this interval; the next one says how many were not logged.
    pub warn_interval: Duration,
}

impl Default for ProcessLimits {
    fn default() -> Self {
        ProcessLimits {
            drain_timeout: Duration::from_secs(30),
            accept_backoff_min: Duration::from_millis(10),
            accept_backoff_max: Duration::from_millis(200),
            warn_interval: Duration::from_secs(10),
        }
    }
}
