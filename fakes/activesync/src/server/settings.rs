//! Settings ([MS-ASCMD] 2.2.1.18): device information, the user's addresses, Out of
//! Office, device password recovery and rights-management templates.
//!
//! DeviceInformation `Set` is remembered in the device partnership (the control API shows
//! it). UserInformation `Get` answers the user's SMTP address: as `EmailAddresses` directly
//! up to 14.0, inside `Accounts/Account` from 14.1. Out of Office is kept per request only
//! (always off); a password `Set` and RightsManagementInformation `Get` succeed with nothing
//! behind them. An unknown part is a protocol error (Status 2).

use super::{doc, Ctx, EasServer};
use crate::http::{response, ProtocolVersion};
use crate::status::settings as st;
use crate::{el, leaf, Element, Settings as S};
use mailconform_sim::Response;

impl EasServer {
    pub(crate) fn settings(&self, ctx: &Ctx) -> Response {
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let parts: Vec<&Element> = root.elements().collect();
        if parts.is_empty() {
            return response::wbxml(&doc(S::Settings, vec![leaf(S::Status, st::PROTOCOL_ERROR.to_string())]));
        }
        let ok = || leaf(S::Status, st::SUCCESS.to_string());
        let mut out = vec![ok()];
        for part in parts {
            let answer = match part.name() {
                "DeviceInformation" => {
                    let Some(set) = part.child("Set") else {
                        return response::wbxml(&doc(S::Settings, vec![leaf(S::Status, st::PROTOCOL_ERROR.to_string())]));
                    };
                    let fields: Vec<(String, String)> =
                        set.elements().map(|e| (e.name().to_string(), e.text().unwrap_or("").to_string())).collect();
                    self.with_device(&ctx.key, |d| d.device_information.extend(fields));
                    el(S::DeviceInformation, [ok()])
                }
                "UserInformation" => {
                    let email = self.store.email_of(&ctx.login).unwrap_or_default();
                    let get = if ctx.version() >= ProtocolVersion::V14_1 {
                        el(
                            S::Get,
                            [el(
                                S::Accounts,
                                [el(
                                    S::Account,
                                    [
                                        leaf(S::UserDisplayName, ctx.login.as_str()),
                                        el(
                                            S::EmailAddresses,
                                            [leaf(S::SMTPAddress, email.as_str()), leaf(S::PrimarySmtpAddress, email.as_str())],
                                        ),
                                    ],
                                )],
                            )],
                        )
                    } else {
                        el(S::Get, [el(S::EmailAddresses, [leaf(S::SMTPAddress, email.as_str())])])
                    };
                    el(S::UserInformation, [ok(), get])
                }
                "Oof" => {
                    if part.child("Get").is_some() {
                        el(S::Oof, [ok(), el(S::Get, [leaf(S::OofState, "0")])])
                    } else {
                        el(S::Oof, [ok()])
                    }
                }
                "DevicePassword" => el(S::DevicePassword, [ok()]),
                "RightsManagementInformation" => el(S::RightsManagementInformation, [ok(), el(S::Get, Vec::<Element>::new())]),
                _ => return response::wbxml(&doc(S::Settings, vec![leaf(S::Status, st::PROTOCOL_ERROR.to_string())])),
            };
            out.push(answer);
        }
        response::wbxml(&doc(S::Settings, out))
    }
}
