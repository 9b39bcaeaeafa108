//! Code page 8, the `MeetingResponse` namespace of [MS-ASCMD]. `ProposedStartTime` and
//! `ProposedEndTime` are 16.1 additions.

use super::{CodePage, Tag, TagEntry};

code_page! {
    MeetingResponse on MeetingResponse {
        CalendarId = 0x05,
        CollectionId = 0x06,
        MeetingResponse = 0x07,
        RequestId = 0x08,
        Request = 0x09,
        Result = 0x0A,
        Status = 0x0B,
        UserResponse = 0x0C,
        InstanceId = 0x0E,
        ProposedStartTime = 0x10,
        ProposedEndTime = 0x11,
        SendResponse = 0x12,
    }
}
