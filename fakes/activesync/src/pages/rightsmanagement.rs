//! Code page 24, the `RightsManagement` namespace of [MS-ASRM].

use super::{CodePage, Tag, TagEntry};

code_page! {
    RightsManagement on RightsManagement {
        RightsManagementSupport = 0x05,
        RightsManagementTemplates = 0x06,
        RightsManagementTemplate = 0x07,
        RightsManagementLicense = 0x08,
        EditAllowed = 0x09,
        ReplyAllowed = 0x0A,
        ReplyAllAllowed = 0x0B,
        ForwardAllowed = 0x0C,
        ModifyRecipientsAllowed = 0x0D,
        ExtractAllowed = 0x0E,
        PrintAllowed = 0x0F,
        ExportAllowed = 0x10,
        ProgrammaticAccessAllowed = 0x11,
        Owner = 0x12,
        ContentExpiryDate = 0x13,
        TemplateID = 0x14,
        TemplateName = 0x15,
        TemplateDescription = 0x16,
        ContentOwner = 0x17,
        RemoveRightsManagementProtection = 0x18,
    }
}
