//! Code page 20, the `ItemOperations` namespace of [MS-ASCMD].

use super::{CodePage, Tag, TagEntry};

code_page! {
    ItemOperations on ItemOperations {
        ItemOperations = 0x05,
        Fetch = 0x06,
        Store = 0x07,
        Options = 0x08,
        Range = 0x09,
        Total = 0x0A,
        Properties = 0x0B,
        Data = 0x0C,
        Status = 0x0D,
        Response = 0x0E,
        Version = 0x0F,
        Schema = 0x10,
        Part = 0x11,
        EmptyFolderContents = 0x12,
        DeleteSubFolders = 0x13,
        UserName = 0x14,
        Password = 0x15,
        Move = 0x16,
        DstFldId = 0x17,
        ConversationId = 0x18,
        MoveAlways = 0x19,
    }
}
