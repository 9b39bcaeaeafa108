//! Code page 22, the `Email2` namespace of [MS-ASEMAIL].

use super::{CodePage, Tag, TagEntry};

code_page! {
    Email2 on Email2 {
        UmCallerID = 0x05,
        UmUserNotes = 0x06,
        UmAttDuration = 0x07,
        UmAttOrder = 0x08,
        ConversationId = 0x09,
        ConversationIndex = 0x0A,
        LastVerbExecuted = 0x0B,
        LastVerbExecutionTime = 0x0C,
        ReceivedAsBcc = 0x0D,
        Sender = 0x0E,
        CalendarType = 0x0F,
        IsLeapMonth = 0x10,
        AccountId = 0x11,
        FirstDayOfWeek = 0x12,
        MeetingMessageType = 0x13,
        IsDraft = 0x15,
        Bcc = 0x16,
        Send = 0x17,
    }
}
