//! The ActiveSync servers a device connects to in the TLS features.

use super::closed_vocabulary;
use mailconform_fakes::defaults;

/// A mail server of the default world, by the product's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "server", regex = "Traveler|Exchange")]
pub enum Server {
    /// IBM Notes Traveler at `traveler.example.test`.
    Traveler,
    /// Exchange at `mail.example.test`.
    Exchange,
}

closed_vocabulary!(Server, "a mail server", {
    "Traveler" => Server::Traveler,
    "Exchange" => Server::Exchange,
});

impl Server {
    /// The server's host name in the default world.
    pub fn host(self) -> &'static str {
        match self {
            Server::Traveler => defaults::TRAVELER_HOST,
            Server::Exchange => defaults::EXCHANGE_HOST,
        }
    }

    /// The path of its ActiveSync endpoint.
    pub fn activesync_path(self) -> &'static str {
        match self {
            Server::Traveler => "/traveler/Microsoft-Server-ActiveSync",
            Server::Exchange => "/Microsoft-Server-ActiveSync",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn servers() {
        closed::<Server>();
        rejects::<Server>("Domino");
        assert_eq!(
            (Server::Traveler.host(), Server::Traveler.activesync_path()),
            ("traveler.example.test", "/traveler/Microsoft-Server-ActiveSync")
        );
        assert_eq!((Server::Exchange.host(), Server::Exchange.activesync_path()), ("mail.example.test", "/Microsoft-Server-ActiveSync"));
    }
}
