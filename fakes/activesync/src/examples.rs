//! Byte-exact test vectors: the [MS-ASWBXML] "Sync response with a new
//! contact" example and the bodies of a minimal session
//! ([MS-ASCMD] 4.x examples: FolderSync, Sync, Ping). Each must encode to exactly
//! these bytes and decode back to the same document.

use crate::*;

fn assert_vector(doc: &Document, bytes: &[u8]) {
    assert_eq!(encode(doc).unwrap(), bytes, "encoding of\n{doc}");
    assert_eq!(&decode(bytes).unwrap(), doc);
}

#[test]
fn folder_sync_request_is_13_bytes() {
    let doc = bodies::folder_sync_request("0");
    let bytes = [
        0x03, 0x01, 0x6A, 0x00, // header
        0x00, 0x07, // SWITCH_PAGE FolderHierarchy
        0x56, // FolderSync + content
        0x52, 0x03, 0x30, 0x00, 0x01, // SyncKey "0" END
        0x01, // END FolderSync
    ];
    assert_eq!(bytes.len(), 13);
    assert_vector(&doc, &bytes);
}

#[test]
fn folder_sync_response_with_inbox() {
    let doc = bodies::folder_sync_adds("1", &[("5", "0", "Inbox", 2)]);
    let bytes = [
        0x03, 0x01, 0x6A, 0x00, 0x00, 0x07, 0x56, 0x4C, 0x03, 0x31, 0x00, 0x01, 0x52, 0x03, 0x31, 0x00, 0x01, 0x4E, 0x57, 0x03, 0x31, 0x00,
        0x01, 0x4F, 0x48, 0x03, 0x35, 0x00, 0x01, 0x49, 0x03, 0x30, 0x00, 0x01, 0x47, 0x03, 0x49, 0x6E, 0x62, 0x6F, 0x78, 0x00, 0x01, 0x4A,
        0x03, 0x32, 0x00, 0x01, 0x01, 0x01, 0x01,
    ];
    assert_vector(&doc, &bytes);
}

#[test]
fn provision_phase_one() {
    let doc = bodies::provision_request(None, "MS-EAS-Provisioning-WBXML");
    let mut bytes = vec![0x03, 0x01, 0x6A, 0x00, 0x00, 0x0E, 0x45, 0x46, 0x47, 0x48, 0x03];
    bytes.extend_from_slice(b"MS-EAS-Provisioning-WBXML");
    bytes.extend_from_slice(&[0x00, 0x01, 0x01, 0x01, 0x01]);
    assert_vector(&doc, &bytes);
}

#[test]
fn sync_with_key_zero() {
    let doc = bodies::sync_collection([leaf(AirSync::SyncKey, "0"), leaf(AirSync::CollectionId, "5")]);
    let bytes = [0x03, 0x01, 0x6A, 0x00, 0x45, 0x5C, 0x4F, 0x4B, 0x03, 0x30, 0x00, 0x01, 0x52, 0x03, 0x35, 0x00, 0x01, 0x01, 0x01, 0x01];
    assert_vector(&doc, &bytes);
    assert_eq!(decode(&bytes).unwrap().find(&["Collections", "Collection", "SyncKey"]), Some("0"));
}

#[test]
fn ping_480_seconds() {
    let doc = Document::new(el(
        Ping::Ping,
        [leaf(Ping::HeartbeatInterval, "480"), el(Ping::Folders, [el(Ping::Folder, [leaf(Ping::Id, "5"), leaf(Ping::Class, "Email")])])],
    ));
    let bytes = [
        0x03, 0x01, 0x6A, 0x00, 0x00, 0x0D, 0x45, 0x48, 0x03, 0x34, 0x38, 0x30, 0x00, 0x01, 0x49, 0x4A, 0x4B, 0x03, 0x35, 0x00, 0x01, 0x4C,
        0x03, 0x45, 0x6D, 0x61, 0x69, 0x6C, 0x00, 0x01, 0x01, 0x01, 0x01,
    ];
    assert_vector(&doc, &bytes);
}

