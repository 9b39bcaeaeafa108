//! Server responses: `{Op}Response/ResponseMessages/{Op}ResponseMessage`,
//! written by the fake server and read back by the harness's client side.

use crate::dom::Node;
use crate::envelope;
use crate::folder::{read_folder, write_folder, FolderInfo};
use crate::item::{read_first_item_id, read_root_folder, write_items_with_id, write_root_folder};
use crate::names::{self as n, response_message_name, response_name};
use crate::ns::Prefix;
use crate::xml_out::{ncname, XmlOut};
use crate::{EwsError, FoundItems, ItemRef, ResponseClass, ResponseCode, ServerVersionInfo, UpdatedItem};

/// A response message with `ResponseClass="Error"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseError {
    /// `m:ResponseCode`, which decides the exception a client raises.
    pub code: ResponseCode,
    /// `m:MessageText`; empty when the server sent none.
    pub message: String,
}

/// `GetFolderResponse`: one message per requested folder, in request order, a
/// `m:Folders/t:Folder` on success and an error message in place of a folder
/// the server cannot return.
pub fn write_get_folder_response(server: &ServerVersionInfo, results: &[Result<FolderInfo, ResponseError>]) -> String {
    write_messages(server, n::GET_FOLDER, results, |o, folder| {
        o.elem(Prefix::Messages, n::FOLDERS, &[], |o| write_folder(o, folder));
    })
}

/// Folders from every successful message, in order; each error message
/// becomes one `Err` in its place.
pub fn parse_get_folder_response(xml: &[u8]) -> Result<Vec<Result<FolderInfo, ResponseError>>, EwsError> {
    let mut out = Vec::new();
    for_each_message(xml, n::GET_FOLDER, |msg| {
        match outcome(msg)? {
            Ok(()) => {
                for folder in msg.require_child(n::FOLDERS)?.children() {
                    out.push(Ok(read_folder(&folder)?));
                }
            }
            Err(e) => out.push(Err(e)),
        }
        Ok(())
    })?;
    Ok(out)
}

/// Success carries `m:SubscriptionId` then `m:Watermark` — the messages
/// namespace, which is where exchangelib looks (unlike inside notifications).
pub fn write_subscribe_response(server: &ServerVersionInfo, result: &Result<(String, String), ResponseError>) -> String {
    write_messages(server, n::SUBSCRIBE, std::slice::from_ref(result), |o, (id, watermark)| {
        o.leaf(Prefix::Messages, n::SUBSCRIPTION_ID, &[], id);
        o.leaf(Prefix::Messages, n::WATERMARK, &[], watermark);
    })
}

/// Decodes the single `SubscribeResponseMessage`. A success without both ids
/// is a schema error (exchangelib would crash on it, so a harness must flag it).
pub fn parse_subscribe_response(xml: &[u8]) -> Result<Result<(String, String), ResponseError>, EwsError> {
    single_message(xml, n::SUBSCRIBE, |msg| {
        let id = msg.require_child(n::SUBSCRIPTION_ID)?.text().to_owned();
        let watermark = msg.require_child(n::WATERMARK)?.text().to_owned();
        Ok((id, watermark))
    })
}

/// `UnsubscribeResponse`: a single message with no payload.
pub fn write_unsubscribe_response(server: &ServerVersionInfo, result: &Result<(), ResponseError>) -> String {
    write_messages(server, n::UNSUBSCRIBE, std::slice::from_ref(result), |_, ()| {})
}

/// Decodes the single `UnsubscribeResponseMessage`: `Ok(Ok(()))` on success,
/// `Ok(Err(..))` when the server refused (e.g. ErrorSubscriptionNotFound).
pub fn parse_unsubscribe_response(xml: &[u8]) -> Result<Result<(), ResponseError>, EwsError> {
    single_message(xml, n::UNSUBSCRIBE, |_| Ok(()))
}

/// `CreateItemResponse`: one message per item of the request, in order. Success carries
/// `m:Items`: empty for SendOnly and SendAndSaveCopy (`None`), the created `t:Message` with its
/// id for SaveOnly (`Some`).
pub fn write_create_item_response(server: &ServerVersionInfo, results: &[Result<Option<ItemRef>, ResponseError>]) -> String {
    write_messages(server, n::CREATE_ITEM, results, |o, item| write_items_with_id(o, item.as_ref()))
}

