//! Code page 11, the `ValidateCert` namespace of [MS-ASCMD].

use super::{CodePage, Tag, TagEntry};

code_page! {
    ValidateCert on ValidateCert {
        ValidateCert = 0x05,
        Certificates = 0x06,
        Certificate = 0x07,
        CertificateChain = 0x08,
        CheckCrl = 0x09,
        Status = 0x0A,
    }
}
