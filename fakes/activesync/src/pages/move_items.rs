//! Code page 5, the `Move` namespace of the MoveItems command ([MS-ASCMD]). The page's root element
//! is `MoveItems`, not `Moves` as some servers call it internally.

use super::{CodePage, Tag, TagEntry};

code_page! {
    Move on Move {
        MoveItems = 0x05,
        Move = 0x06,
        SrcMsgId = 0x07,
        SrcFldId = 0x08,
        DstFldId = 0x09,
        Response = 0x0A,
        Status = 0x0B,
        DstMsgId = 0x0C,
    }
}
