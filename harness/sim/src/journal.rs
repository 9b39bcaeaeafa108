//! Bounded journals: what a fake records of the traffic it saw (EWS requests, ActiveSync
//! requests, provider pushes, deliveries, events), kept as a ring so a fake served for hours
//! under load holds a fixed amount of memory.
//!
//! A [`Journal`] keeps the newest `capacity` entries, numbers every entry it is given with a
//! sequence number (1, 2, 3, ... for the life of the fake) and counts the entries it dropped to
//! make room. Control APIs answer reads one [`Page`] at a time (`?after=<seq>&limit=<n>`,
//! [`PageQuery`]): a client that polls with the `next` of its previous page reads every entry
//! once, and `skipped` tells it how many fell out of the ring before it read them.
//!
//! The journal is plain data: the fake keeps it under the lock that guards the rest of its
//! state, so recording an entry costs no second lock.

use crate::contract::Body;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Entries a journal keeps when its fake is not told otherwise: 10,000 entries of a few
/// hundred bytes each, a few MB per journal, enough for every scenario of the suite (the
/// largest records a few hundred) and for minutes of a load run.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Entries a page holds when the query does not say.
pub const DEFAULT_PAGE: usize = 1_000;

/// The most entries one page holds, whatever the query asks: one answer stays a few MB.
pub const MAX_PAGE: usize = 10_000;

/// The newest entries of a fake's record, numbered, with a count of those dropped.
#[derive(Clone, Debug)]
pub struct Journal<T> {
    entries: VecDeque<T>,
    capacity: usize,
    /// Sequence number of the newest entry; 0 before the first.
    last_seq: u64,
    dropped: u64,
}

impl<T> Default for Journal<T> {
    fn default() -> Self {
        Journal::new(DEFAULT_CAPACITY)
    }
}

impl<T> Journal<T> {
    /// A journal keeping the newest `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        // Grown as entries come: a journal that is never used costs nothing, and the ring
        // stops growing at `capacity` instead of doubling past it.
        Journal { entries: VecDeque::new(), capacity, last_seq: 0, dropped: 0 }
    }

    /// An empty journal whose first entry will be number `last_seq + 1`: the record of a fake
    /// restarted on its kept state, whose readers hold sequence numbers of before.
    pub fn continuing(capacity: usize, last_seq: u64) -> Self {
        Journal { last_seq, ..Journal::new(capacity) }
    }

    /// Records `entry` and answers its sequence number; the oldest entry goes when the ring
    /// is full.
    pub fn push(&mut self, entry: T) -> u64 {
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(entry);
        self.last_seq += 1;
        self.last_seq
    }

    /// The entries held, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.entries.iter()
    }

    /// The newest entry.
    pub fn last(&self) -> Option<&T> {
        self.entries.back()
    }

    /// The newest entry, to complete it after it was recorded.
    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.entries.back_mut()
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held (nothing recorded yet).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many entries it holds at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Entries dropped to make room since the fake started.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Sequence number of the newest entry (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Sequence number of the oldest entry held (`last_seq + 1` when empty).
    pub fn first_seq(&self) -> u64 {
        self.last_seq + 1 - self.entries.len() as u64
    }

    /// The entries held whose sequence number is above `after`, oldest first.
    pub fn since(&self, after: u64) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        let skip = after.saturating_add(1).saturating_sub(self.first_seq()).min(self.entries.len() as u64) as usize;
        self.entries.range(skip..)
    }
}

impl<T: Clone> Journal<T> {
    /// The entries held, oldest first, as a vector.
    pub fn to_vec(&self) -> Vec<T> {
        self.entries.iter().cloned().collect()
    }

    /// The entries after `query.after`, at most `query.limit` of them (capped at
    /// [`MAX_PAGE`]), oldest first.
    pub fn page(&self, query: &PageQuery) -> Page<T> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        let first_held = self.first_seq();
        let start = query.after.saturating_add(1).max(first_held);
        let skipped = start.saturating_sub(query.after.saturating_add(1)).min(self.dropped);
        let skip = (start - first_held) as usize;
        let entries: Vec<T> = self.entries.iter().skip(skip).take(limit).cloned().collect();
        let next = if entries.is_empty() { query.after.min(self.last_seq) } else { start + entries.len() as u64 - 1 };
        Page { first: start, next, more: next < self.last_seq, skipped, dropped: self.dropped, capacity: self.capacity, entries }
    }
}

/// Which part of a journal a control read asks for: the query string `after=<seq>&limit=<n>`,
/// both optional.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuery {
    /// Entries with a sequence number above this one; 0 (the default) from the oldest held.
    #[serde(default)]
    pub after: u64,
    /// At most this many entries ([`DEFAULT_PAGE`] when not given, never more than
    /// [`MAX_PAGE`]).
    #[serde(default = "default_limit")]
    pub limit: usize,
}

fn default_limit() -> usize {
    DEFAULT_PAGE
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery { after: 0, limit: DEFAULT_PAGE }
    }
}

