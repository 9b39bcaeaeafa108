//! Code page 0, the `AirSync` namespace of [MS-ASCMD]: the Sync command and its collection framing.

use super::{CodePage, Tag, TagEntry};

code_page! {
    AirSync on AirSync {
        Sync = 0x05,
        Responses = 0x06,
        Add = 0x07,
        Change = 0x08,
        Delete = 0x09,
        Fetch = 0x0A,
        SyncKey = 0x0B,
        ClientId = 0x0C,
        ServerId = 0x0D,
        Status = 0x0E,
        Collection = 0x0F,
        Class = 0x10,
        CollectionId = 0x12,
        GetChanges = 0x13,
        MoreAvailable = 0x14,
        WindowSize = 0x15,
        Commands = 0x16,
        Options = 0x17,
        FilterType = 0x18,
        Conflict = 0x1B,
        Collections = 0x1C,
        ApplicationData = 0x1D,
        DeletesAsMoves = 0x1E,
        Supported = 0x20,
        SoftDelete = 0x21,
        MIMESupport = 0x22,
        MIMETruncation = 0x23,
        Wait = 0x24,
        Limit = 0x25,
        Partial = 0x26,
        ConversationMode = 0x27,
        MaxItems = 0x28,
        HeartbeatInterval = 0x29,
    }
}
