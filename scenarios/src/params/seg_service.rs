//! The two services SEG stands in front of.

use super::closed_vocabulary;
use mailconform_fakes::seg::Service;
use std::ops::Deref;

/// EWS or ActiveSync, as SEG's log tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "seg_service", regex = "EWS|ActiveSync")]
pub struct SegService(pub Service);

closed_vocabulary!(SegService, "a service behind SEG", {
    "EWS" => SegService(Service::Ews),
    "ActiveSync" => SegService(Service::ActiveSync),
});

impl Deref for SegService {
    type Target = Service;

    fn deref(&self) -> &Service {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn services() {
        closed::<SegService>();
        rejects::<SegService>("ews");
    }
}
