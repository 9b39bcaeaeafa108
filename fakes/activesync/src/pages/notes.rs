//! Code page 23, the `Notes` namespace of [MS-ASNOTE].

use super::{CodePage, Tag, TagEntry};

code_page! {
    Notes on Notes {
        Subject = 0x05,
        MessageClass = 0x06,
        LastModifiedDate = 0x07,
        Categories = 0x08,
        Category = 0x09,
    }
}
