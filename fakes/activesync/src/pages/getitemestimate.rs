//! Code page 6, the `GetItemEstimate` namespace of [MS-ASCMD]. `Version` and `DateTime` are
//! 12.1-era tokens kept so that old clients still decode; `Class` here is likewise 12.1 only, later
//! versions use `airsync:Class`.

use super::{CodePage, Tag, TagEntry};

code_page! {
    GetItemEstimate on GetItemEstimate {
        GetItemEstimate = 0x05,
        Version = 0x06,
        Collections = 0x07,
        Collection = 0x08,
        Class = 0x09,
        CollectionId = 0x0A,
        DateTime = 0x0B,
        Estimate = 0x0C,
        Response = 0x0D,
        Status = 0x0E,
    }
}
