//! Code page 7, the `FolderHierarchy` namespace of [MS-ASCMD]: FolderSync, FolderCreate,
//! FolderDelete, FolderUpdate. `Folders` and `Folder` serve the GetHierarchy command of 2.5–12.1.

use super::{CodePage, Tag, TagEntry};

code_page! {
    FolderHierarchy on FolderHierarchy {
        Folders = 0x05,
        Folder = 0x06,
        DisplayName = 0x07,
        ServerId = 0x08,
        ParentId = 0x09,
        Type = 0x0A,
        Status = 0x0C,
        Changes = 0x0E,
        Add = 0x0F,
        Delete = 0x10,
        Update = 0x11,
        SyncKey = 0x12,
        FolderCreate = 0x13,
        FolderDelete = 0x14,
        FolderUpdate = 0x15,
        FolderSync = 0x16,
        Count = 0x17,
    }
}
