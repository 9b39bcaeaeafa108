//! Code page 17, the `AirSyncBase` namespace of [MS-ASAIRS]: bodies, body preferences and
//! attachments from 12.0 on, and (0x1C–0x2D) the 16.x attachment edits and locations.

use super::{CodePage, Tag, TagEntry};

code_page! {
    AirSyncBase on AirSyncBase {
        BodyPreference = 0x05,
        Type = 0x06,
        TruncationSize = 0x07,
        AllOrNone = 0x08,
        Body = 0x0A,
        Data = 0x0B,
        EstimatedDataSize = 0x0C,
        Truncated = 0x0D,
        Attachments = 0x0E,
        Attachment = 0x0F,
        DisplayName = 0x10,
        FileReference = 0x11,
        Method = 0x12,
        ContentId = 0x13,
        ContentLocation = 0x14,
        IsInline = 0x15,
        NativeBodyType = 0x16,
        ContentType = 0x17,
        Preview = 0x18,
        BodyPartPreference = 0x19,
        BodyPart = 0x1A,
        Status = 0x1B,
        Add = 0x1C,
        Delete = 0x1D,
        ClientId = 0x1E,
        Content = 0x1F,
        Location = 0x20,
        Annotation = 0x21,
        Street = 0x22,
        City = 0x23,
        State = 0x24,
        Country = 0x25,
        PostalCode = 0x26,
        Latitude = 0x27,
        Longitude = 0x28,
        Accuracy = 0x29,
        Altitude = 0x2A,
        AltitudeAccuracy = 0x2B,
        LocationUri = 0x2C,
        InstanceId = 0x2D,
    }
}
