//! Code page 21, the `ComposeMail` namespace of [MS-ASCMD]: SendMail, SmartForward, SmartReply. The
//! `Forwardees` group (0x15–0x18) is 16.0 on.

use super::{CodePage, Tag, TagEntry};

code_page! {
    ComposeMail on ComposeMail {
        SendMail = 0x05,
        SmartForward = 0x06,
        SmartReply = 0x07,
        SaveInSentItems = 0x08,
        ReplaceMime = 0x09,
        Source = 0x0B,
        FolderId = 0x0C,
        ItemId = 0x0D,
        LongId = 0x0E,
        InstanceId = 0x0F,
        Mime = 0x10,
        ClientId = 0x11,
        Status = 0x12,
        AccountId = 0x13,
        Forwardees = 0x15,
        Forwardee = 0x16,
        ForwardeeName = 0x17,
        ForwardeeEmail = 0x18,
    }
}