/// Decodes every `CreateItemResponseMessage`: the created item's id (`None` when the server
/// names none, as for a sent message), or the message's error. A success without `m:Items`
/// is a schema error (exchangelib fails on it).
pub fn parse_create_item_response(xml: &[u8]) -> Result<Vec<Result<Option<ItemRef>, ResponseError>>, EwsError> {
    each_message(xml, n::CREATE_ITEM, |msg| read_first_item_id(&msg.require_child(n::ITEMS)?))
}

/// `FindItemResponse`: one message per parent folder, in request order, each with an
/// `m:RootFolder` holding the page of items.
pub fn write_find_item_response(server: &ServerVersionInfo, results: &[Result<FoundItems, ResponseError>]) -> String {
    write_messages(server, n::FIND_ITEM, results, write_root_folder)
}

/// Decodes every `FindItemResponseMessage`: its `m:RootFolder`, or the message's error.
pub fn parse_find_item_response(xml: &[u8]) -> Result<Vec<Result<FoundItems, ResponseError>>, EwsError> {
    each_message(xml, n::FIND_ITEM, |msg| read_root_folder(&msg.require_child(n::ROOT_FOLDER)?))
}

/// `UpdateItemResponse`: one message per item change, in order. Success carries `m:Items`
/// (the item with its new ChangeKey) then `m:ConflictResults/t:Count`, as Exchange writes them.
pub fn write_update_item_response(server: &ServerVersionInfo, results: &[Result<UpdatedItem, ResponseError>]) -> String {
    write_messages(server, n::UPDATE_ITEM, results, |o, updated| {
        write_items_with_id(o, updated.item.as_ref());
        o.elem(Prefix::Messages, n::CONFLICT_RESULTS, &[], |o| {
            o.leaf_number(Prefix::Types, n::COUNT, &[], updated.conflict_count.into());
        });
    })
}

/// Decodes every `UpdateItemResponseMessage`. `m:Items` is required on success (exchangelib
/// reads the new ChangeKey from it); an absent `m:ConflictResults` counts as no conflict.
pub fn parse_update_item_response(xml: &[u8]) -> Result<Vec<Result<UpdatedItem, ResponseError>>, EwsError> {
    each_message(xml, n::UPDATE_ITEM, |msg| {
        let item = read_first_item_id(&msg.require_child(n::ITEMS)?)?;
        let conflict_count = match msg.child(n::CONFLICT_RESULTS).and_then(|c| c.child(n::COUNT)) {
            Some(c) => c.parse_u32(c.text(), "conflict count")?,
            None => 0,
        };
        Ok(UpdatedItem { item, conflict_count })
    })
}

/// `MarkAllItemsAsReadResponse`: one message per folder, in request order, with no payload.
pub fn write_mark_all_read_response(server: &ServerVersionInfo, results: &[Result<(), ResponseError>]) -> String {
    write_messages(server, n::MARK_ALL_ITEMS_AS_READ, results, |_, ()| {})
}

/// Decodes every `MarkAllItemsAsReadResponseMessage`.
pub fn parse_mark_all_read_response(xml: &[u8]) -> Result<Vec<Result<(), ResponseError>>, EwsError> {
    each_message(xml, n::MARK_ALL_ITEMS_AS_READ, |_| Ok(()))
}

/// A one-message error response for any operation: `ConvertId` gives
/// `ConvertIdResponse/…/ConvertIdResponseMessage ResponseClass="Error"`.
/// exchangelib's version probe accepts this as long as the header carries
/// `ServerVersionInfo`, so a fake need not implement the probed operation.
pub fn write_error_response(server: &ServerVersionInfo, operation_local_name: &str, err: &ResponseError) -> String {
    let op = ncname(operation_local_name);
    write_messages::<()>(server, &op, &[Err(err.clone())], |_, ()| {})
}

/// The outcome of every message of an `{operation}Response`, for operations
/// whose success payload the harness does not decode (probes, ResolveNames).
pub fn parse_error_response(xml: &[u8], operation_local_name: &str) -> Result<Vec<Result<(), ResponseError>>, EwsError> {
    let mut out = Vec::new();
    for_each_message(xml, operation_local_name, |msg| {
        out.push(outcome(msg)?);
        Ok(())
    })?;
    Ok(out)
}

