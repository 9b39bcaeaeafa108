//! Tasks ([MS-ASTASK]) and Notes ([MS-ASNOTE]): the default folders, items both ways, and
//! Notes refused before 14.0.

use super::*;
use crate::client::EasError;
use crate::store::{message_class, ItemClass};
use crate::{leaf, AirSyncBase, CodePage, Notes, Tasks};

const DUE: &str = "2026-01-09T17:00:00.000Z";

/// The code page a property of an item's `ApplicationData` was sent in.
fn page_of(item: &crate::client::SyncItem, name: &str) -> CodePage {
    item.data.child(name).unwrap_or_else(|| panic!("no {name} in {:?}", item.data)).tag.page()
}

#[test]
fn folder_sync_lists_tasks_and_notes() {
    let w = world(90, EasConfig::default());
    for version in [ProtocolVersion::V14_1, ProtocolVersion::V12_1] {
        let c = w.client(&format!("fs{}", version.as_str().replace('.', "")), version);
        let r = w.sim.block_on(c.folder_sync()).unwrap();
        let of = |t: FolderType| r.folders.iter().find(|f| f.folder_type == t).cloned();
        let tasks = of(FolderType::Tasks).expect("Tasks listed");
        let notes = of(FolderType::Notes).expect("Notes listed");
        assert_eq!((tasks.server_id.as_str(), tasks.display_name.as_str()), ("6", "Tasks"));
        assert_eq!((notes.server_id.as_str(), notes.display_name.as_str()), ("9", "Notes"));
        // The mail, calendar and contact folders keep their ids.
        assert_eq!(of(FolderType::Inbox).unwrap().server_id, "1");
        assert_eq!(of(FolderType::Calendar).unwrap().server_id, "7");
        assert_eq!(of(FolderType::Contacts).unwrap().server_id, "8");
    }
    assert_eq!(FolderType::Tasks.item_class(), ItemClass::Tasks);
    assert_eq!(FolderType::UserNotes.item_class(), ItemClass::Notes);
    assert_eq!(ItemClass::parse("Notes"), Some(ItemClass::Notes));
    assert_eq!(ItemClass::Tasks.as_str(), "Tasks");
}

#[test]
fn server_tasks_and_notes_arrive_with_their_schemas() {
    let w = world(91, EasConfig::default());
    let (task_id, note_id) = {
        let _inside = w.sim.enter();
        let mut task = NewItem::task("File taxes", "Before the deadline", DUE);
        task.importance = Some(2);
        let task_id = w.store.add_to("alice", FolderType::Tasks, task).unwrap();
        let mut note = NewItem::note("Wi-Fi", "guest / hunter2");
        note.categories = vec!["Office".into()];
        let note_id = w.store.add_to("alice", FolderType::Notes, note).unwrap();
        (task_id, note_id)
    };
    let tasks = w.folder_id("alice", FolderType::Tasks);
    let notes = w.folder_id("alice", FolderType::Notes);
    assert!(task_id.starts_with(&format!("{tasks}:")));
    assert_eq!(w.store.item("alice", &task_id).unwrap().class, ItemClass::Tasks);
    assert_eq!(w.store.item("alice", &note_id).unwrap().message_class, message_class::STICKY_NOTE);

    let c = w.client("tn", ProtocolVersion::V14_1);
    w.sim.block_on(c.folder_sync()).unwrap();
    let r = w.sim.block_on(c.sync(&tasks)).unwrap();
    assert_eq!(r.added.len(), 1);
    let t = &r.added[0];
    assert_eq!(t.server_id, task_id);
    assert_eq!(t.subject(), Some("File taxes"));
    assert_eq!(t.body(), Some("Before the deadline"));
    assert_eq!(t.field("Complete"), Some("0"));
    assert_eq!(t.field("UtcDueDate"), Some(DUE));
    assert_eq!(t.field("DueDate"), Some(DUE));
    assert_eq!(t.field("Importance"), Some("2"));
    assert!(t.field("DateCompleted").is_none());
    for name in ["Subject", "Complete", "UtcDueDate", "Importance"] {
        assert_eq!(page_of(t, name), CodePage::Tasks, "{name}");
    }
    assert_eq!(page_of(t, "Body"), CodePage::AirSyncBase);

    let r = w.sim.block_on(c.sync(&notes)).unwrap();
    assert_eq!(r.added.len(), 1);
    let n = &r.added[0];
    assert_eq!(n.subject(), Some("Wi-Fi"));
    assert_eq!(n.body(), Some("guest / hunter2"));
    assert_eq!(n.message_class(), Some("IPM.StickyNote"));
    assert_eq!(n.field("LastModifiedDate"), Some(w.store.item("alice", &note_id).unwrap().last_modified.as_str()));
    assert!(n.field("LastModifiedDate").unwrap().ends_with(".000Z"));
    assert_eq!(n.data.find(&["Categories", "Category"]), Some("Office"));
    for name in ["Subject", "MessageClass", "LastModifiedDate", "Categories"] {
        assert_eq!(page_of(n, name), CodePage::Notes, "{name}");
    }
    assert_eq!(page_of(n, "Body"), CodePage::AirSyncBase);
}

