//! The cells of the SSLv3/TLS guide's (French) tables: which column, and "Oui" or "Non".

use super::closed_vocabulary;

/// A column of the guide's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "seed_column", regex = "SSLv3|TLS")]
pub enum SeedColumn {
    /// Whether SSL 3.0 can be used.
    Sslv3,
    /// Whether a TLS version can be used.
    Tls,
}

closed_vocabulary!(SeedColumn, "a column of the guide's tables", {
    "SSLv3" => SeedColumn::Sslv3,
    "TLS" => SeedColumn::Tls,
});

/// A cell as the guide writes it: "Oui" (yes) or "Non" (no).
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "oui_non", regex = "Oui|Non")]
pub struct OuiNon(pub bool);

closed_vocabulary!(OuiNon, "a cell of the guide's tables", {
    "Oui" => OuiNon(true),
    "Non" => OuiNon(false),
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn columns_and_cells() {
        closed::<SeedColumn>();
        closed::<OuiNon>();
        rejects::<OuiNon>("Yes");
        for (word, v) in OuiNon::WORDS {
            assert_eq!(mailconform_tls::profile::parse_oui_non(word), Some(v.0));
            assert_eq!(mailconform_tls::profile::oui_non(v.0), *word);
        }
    }
}
