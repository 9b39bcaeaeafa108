//! Code page 13, the `Ping` namespace of [MS-ASCMD]. `AutdState` is defined but not used by the
//! protocol; it is kept so that a peer sending it still decodes.

use super::{CodePage, Tag, TagEntry};

code_page! {
    Ping on Ping {
        Ping = 0x05,
        AutdState = 0x06,
        Status = 0x07,
        HeartbeatInterval = 0x08,
        Folders = 0x09,
        Folder = 0x0A,
        Id = 0x0B,
        Class = 0x0C,
        MaxFolders = 0x0D,
    }
}
