//! Code page 16, the `GAL` namespace of [MS-ASCMD] (global address list entries in Search and
//! ResolveRecipients results).

use super::{CodePage, Tag, TagEntry};

code_page! {
    Gal on Gal {
        DisplayName = 0x05,
        Phone = 0x06,
        Office = 0x07,
        Title = 0x08,
        Company = 0x09,
        Alias = 0x0A,
        FirstName = 0x0B,
        LastName = 0x0C,
        HomePhone = 0x0D,
        MobilePhone = 0x0E,
        EmailAddress = 0x0F,
        Picture = 0x10,
        Status = 0x11,
        Data = 0x12,
    }
}
