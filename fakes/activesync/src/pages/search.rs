//! Code page 15, the `Search` namespace of [MS-ASCMD].

use super::{CodePage, Tag, TagEntry};

code_page! {
    Search on Search {
        Search = 0x05,
        Store = 0x07,
        Name = 0x08,
        Query = 0x09,
        Options = 0x0A,
        Range = 0x0B,
        Status = 0x0C,
        Response = 0x0D,
        Result = 0x0E,
        Properties = 0x0F,
        Total = 0x10,
        EqualTo = 0x11,
        Value = 0x12,
        And = 0x13,
        Or = 0x14,
        FreeText = 0x15,
        DeepTraversal = 0x17,
        LongId = 0x18,
        RebuildResults = 0x19,
        LessThan = 0x1A,
        GreaterThan = 0x1B,
        UserName = 0x1E,
        Password = 0x1F,
        ConversationId = 0x20,
        Picture = 0x21,
        MaxSize = 0x22,
        MaxPictures = 0x23,
    }
}
