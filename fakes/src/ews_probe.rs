//! A bare EWS client: one GetFolder of the Inbox with exactly the credentials a scenario names,
//! and the answer as that client sees it (the status and the schemes offered).
//!
//! Scenarios use it where a real client would hide what they check: which authentication
//! challenges SEG or Exchange offer, and whether a server refuses a broken NTLM client.

use mailconform_auth::http_client::send_ntlm;
use mailconform_auth::{challenge, Forgery, MicHandling, NtlmInitiator, Scheme};
use mailconform_ews::{parse_server_version_info, write_request, FolderRef, Operation, SchemaVersion, ServerVersionInfo};
use mailconform_sim::{ClientIdentity, HttpClient, RequestOptions, SimError};

/// The credentials the client presents.
#[derive(Clone, Debug)]
pub enum ProbeCredentials {
    /// None: the server's first answer (usually 401 with its challenges).
    None,
    /// HTTP Basic as `user` (RFC 7617).
    Basic {
        /// The account.
        user: String,
        /// Its password.
        password: String,
    },
    /// A TLS client certificate and nothing else.
    Certificate(ClientIdentity),
    /// NTLM over HTTP ([MS-NTHT]): `user` as `DOMAIN\user`, `user@domain` or a bare name.
    Ntlm {
        /// The account.
        user: String,
        /// Its password, right or wrong.
        password: String,
        /// What the client does with the MIC.
        mic: MicHandling,
        /// A hostile message to send instead of a well-formed one.
        forgery: Option<Forgery>,
        /// The client challenge (8 random bytes from the run's randomness).
        client_challenge: [u8; 8],
    },
}

/// What the client saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeAnswer {
    /// The final HTTP status.
    pub status: u16,
    /// The schemes of the final answer's `WWW-Authenticate` headers, in order.
    pub offered: Vec<Scheme>,
    /// The `ServerVersionInfo` of the answer's SOAP header, when it had one: the server's build.
    pub server_version: Option<ServerVersionInfo>,
}

/// Posts GetFolder (Inbox, `IdOnly`) to `url` with `headers` added and `credentials` presented.
pub async fn get_inbox(
    http: &HttpClient,
    url: &str,
    headers: &[(&str, &str)],
    credentials: ProbeCredentials,
) -> Result<ProbeAnswer, SimError> {
    let body = write_request(
        SchemaVersion::Exchange2013,
        &Operation::GetFolder {
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
            base_shape: Some("IdOnly".into()),
        },
    );
    let mut builder = http::Request::post(url).header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let req = builder.body(bytes::Bytes::from(body)).map_err(|e| SimError::Http { host: url.to_string(), reason: e.to_string() })?;
    let resp = match credentials {
        ProbeCredentials::None => http.send(req, &RequestOptions::default()).await?,
        ProbeCredentials::Basic { user, password } => {
            let mut req = req;
            let value = mailconform_sim::basic_authorization(&user, &password);
            req.headers_mut().insert(
                http::header::AUTHORIZATION,
                http::HeaderValue::from_str(&value).map_err(|e| SimError::Http { host: url.to_string(), reason: e.to_string() })?,
            );
            http.send(req, &RequestOptions::default()).await?
        }
        ProbeCredentials::Certificate(identity) => {
            http.send(req, &RequestOptions { identity: Some(identity), ..Default::default() }).await?
        }
        ProbeCredentials::Ntlm { user, password, mic, forgery, client_challenge } => {
            let mut initiator = NtlmInitiator::new(&user, &password, "PROBE").with_mic(mic);
            if let Some(f) = forgery {
                initiator = initiator.forging(f);
            }
            send_ntlm(http, &req, &RequestOptions::default(), &mut initiator, Scheme::Ntlm, client_challenge).await?
        }
    };
    let offered = resp
        .headers()
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| challenge::parse(v).unwrap_or_default())
        .map(|c| c.scheme)
        .collect();
    let server_version = parse_server_version_info(resp.body()).ok().flatten();
    Ok(ProbeAnswer { status: resp.status().as_u16(), offered, server_version })
}
