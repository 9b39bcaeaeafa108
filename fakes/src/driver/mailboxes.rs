//! Mail in a server's mailboxes: what a sender or the mailbox's owner elsewhere would do.

use super::DriverFuture;
use crate::exchange::ExchangeControl;

/// The mailboxes of a mail server (Exchange, or Traveler's Domino mail files).
pub trait Mailboxes: Send + Sync {
    /// Delivers a message to `mailbox`'s Inbox; returns the new item's id.
    fn deliver<'a>(&'a self, mailbox: &'a str, subject: &'a str) -> DriverFuture<'a, String>;
    /// Marks one message read or unread; returns the Inbox's unread count after.
    fn mark_read<'a>(&'a self, mailbox: &'a str, item_id: &'a str, read: bool) -> DriverFuture<'a, u32>;
    /// Marks the whole Inbox read; returns the unread count after (0).
    fn read_all<'a>(&'a self, mailbox: &'a str) -> DriverFuture<'a, u32>;
    /// The Inbox's unread count, the number a badge must show.
    fn unread<'a>(&'a self, mailbox: &'a str) -> DriverFuture<'a, u32>;
    /// Puts a note in `mailbox`'s Notes folder (what Secure Notes syncs); returns its id.
    fn add_note<'a>(&'a self, mailbox: &'a str, subject: &'a str) -> DriverFuture<'a, String>;
    /// Puts a task in `mailbox`'s Tasks folder (what Secure Tasks syncs); returns its id.
    fn add_task<'a>(&'a self, mailbox: &'a str, subject: &'a str) -> DriverFuture<'a, String>;
}

/// Exchange's fake, in-process or served: its control API.
impl Mailboxes for ExchangeControl {
    fn deliver<'a>(&'a self, mailbox: &'a str, subject: &'a str) -> DriverFuture<'a, String> {
        Box::pin(async move { Ok(ExchangeControl::deliver(self, mailbox, subject).await?.item_id) })
    }

    fn mark_read<'a>(&'a self, mailbox: &'a str, item_id: &'a str, read: bool) -> DriverFuture<'a, u32> {
        Box::pin(async move { Ok(ExchangeControl::mark_read(self, mailbox, item_id, read).await?.unread) })
    }

    fn read_all<'a>(&'a self, mailbox: &'a str) -> DriverFuture<'a, u32> {
        Box::pin(async move { Ok(ExchangeControl::read_all(self, mailbox).await?.unread) })
    }

    fn unread<'a>(&'a self, mailbox: &'a str) -> DriverFuture<'a, u32> {
        Box::pin(async move { Ok(ExchangeControl::inbox(self, mailbox).await?.unread) })
    }

    fn add_note<'a>(&'a self, mailbox: &'a str, subject: &'a str) -> DriverFuture<'a, String> {
        Box::pin(async move { Ok(ExchangeControl::add_note(self, mailbox, subject).await?.server_id) })
    }

    fn add_task<'a>(&'a self, mailbox: &'a str, subject: &'a str) -> DriverFuture<'a, String> {
        Box::pin(async move { Ok(ExchangeControl::add_task(self, mailbox, subject).await?.server_id) })
    }
}