// ---- shared machinery ----------------------------------------------------

fn write_messages<T>(
    server: &ServerVersionInfo,
    operation: &str,
    results: &[Result<T, ResponseError>],
    mut success: impl FnMut(&mut XmlOut, &T),
) -> String {
    let message = response_message_name(operation);
    envelope::write_response(Some(server), envelope::TYPICAL_CAPACITY, |o| {
        o.elem(Prefix::Messages, &response_name(operation), &[], |o| {
            o.elem(Prefix::Messages, n::RESPONSE_MESSAGES, &[], |o| {
                for result in results {
                    match result {
                        Ok(value) => {
                            let attrs = [(n::RESPONSE_CLASS, ResponseClass::Success.as_str())];
                            o.elem(Prefix::Messages, &message, &attrs, |o| {
                                o.leaf(Prefix::Messages, n::RESPONSE_CODE, &[], ResponseCode::NoError.as_str());
                                success(o, value);
                            });
                        }
                        Err(e) => write_error_message(o, &message, e),
                    }
                }
            });
        });
    })
}

/// Error messages follow the schema order MessageText, ResponseCode,
/// DescriptiveLinkKey (always 0 in Exchange's own responses).
fn write_error_message(o: &mut XmlOut, message: &str, err: &ResponseError) {
    let attrs = [(n::RESPONSE_CLASS, ResponseClass::Error.as_str())];
    o.elem(Prefix::Messages, message, &attrs, |o| {
        o.leaf(Prefix::Messages, n::MESSAGE_TEXT, &[], &err.message);
        o.leaf(Prefix::Messages, n::RESPONSE_CODE, &[], err.code.as_str());
        o.leaf(Prefix::Messages, n::DESCRIPTIVE_LINK_KEY, &[], "0");
    });
}

