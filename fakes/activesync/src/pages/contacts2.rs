//! Code page 12, the `Contacts2` namespace of [MS-ASCNTC].

use super::{CodePage, Tag, TagEntry};

code_page! {
    Contacts2 on Contacts2 {
        CustomerId = 0x05,
        GovernmentId = 0x06,
        IMAddress = 0x07,
        IMAddress2 = 0x08,
        IMAddress3 = 0x09,
        ManagerName = 0x0A,
        CompanyMainPhone = 0x0B,
        AccountName = 0x0C,
        NickName = 0x0D,
        MMS = 0x0E,
    }
}
