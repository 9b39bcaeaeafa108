//! Code page 19, the `DocumentLibrary` namespace of [MS-ASDOC].

use super::{CodePage, Tag, TagEntry};

code_page! {
    DocumentLibrary on DocumentLibrary {
        LinkId = 0x05,
        DisplayName = 0x06,
        IsFolder = 0x07,
        CreationDate = 0x08,
        LastModifiedDate = 0x09,
        IsHidden = 0x0A,
        ContentLength = 0x0B,
        ContentType = 0x0C,
    }
}
