//! Code page 25, the `Find` namespace of [MS-ASCMD] (16.1).

use super::{CodePage, Tag, TagEntry};

code_page! {
    Find on Find {
        Find = 0x05,
        SearchId = 0x06,
        ExecuteSearch = 0x07,
        MailBoxSearchCriterion = 0x08,
        Query = 0x09,
        Status = 0x0A,
        FreeText = 0x0B,
        Options = 0x0C,
        Range = 0x0D,
        DeepTraversal = 0x0E,
        Response = 0x11,
        Result = 0x12,
        Properties = 0x13,
        Preview = 0x14,
        HasAttachments = 0x15,
        Total = 0x16,
        DisplayCc = 0x17,
        DisplayBcc = 0x18,
        GalSearchCriterion = 0x19,
        MaxPictures = 0x20,
        MaxSize = 0x21,
        Picture = 0x22,
    }
}
