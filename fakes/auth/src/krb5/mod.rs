//! Kerberos V5 as it goes over the wire (RFC 4120), with Microsoft's S4U extensions
//! ([MS-SFU]): what a delegating service such as SEG asks a real KDC for a user it
//! authenticated by certificate (its own TGT, S4U2Self, S4U2Proxy), the AP-REQ it presents
//! the resulting ticket in, and what the target service (Exchange) does with that AP-REQ.
//!
//! Unlike [`crate::kerberos`], whose KDC seals tickets in a format of its own, this is the
//! protocol: the ASN.1 messages and AES-CTS-HMAC-SHA1-96 of picky-krb, over TCP to any KDC
//! (Active Directory, MIT, Heimdal). Only AES keys are spoken; RC4 and DES are refused by name.

mod acceptor;
mod client;
mod crypto;
mod error;
mod message;
mod server;
mod wire;

pub use acceptor::{Accepted, ServiceKeys, CLOCK_SKEW_SECS};
pub use client::{Credentials, KdcUrl, Krb5Client};
pub use crypto::{default_salt, Key, AES128_CTS_HMAC_SHA1_96, AES256_CTS_HMAC_SHA1_96};
pub use error::Krb5Error;
pub use message::{error_code, Principal, NT_ENTERPRISE, NT_PRINCIPAL, NT_SRV_INST};
pub use server::{Account, KdcService, Realm};