/// Visits each `{operation}ResponseMessage`, turning a SOAP fault in place of
/// the response into [`EwsError::Fault`].
pub(crate) fn for_each_message(
    xml: &[u8],
    operation: &str,
    mut visit: impl FnMut(&Node<'_>) -> Result<(), EwsError>,
) -> Result<(), EwsError> {
    let doc = envelope::parse(xml)?;
    let env = doc.root();
    let response = envelope::expect_payload(&env, &response_name(operation))?;
    let messages = response.require_child(n::RESPONSE_MESSAGES)?;
    let message_name = response_message_name(operation);
    for msg in messages.children_named(&message_name) {
        visit(&msg)?;
    }
    Ok(())
}

/// The outcome of every `{operation}ResponseMessage`, decoding each success with `success`.
fn each_message<T>(
    xml: &[u8],
    operation: &str,
    success: impl Fn(&Node<'_>) -> Result<T, EwsError>,
) -> Result<Vec<Result<T, ResponseError>>, EwsError> {
    let mut out = Vec::new();
    for_each_message(xml, operation, |msg| {
        out.push(match outcome(msg)? {
            Ok(()) => Ok(success(msg)?),
            Err(e) => Err(e),
        });
        Ok(())
    })?;
    Ok(out)
}

fn single_message<T>(
    xml: &[u8],
    operation: &str,
    success: impl Fn(&Node<'_>) -> Result<T, EwsError>,
) -> Result<Result<T, ResponseError>, EwsError> {
    let mut result = None;
    let mut count = 0;
    let message_name = response_message_name(operation);
    for_each_message(xml, operation, |msg| {
        count += 1;
        if result.is_none() {
            result = Some(match outcome(msg)? {
                Ok(()) => Ok(success(msg)?),
                Err(e) => Err(e),
            });
        }
        Ok(())
    })?;
    match (result, count) {
        (Some(r), 1) => Ok(r),
        (_, count) => Err(EwsError::schema(
            format!("Envelope/Body/{}/{}", response_name(operation), n::RESPONSE_MESSAGES),
            format!("expected exactly one {message_name}, found {count}"),
        )),
    }
}

/// Reads ResponseClass and ResponseCode the way exchangelib does: success
/// needs `Success` *and* `NoError`. Any other known code is the message's
/// error; `NoError` under a non-success class is contradictory and rejected.
pub(crate) fn outcome(msg: &Node<'_>) -> Result<Result<(), ResponseError>, EwsError> {
    let class_text = msg.require_attr(n::RESPONSE_CLASS)?;
    let class = ResponseClass::parse(class_text.trim()).ok_or_else(|| EwsError::unknown(msg.path(), "ResponseClass", class_text))?;
    let code_node = msg.require_child(n::RESPONSE_CODE)?;
    let code =
        ResponseCode::parse(code_node.token()).ok_or_else(|| EwsError::unknown(code_node.path(), "response code", code_node.text()))?;
    match (class, code) {
        (ResponseClass::Success, ResponseCode::NoError) => Ok(Ok(())),
        (_, ResponseCode::NoError) => Err(msg.error(format!("ResponseClass {class} contradicts ResponseCode NoError"))),
        (_, code) => Ok(Err(ResponseError { code, message: msg.child(n::MESSAGE_TEXT).map(|m| m.text().to_owned()).unwrap_or_default() })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{dom, testdata, SchemaVersion};

    fn server() -> ServerVersionInfo {
        ServerVersionInfo::for_schema(SchemaVersion::Exchange2016)
    }

    #[test]
    fn subscribe_success_is_what_exchangelib_reads() {
        let ok = Ok(("sub&1".to_string(), "AQAAAA==".to_string()));
        let xml = write_subscribe_response(&server(), &ok);
        assert!(
            xml.contains(concat!(
                r#"<soap:Body><m:SubscribeResponse><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Success">"#,
                r#"<m:ResponseCode>NoError</m:ResponseCode><m:SubscriptionId>sub&amp;1</m:SubscriptionId>"#,
                r#"<m:Watermark>AQAAAA==</m:Watermark></m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse></soap:Body>"#
            )),
            "{xml}"
        );
        assert_eq!(parse_subscribe_response(xml.as_bytes()).unwrap(), ok);
        assert_eq!(crate::parse_server_version_info(xml.as_bytes()).unwrap(), Some(server()));
        // Every element of the body is in the messages namespace.
        let root = dom::parse_tree(xml.as_bytes()).unwrap();
        fn all_m(e: &dom::Tree) -> bool {
            e.ns.as_deref() == Some(crate::ns::MESSAGES) && e.children.iter().all(all_m)
        }
        assert!(all_m(&root.children[1].children[0]));
    }

    #[test]
    fn ms_docs_push_subscribe_response() {
        let r = parse_subscribe_response(testdata::MS_DOCS_PUSH_SUBSCRIBE_RESPONSE.as_bytes()).unwrap();
        assert_eq!(r, Ok(("83826921-afdf-48be-b469-628cc02b5f49".into(), "AQAAAOpvG0LURVdOhQkPOWZLPcI8EgAAAAAAAAE=".into())));
        let info = crate::parse_server_version_info(testdata::MS_DOCS_PUSH_SUBSCRIBE_RESPONSE.as_bytes()).unwrap();
        assert_eq!(info.map(|i| (i.major, i.major_build, i.version)), Some((8, 628, String::new())));
    }

    #[test]
    fn subscribe_error_message() {
        let err = Err(ResponseError {
            code: ResponseCode::ErrorInvalidPushSubscriptionUrl,
            message: "The push subscription URL is invalid.".into(),
        });
        let xml = write_subscribe_response(&server(), &err);
        assert!(xml.contains(r#"<m:SubscribeResponseMessage ResponseClass="Error"><m:MessageText>The push subscription URL is invalid.</m:MessageText><m:ResponseCode>ErrorInvalidPushSubscriptionUrl</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:SubscribeResponseMessage>"#), "{xml}");
        assert_eq!(parse_subscribe_response(xml.as_bytes()).unwrap(), err);
    }

    #[test]
    fn subscribe_response_problems_are_reported() {
        let ok = write_subscribe_response(&server(), &Ok(("a".into(), "b".into())));
        let no_watermark = ok.replace("<m:Watermark>b</m:Watermark>", "");
        let e = parse_subscribe_response(no_watermark.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("SubscribeResponseMessage: required element Watermark is missing"), "{e}");
        let warning = ok.replace("\"Success\"", "\"Warning\"");
        assert!(parse_subscribe_response(warning.as_bytes()).unwrap_err().to_string().contains("contradicts"));
        let unknown = ok.replace(">NoError<", ">ErrorMadeUp<");
        assert!(matches!(parse_subscribe_response(unknown.as_bytes()), Err(EwsError::UnknownValue { .. })));
        let wrong_op = write_unsubscribe_response(&server(), &Ok(()));
        let e = parse_subscribe_response(wrong_op.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("expected <SubscribeResponse>"), "{e}");
        let fault = crate::write_fault(
            None,
            &crate::Fault {
                faultcode: "a:ErrorInvalidServerVersion".into(),
                faultstring: "The specified server version is invalid.".into(),
                code: ResponseCode::ErrorInvalidServerVersion,
                message: "The specified server version is invalid.".into(),
                line_position: None,
            },
        );
        assert!(
            matches!(parse_subscribe_response(fault.as_bytes()), Err(EwsError::Fault(f)) if f.code == ResponseCode::ErrorInvalidServerVersion)
        );
    }

    #[test]
    fn get_folder_round_trip_and_shape() {
        let results = vec![
            Ok(FolderInfo {
                folder_id: "AAMkADk=".into(),
                change_key: "AQAAABYA".into(),
                display_name: "Inbox & <Archive>".into(),
                total_count: 12,
                unread_count: 3,
                child_folder_count: 0,
            }),
            Err(ResponseError {
                code: ResponseCode::ErrorFolderNotFound,
                message: "The specified folder could not be found in the store.".into(),
            }),
        ];
        let xml = write_get_folder_response(&server(), &results);
        assert!(xml.contains(r#"<m:Folders><t:Folder><t:FolderId Id="AAMkADk=" ChangeKey="AQAAABYA"/><t:DisplayName>Inbox &amp; &lt;Archive&gt;</t:DisplayName><t:TotalCount>12</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>3</t:UnreadCount></t:Folder></m:Folders>"#), "{xml}");
        assert_eq!(parse_get_folder_response(xml.as_bytes()).unwrap(), results);
    }

    #[test]
    fn get_folder_of_real_shape_with_extra_properties() {
        let r = parse_get_folder_response(testdata::GET_FOLDER_INBOX_RESPONSE.as_bytes()).unwrap();
        assert_eq!(
            r,
            vec![Ok(FolderInfo {
                folder_id: "AAMkAGE3ZTk1LWIxAC4AAAAAAABBn0=".into(),
                change_key: "AQAAABYAAABGoF8z".into(),
                display_name: "Inbox".into(),
                total_count: 2,
                unread_count: 1,
                child_folder_count: 0,
            })]
        );
        let bad = testdata::GET_FOLDER_INBOX_RESPONSE.replace("<t:TotalCount>2<", "<t:TotalCount>two<");
        let e = parse_get_folder_response(bad.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("TotalCount"), "{e}");
    }

    #[test]
    fn unsubscribe_and_generic_errors() {
        for r in [
            Ok(()),
            Err(ResponseError {
                code: ResponseCode::ErrorSubscriptionNotFound,
                message: "The specified subscription was not found.".into(),
            }),
        ] {
            let xml = write_unsubscribe_response(&server(), &r);
            assert_eq!(parse_unsubscribe_response(xml.as_bytes()).unwrap(), r);
        }
        let e = ResponseError { code: ResponseCode::ErrorInvalidIdMalformed, message: "Id is malformed.".into() };
        let xml = write_error_response(&server(), "ConvertId", &e);
        assert!(xml.contains("<m:ConvertIdResponse><m:ResponseMessages><m:ConvertIdResponseMessage ResponseClass=\"Error\">"), "{xml}");
        assert_eq!(parse_error_response(xml.as_bytes(), "ConvertId").unwrap(), vec![Err(e.clone())]);
        assert!(crate::parse_server_version_info(xml.as_bytes()).unwrap().is_some());
        let xml = write_error_response(
            &server(),
            "ResolveNames",
            &ResponseError { code: ResponseCode::ErrorNameResolutionNoResults, message: String::new() },
        );
        assert_eq!(
            parse_error_response(xml.as_bytes(), "ResolveNames").unwrap(),
            vec![Err(ResponseError { code: ResponseCode::ErrorNameResolutionNoResults, message: String::new() })]
        );
    }

    fn id(id: &str, ck: &str) -> ItemRef {
        ItemRef { id: id.into(), change_key: Some(ck.into()) }
    }

    fn not_found() -> ResponseError {
        ResponseError { code: ResponseCode::ErrorItemNotFound, message: "The specified object was not found in the store.".into() }
    }

    #[test]
    fn create_item_sent_saved_and_refused() {
        let results = vec![
            Ok(None),
            Ok(Some(id("AAMkDRAFT1", "CQAAABYA"))),
            Err(ResponseError {
                code: ResponseCode::ErrorInvalidRecipients,
                message: "At least one recipient isn't valid., A message can't be sent because it contains no recipients.".into(),
            }),
        ];
        let xml = write_create_item_response(&server(), &results);
        assert!(xml.contains(r#"<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items></m:Items></m:CreateItemResponseMessage>"#), "{xml}");
        assert!(xml.contains(r#"<m:Items><t:Message><t:ItemId Id="AAMkDRAFT1" ChangeKey="CQAAABYA"/></t:Message></m:Items>"#), "{xml}");
        assert_eq!(parse_create_item_response(xml.as_bytes()).unwrap(), results);
        let no_items = xml.replacen("<m:Items></m:Items>", "", 1);
        let e = parse_create_item_response(no_items.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("required element Items is missing"), "{e}");
    }

    /// What Exchange 2013 sends for an `IdOnly` + Subject/IsRead/From FindItem: a default
    /// namespace header, extra properties, and an item that is not a `t:Message`.
    const EXCHANGE_FIND_ITEM: &str = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>"#,
        r#"<h:ServerVersionInfo MajorVersion="15" MinorVersion="0" MajorBuildNumber="847" MinorBuildNumber="31" Version="V2_8" "#,
        r#"xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types"/>"#,
        r#"</s:Header><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#,
        r#"<m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">"#,
        r#"<m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>"#,
        r#"<m:RootFolder IndexedPagingOffset="2" TotalItemsInView="2" IncludesLastItemInRange="true"><t:Items>"#,
        r#"<t:Message><t:ItemId Id="AAMkAGI1" ChangeKey="CQAAABYAAAB"/><t:Subject>Quarterly figures</t:Subject>"#,
        r#"<t:DateTimeReceived>2026-01-05T09:00:30Z</t:DateTimeReceived><t:From><t:Mailbox><t:Name>Alice</t:Name>"#,
        r#"<t:EmailAddress>alice@example.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:From>"#,
        r#"<t:IsRead>false</t:IsRead></t:Message>"#,
        r#"<t:MeetingRequest><t:ItemId Id="AAMkAGI2" ChangeKey="DwAAABYAAAB"/><t:Subject>Review</t:Subject><t:IsRead>1</t:IsRead></t:MeetingRequest>"#,
        r#"</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>"#
    );

    #[test]
    fn find_item_of_exchanges_shape() {
        let r = parse_find_item_response(EXCHANGE_FIND_ITEM.as_bytes()).unwrap();
        assert_eq!(
            r,
            vec![Ok(FoundItems {
                total_items_in_view: 2,
                includes_last_item_in_range: true,
                indexed_paging_offset: Some(2),
                items: vec![
                    crate::FoundItem {
                        item: id("AAMkAGI1", "CQAAABYAAAB"),
                        subject: Some("Quarterly figures".into()),
                        from: Some("alice@example.test".into()),
                        is_read: Some(false),
                    },
                    crate::FoundItem {
                        item: id("AAMkAGI2", "DwAAABYAAAB"),
                        subject: Some("Review".into()),
                        from: None,
                        is_read: Some(true)
                    },
                ],
            })]
        );
        for (from, to, says) in [
            (r#" TotalItemsInView="2""#, "", "TotalItemsInView is missing"),
            (r#"IncludesLastItemInRange="true""#, r#"IncludesLastItemInRange="yes""#, "IncludesLastItemInRange"),
            (r#"IndexedPagingOffset="2""#, r#"IndexedPagingOffset="x""#, "IndexedPagingOffset"),
            (r#"<t:ItemId Id="AAMkAGI2" ChangeKey="DwAAABYAAAB"/>"#, "", "ItemId is missing"),
            ("<t:IsRead>false</t:IsRead>", "<t:IsRead>no</t:IsRead>", "IsRead"),
        ] {
            let bad = EXCHANGE_FIND_ITEM.replace(from, to);
            let e = parse_find_item_response(bad.as_bytes()).unwrap_err();
            assert!(e.to_string().contains(says), "{says}: {e}");
        }
    }

    #[test]
    fn find_item_round_trip_and_shape() {
        let results = vec![
            Ok(FoundItems {
                total_items_in_view: 1,
                includes_last_item_in_range: true,
                indexed_paging_offset: Some(1),
                items: vec![crate::FoundItem {
                    item: id("I1", "C1"),
                    subject: Some("A & B".into()),
                    from: Some("alice@example.test".into()),
                    is_read: Some(false),
                }],
            }),
            Err(ResponseError {
                code: ResponseCode::ErrorFolderNotFound,
                message: "The specified folder could not be found in the store.".into(),
            }),
        ];
        let xml = write_find_item_response(&server(), &results);
        assert!(xml.contains(concat!(
            r#"<m:RootFolder IndexedPagingOffset="1" TotalItemsInView="1" IncludesLastItemInRange="true"><t:Items><t:Message>"#,
            r#"<t:ItemId Id="I1" ChangeKey="C1"/><t:Subject>A &amp; B</t:Subject><t:From><t:Mailbox><t:EmailAddress>alice@example.test</t:EmailAddress>"#,
            r#"<t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:From><t:IsRead>false</t:IsRead></t:Message></t:Items></m:RootFolder>"#
        )), "{xml}");
        assert_eq!(parse_find_item_response(xml.as_bytes()).unwrap(), results);
        let root = dom::parse_tree(xml.as_bytes()).unwrap();
        let message = &root.children[1].children[0].children[0].children[0];
        let root_folder = &message.children[1];
        assert_eq!((root_folder.name.as_str(), root_folder.ns.as_deref()), ("RootFolder", Some(crate::ns::MESSAGES)));
        assert_eq!((root_folder.children[0].name.as_str(), root_folder.children[0].ns.as_deref()), ("Items", Some(crate::ns::TYPES)));
    }

    /// The success message of Microsoft's UpdateItem operation example.
    #[test]
    fn update_item_round_trip_and_ms_docs_shape() {
        let results = vec![Ok(UpdatedItem { item: Some(id("AAAtAEFkb", "CQAAABYAAABS")), conflict_count: 0 }), Err(not_found())];
        let xml = write_update_item_response(&server(), &results);
        assert!(xml.contains(concat!(
            r#"<m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message>"#,
            r#"<t:ItemId Id="AAAtAEFkb" ChangeKey="CQAAABYAAABS"/></t:Message></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>"#,
            r#"</m:UpdateItemResponseMessage><m:UpdateItemResponseMessage ResponseClass="Error"><m:MessageText>The specified object was not found in the store.</m:MessageText>"#,
            r#"<m:ResponseCode>ErrorItemNotFound</m:ResponseCode>"#
        )), "{xml}");
        assert_eq!(parse_update_item_response(xml.as_bytes()).unwrap(), results);
        let no_conflicts = xml.replace("<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>", "");
        assert_eq!(parse_update_item_response(no_conflicts.as_bytes()).unwrap(), results);
        let sent = write_update_item_response(&server(), &[Ok(UpdatedItem { item: None, conflict_count: 2 })]);
        assert_eq!(parse_update_item_response(sent.as_bytes()).unwrap(), vec![Ok(UpdatedItem { item: None, conflict_count: 2 })]);
    }

    #[test]
    fn mark_all_read_round_trip() {
        let results = vec![
            Ok(()),
            Err(ResponseError {
                code: ResponseCode::ErrorFolderNotFound,
                message: "The specified folder could not be found in the store.".into(),
            }),
        ];
        let xml = write_mark_all_read_response(&server(), &results);
        assert!(xml.contains(r#"<m:MarkAllItemsAsReadResponse><m:ResponseMessages><m:MarkAllItemsAsReadResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:MarkAllItemsAsReadResponseMessage>"#), "{xml}");
        assert_eq!(parse_mark_all_read_response(xml.as_bytes()).unwrap(), results);
        // Another operation's response is not this one's.
        assert!(parse_mark_all_read_response(write_unsubscribe_response(&server(), &Ok(())).as_bytes()).is_err());
    }
}
