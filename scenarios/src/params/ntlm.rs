//! How a bare NTLM client behaves, to check what a server accepts.

use super::closed_vocabulary;

/// An NTLM client: with the user's password or not, with its MIC intact, altered or cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "ntlm_client",
    regex = "the right password and no MIC|a wrong password and no MIC|the right password|a wrong password|a tampered MIC|the MIC dropped|the anonymous flag and a user|a short session key and no MIC|a 2-byte MsvAvFlags"
)]
pub enum NtlmClient {
    /// The user's own password and a correct MIC.
    RightPassword,
    /// A password that is not the user's: the NTProofStr cannot match.
    WrongPassword,
    /// The user's own password, without a MIC and without promising one (as pre-MIC clients).
    RightPasswordNoMic,
    /// A wrong password without a MIC: only the NTProofStr can give it away.
    WrongPasswordNoMic,
    /// The right password, one bit of the MIC flipped.
    TamperedMic,
    /// The right password, the MIC cut from the message while MsvAvFlags promises it.
    DroppedMic,
    /// The right password and MIC, and the anonymous flag set.
    AnonymousWithUser,
    /// The right password, no MIC, and key exchange with an 8-byte session key.
    ShortSessionKey,
    /// The right password and MIC, MsvAvFlags 2 bytes long instead of 4.
    MalformedAvFlags,
}

closed_vocabulary!(NtlmClient, "an NTLM client's behaviour", {
    "the right password and no MIC" => NtlmClient::RightPasswordNoMic,
    "a wrong password and no MIC" => NtlmClient::WrongPasswordNoMic,
    "the right password" => NtlmClient::RightPassword,
    "a wrong password" => NtlmClient::WrongPassword,
    "a tampered MIC" => NtlmClient::TamperedMic,
    "the MIC dropped" => NtlmClient::DroppedMic,
    "the anonymous flag and a user" => NtlmClient::AnonymousWithUser,
    "a short session key and no MIC" => NtlmClient::ShortSessionKey,
    "a 2-byte MsvAvFlags" => NtlmClient::MalformedAvFlags,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn every_behaviour() {
        closed::<NtlmClient>();
        rejects::<NtlmClient>("a wrong MIC");
        assert_eq!("the MIC dropped".parse::<NtlmClient>(), Ok(NtlmClient::DroppedMic));
        assert_eq!("a wrong password and no MIC".parse::<NtlmClient>(), Ok(NtlmClient::WrongPasswordNoMic));
    }
}