/// The first 79 bytes are printed in [MS-ASWBXML] ("Sync response with a new
/// contact"); the rest follow from the XML shown beside them.
fn spec_contact_bytes() -> Vec<u8> {
    let mut bytes = vec![
        0x03, 0x01, 0x6A, 0x00, 0x45, 0x5C, 0x4F, 0x50, 0x03, 0x43, 0x6F, 0x6E, 0x74, 0x61, 0x63, 0x74, 0x73, 0x00, 0x01, 0x4B, 0x03, 0x32,
        0x00, 0x01, 0x52, 0x03, 0x32, 0x00, 0x01, 0x4E, 0x03, 0x31, 0x00, 0x01, 0x56, 0x47, 0x4D, 0x03, 0x32, 0x3A, 0x31, 0x00, 0x01, 0x5D,
        0x00, 0x11, 0x4A, 0x46, 0x03, 0x31, 0x00, 0x01, 0x4C, 0x03, 0x30, 0x00, 0x01, 0x4D, 0x03, 0x31, 0x00, 0x01, 0x01, 0x00, 0x01, 0x5E,
        0x03, 0x46, 0x75, 0x6E, 0x6B,
    ];
    bytes.extend_from_slice(b", Don\0\x01");
    bytes.extend_from_slice(&[0x5F, 0x03]);
    bytes.extend_from_slice(b"Don\0\x01");
    bytes.extend_from_slice(&[0x69, 0x03]);
    bytes.extend_from_slice(b"Funk\0\x01");
    bytes.extend_from_slice(&[0x00, 0x11, 0x56, 0x03, 0x31, 0x00, 0x01]);
    // ApplicationData, Add, Commands, Collection, Collections, Sync.
    bytes.extend_from_slice(&[0x01; 6]);
    bytes
}

fn spec_contact_document() -> Document {
    bodies::sync_collection([
        leaf(AirSync::Class, "Contacts"),
        leaf(AirSync::SyncKey, "2"),
        leaf(AirSync::CollectionId, "2"),
        leaf(AirSync::Status, "1"),
        el(
            AirSync::Commands,
            [el(
                AirSync::Add,
                [
                    leaf(AirSync::ServerId, "2:1"),
                    el(
                        AirSync::ApplicationData,
                        [
                            el(
                                AirSyncBase::Body,
                                [
                                    leaf(AirSyncBase::Type, "1"),
                                    leaf(AirSyncBase::EstimatedDataSize, "0"),
                                    leaf(AirSyncBase::Truncated, "1"),
                                ],
                            ),
                            leaf(Contacts::FileAs, "Funk, Don"),
                            leaf(Contacts::FirstName, "Don"),
                            leaf(Contacts::LastName, "Funk"),
                            leaf(AirSyncBase::NativeBodyType, "1"),
                        ],
                    ),
                ],
            )],
        ),
    ])
}

#[test]
fn spec_sync_response_with_a_new_contact() {
    assert_vector(&spec_contact_document(), &spec_contact_bytes());
}

#[test]
fn spec_prefix_decodes() {
    // The prefix the research note quotes, closed by the ENDs of Collection,
    // Collections and Sync.
    let mut bytes = vec![0x03, 0x01, 0x6A, 0x00, 0x45, 0x5C, 0x4F, 0x50, 0x03, 0x43, 0x6F, 0x6E, 0x74, 0x61, 0x63, 0x74, 0x73, 0x00, 0x01];
    assert!(matches!(decode(&bytes), Err(WbxmlError::UnexpectedEof { offset: 19, expected: "END" })));
    bytes.extend_from_slice(&[0x01, 0x01, 0x01]);
    let doc = decode(&bytes).unwrap();
    assert_eq!(doc.root.name(), "Sync");
    assert_eq!(doc.find(&["Collections", "Collection", "Class"]), Some("Contacts"));
}

#[test]
fn spec_example_prints_like_the_spec() {
    let expected = r#"<?xml version="1.0" encoding="utf-8"?>
<Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:contacts="Contacts">
  <Collections>
    <Collection>
      <Class>Contacts</Class>
      <SyncKey>2</SyncKey>
      <CollectionId>2</CollectionId>
      <Status>1</Status>
      <Commands>
        <Add>
          <ServerId>2:1</ServerId>
          <ApplicationData>
            <airsyncbase:Body>
              <airsyncbase:Type>1</airsyncbase:Type>
              <airsyncbase:EstimatedDataSize>0</airsyncbase:EstimatedDataSize>
              <airsyncbase:Truncated>1</airsyncbase:Truncated>
            </airsyncbase:Body>
            <contacts:FileAs>Funk, Don</contacts:FileAs>
            <contacts:FirstName>Don</contacts:FirstName>
            <contacts:LastName>Funk</contacts:LastName>
            <airsyncbase:NativeBodyType>1</airsyncbase:NativeBodyType>
          </ApplicationData>
        </Add>
      </Commands>
    </Collection>
  </Collections>
</Sync>
"#;
    assert_eq!(decode(&spec_contact_bytes()).unwrap().to_xml_string(), expected);
}

#[test]
fn provision_with_device_information_switches_pages_both_ways() {
    let device = bodies::device_information([leaf(Settings::Model, "iPhone"), leaf(Settings::OS, "iOS 17")]);
    let doc = bodies::provision_request(Some(device), "MS-EAS-Provisioning-WBXML");
    let bytes = encode(&doc).unwrap();
    let switches: Vec<_> =
        bytes.windows(2).filter(|pair| pair[0] == 0x00 && (pair[1] == 0x0E || pair[1] == 0x12)).map(|pair| pair[1]).collect();
    assert_eq!(switches, [0x0E, 0x12, 0x0E]);
    assert_eq!(decode(&bytes).unwrap(), doc);
}