#[test]
fn device_added_note_and_task_land_in_the_store() {
    let w = world(92, EasConfig::default());
    let c = w.client("add", ProtocolVersion::V14_1);
    w.sim.block_on(c.folder_sync()).unwrap();
    let notes = c.folder_id(FolderType::Notes).unwrap();
    let tasks = c.folder_id(FolderType::Tasks).unwrap();
    w.sim.block_on(c.sync(&notes)).unwrap();
    w.sim.block_on(c.sync(&tasks)).unwrap();

    let body = |text: &str| crate::el(AirSyncBase::Body, [leaf(AirSyncBase::Type, "1"), leaf(AirSyncBase::Data, text)]);
    let note_id = w
        .sim
        .block_on(c.add(
            &notes,
            vec![
                leaf(Notes::Subject, "Parking"),
                body("Level 3, spot 42"),
                leaf(Notes::MessageClass, "IPM.StickyNote"),
                crate::el(Notes::Categories, [leaf(Notes::Category, "Car")]),
            ],
        ))
        .unwrap();
    let stored = w.store.item("alice", &note_id).unwrap();
    assert_eq!(stored.class, ItemClass::Notes);
    assert_eq!(stored.subject, "Parking");
    assert_eq!(stored.body, "Level 3, spot 42");
    assert_eq!(stored.message_class, "IPM.StickyNote");
    assert_eq!(stored.categories, ["Car"]);
    assert!(!stored.last_modified.is_empty());
    assert!(note_id.starts_with(&format!("{notes}:")));

    let task_id = w
        .sim
        .block_on(c.add(
            &tasks,
            vec![
                body("Milk, eggs"),
                leaf(Tasks::Subject, "Groceries"),
                leaf(Tasks::UtcDueDate, DUE),
                leaf(Tasks::DueDate, DUE),
                leaf(Tasks::Complete, "0"),
            ],
        ))
        .unwrap();
    let stored = w.store.item("alice", &task_id).unwrap();
    assert_eq!(stored.class, ItemClass::Tasks);
    assert_eq!(stored.message_class, "IPM.Task");
    assert_eq!((stored.subject.as_str(), stored.due.as_str()), ("Groceries", DUE));
    assert!(!stored.complete);

    // The device's own adds do not come back to it.
    let again = w.sim.block_on(c.sync(&notes)).unwrap();
    assert!(again.added.is_empty() && again.changed.is_empty());
}

#[test]
fn a_task_completed_on_the_device_is_complete_in_the_store() {
    let w = world(93, EasConfig::default());
    let task_id = {
        let _inside = w.sim.enter();
        w.store.add_to("alice", FolderType::Tasks, NewItem::task("Call Bob", "", DUE)).unwrap()
    };
    let tasks = w.folder_id("alice", FolderType::Tasks);
    let c = w.client("done", ProtocolVersion::V14_1);
    w.sim.block_on(c.sync(&tasks)).unwrap();
    w.sim
        .block_on(c.change(&tasks, &task_id, vec![leaf(Tasks::Complete, "1"), leaf(Tasks::DateCompleted, "2026-01-06T12:00:00.000Z")]))
        .unwrap();
    let stored = w.store.item("alice", &task_id).unwrap();
    assert!(stored.complete);
    assert_eq!(stored.date_completed, "2026-01-06T12:00:00.000Z");
    assert_eq!(stored.subject, "Call Bob", "untouched properties stay");
    assert_eq!(stored.due, DUE);
    let held = c.items(&tasks);
    assert_eq!(held[0].field("Complete"), Some("1"));
    assert_eq!(held[0].field("Subject"), Some("Call Bob"));

    // Without DateCompleted the server stamps the completion itself.
    w.sim.block_on(c.change(&tasks, &task_id, vec![leaf(Tasks::Complete, "0")])).unwrap();
    assert!(!w.store.item("alice", &task_id).unwrap().complete);
    w.sim.block_on(c.change(&tasks, &task_id, vec![leaf(Tasks::Complete, "1")])).unwrap();
    let stored = w.store.item("alice", &task_id).unwrap();
    assert!(stored.complete && !stored.date_completed.is_empty());

    // A second device sees the completed task, with its completion date.
    let other = w.client("other", ProtocolVersion::V14_1);
    let r = w.sim.block_on(other.sync(&tasks)).unwrap();
    assert_eq!(r.added[0].field("Complete"), Some("1"));
    assert_eq!(r.added[0].field("DateCompleted"), Some(stored.date_completed.as_str()));
}

#[test]
fn notes_sync_before_14_0_is_a_protocol_error() {
    let w = world(94, EasConfig::default());
    {
        let _inside = w.sim.enter();
        w.store.add_to("alice", FolderType::Notes, NewItem::note("n", "b")).unwrap();
        w.store.add_to("alice", FolderType::Tasks, NewItem::task("t", "", "")).unwrap();
    }
    let notes = w.folder_id("alice", FolderType::Notes);
    let tasks = w.folder_id("alice", FolderType::Tasks);
    let old = w.client("old", ProtocolVersion::V12_1);
    assert!(matches!(w.sim.block_on(old.sync(&notes)), Err(EasError::Status { status: 4, .. })));
    assert!(old.sync_key(&notes).is_none(), "not primed");
    // Tasks are as old as ActiveSync: 12.1 syncs them.
    let r = w.sim.block_on(old.sync(&tasks)).unwrap();
    assert_eq!(r.added.len(), 1);
    assert!(r.added[0].field("DueDate").is_none(), "no due date, none sent");
    // 14.0 syncs the same Notes folder.
    let new = w.client("new", ProtocolVersion::V14_0);
    assert_eq!(w.sim.block_on(new.sync(&notes)).unwrap().added.len(), 1);
}
