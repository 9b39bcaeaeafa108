//! Code page 10, the `ResolveRecipients` namespace of [MS-ASCMD].

use super::{CodePage, Tag, TagEntry};

code_page! {
    ResolveRecipients on ResolveRecipients {
        ResolveRecipients = 0x05,
        Response = 0x06,
        Status = 0x07,
        Type = 0x08,
        Recipient = 0x09,
        DisplayName = 0x0A,
        EmailAddress = 0x0B,
        Certificates = 0x0C,
        Certificate = 0x0D,
        MiniCertificate = 0x0E,
        Options = 0x0F,
        To = 0x10,
        CertificateRetrieval = 0x11,
        RecipientCount = 0x12,
        MaxCertificates = 0x13,
        MaxAmbiguousRecipients = 0x14,
        CertificateCount = 0x15,
        Availability = 0x16,
        StartTime = 0x17,
        EndTime = 0x18,
        MergedFreeBusy = 0x19,
        Picture = 0x1A,
        MaxSize = 0x1B,
        Data = 0x1C,
        MaxPictures = 0x1D,
    }
}