/// A page query whose `after` or `limit` is not a whole number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}={value:?} is not a whole number (`after` is a sequence number, `limit` a count)")]
pub struct BadPageQuery {
    /// The parameter (`after` or `limit`).
    pub name: &'static str,
    /// What the request gave.
    pub value: String,
}

impl PageQuery {
    /// Reads `after` and `limit` from a request's query string (other parameters are
    /// ignored); a value that is not a number is an error naming it.
    pub fn parse(query: Option<&str>) -> Result<PageQuery, BadPageQuery> {
        let mut q = PageQuery::default();
        for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "after" => q.after = value.parse().map_err(|_| BadPageQuery { name: "after", value: value.to_string() })?,
                "limit" => q.limit = value.parse().map_err(|_| BadPageQuery { name: "limit", value: value.to_string() })?,
                _ => {}
            }
        }
        Ok(q)
    }

    /// The query string of this query, for a client.
    pub fn to_query(&self) -> String {
        format!("after={}&limit={}", self.after, self.limit)
    }
}

/// One page of a journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// Sequence number of the first entry of `entries`; the others follow without gaps.
    pub first: u64,
    /// The `after` of the next read: the last entry's sequence number (the query's `after`,
    /// or the newest sequence number when that is lower, if the page is empty).
    pub next: u64,
    /// Whether entries newer than `next` are held already.
    pub more: bool,
    /// Entries after the query's `after` that had been dropped from the ring before this read.
    pub skipped: u64,
    /// Entries dropped since the fake started.
    pub dropped: u64,
    /// How many entries the journal keeps.
    pub capacity: usize,
    /// The entries, oldest first.
    pub entries: Vec<T>,
}

impl<T: Body> Body for Page<T> {
    fn example() -> Self {
        Page { first: 41, next: 41, more: true, skipped: 0, dropped: 30, capacity: DEFAULT_CAPACITY, entries: vec![T::example()] }
    }
}

impl Body for PageQuery {
    fn example() -> Self {
        PageQuery { after: 40, limit: 100 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_continuing_journal_numbers_on_from_where_it_was() {
        let mut j = Journal::continuing(4, 7);
        assert_eq!((j.last_seq(), j.first_seq(), j.len()), (7, 8, 0));
        assert_eq!(j.push("a"), 8);
        assert_eq!(j.since(7).copied().collect::<Vec<_>>(), ["a"]);
        assert_eq!(j.since(3).count(), 1);
    }

    fn journal(capacity: usize, n: u32) -> Journal<u32> {
        let mut j = Journal::new(capacity);
        for i in 1..=n {
            assert_eq!(j.push(i), u64::from(i));
        }
        j
    }

    #[test]
    fn a_full_ring_drops_the_oldest_and_counts_it() {
        let j = journal(3, 5);
        assert_eq!(j.to_vec(), vec![3, 4, 5]);
        assert_eq!((j.len(), j.dropped(), j.last_seq()), (3, 2, 5));
    }

    #[test]
    fn pages_follow_one_another_without_gaps_or_repeats() {
        let j = journal(100, 25);
        let mut seen = Vec::new();
        let mut q = PageQuery { after: 0, limit: 10 };
        loop {
            let p = j.page(&q);
            assert_eq!(p.skipped, 0);
            seen.extend(p.entries.iter().copied());
            q.after = p.next;
            if !p.more {
                break;
            }
        }
        assert_eq!(seen, (1..=25).collect::<Vec<_>>());
        let empty = j.page(&q);
        assert!(empty.entries.is_empty() && !empty.more && empty.next == 25);
    }

    #[test]
    fn a_reader_left_behind_is_told_how_much_it_missed() {
        let j = journal(10, 30);
        let p = j.page(&PageQuery { after: 5, limit: 4 });
        assert_eq!((p.first, p.entries.clone(), p.skipped, p.dropped, p.more), (21, vec![21, 22, 23, 24], 15, 20, true));
        let p = j.page(&PageQuery { after: 0, limit: 1 });
        assert_eq!((p.first, p.skipped), (21, 20));
    }

    #[test]
    fn since_reads_what_follows_a_sequence_number() {
        let j = journal(4, 10);
        assert_eq!(j.since(8).copied().collect::<Vec<_>>(), vec![9, 10]);
        assert_eq!(j.since(0).copied().collect::<Vec<_>>(), vec![7, 8, 9, 10]);
        assert_eq!(j.since(10).count(), 0);
        assert_eq!(j.since(99).count(), 0);
    }

    #[test]
    fn the_query_string_is_read_and_bad_values_are_named() {
        assert_eq!(PageQuery::parse(Some("after=7&limit=3&x=1")).unwrap(), PageQuery { after: 7, limit: 3 });
        assert_eq!(PageQuery::parse(None).unwrap(), PageQuery::default());
        assert_eq!(PageQuery::parse(Some("after=-1")).unwrap_err().name, "after");
        let j = journal(5, 5);
        assert_eq!(j.page(&PageQuery { after: 0, limit: 1_000_000 }).entries.len(), 5);
        assert_eq!(j.page(&PageQuery { after: 99, limit: 0 }).next, 5);
    }
}
