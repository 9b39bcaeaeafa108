//! One device's pushes one after another.
//!
//! Each of Exchange's notifications makes ENS read the inbox and push the unread count. Two
//! notifications close together (two messages arriving) would otherwise run side by side: the
//! first reads a count of 1, the second a count of 2, and over real sockets the two pushes can
//! reach APNs in either order, leaving Boxer's badge at 1 with 2 unread. Taking a device's turn
//! before reading its inbox keeps its pushes in the order of the notifications, so the last
//! push Boxer gets carries the count read last. Other devices are not held up.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OwnedMutexGuard;

/// A queue per device id; a device's entry stays while it has a turn held or waiting.
#[derive(Default)]
pub(crate) struct DeviceQueue {
    turns: Mutex<BTreeMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A device's turn: the next push for it waits until this is dropped.
pub(crate) struct Turn {
    _guard: OwnedMutexGuard<()>,
}

impl DeviceQueue {
    /// Waits for `device_id`'s turn, after every earlier caller for that device (tokio's mutex
    /// is fair: waiters are served in the order they asked).
    pub(crate) async fn turn(&self, device_id: &str) -> Turn {
        let lock = {
            let mut turns = self.turns.lock().unwrap_or_else(|p| p.into_inner());
            // Entries nobody holds or waits for are dropped as new ones are made.
            turns.retain(|_, lock| Arc::strong_count(lock) > 1);
            turns.entry(device_id.to_owned()).or_default().clone()
        };
        Turn { _guard: lock.lock_owned().await }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The first push for a device is slow (its inbox read, or APNs); the second, started
    /// while the first runs, still finishes after it.
    #[tokio::test(start_paused = true)]
    async fn a_devices_second_push_waits_for_its_first() {
        let queue = Arc::new(DeviceQueue::default());
        let done = Arc::new(Mutex::new(Vec::new()));
        let run = |n: u32, took: u64| {
            let (queue, done) = (queue.clone(), done.clone());
            tokio::spawn(async move {
                let _turn = queue.turn("boxer1").await;
                tokio::time::sleep(Duration::from_millis(took)).await;
                done.lock().unwrap().push(n);
            })
        };
        let first = run(1, 500);
        tokio::task::yield_now().await;
        let second = run(2, 10);
        first.await.unwrap();
        second.await.unwrap();
        assert_eq!(*done.lock().unwrap(), vec![1, 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn another_devices_push_does_not_wait() {
        let queue = Arc::new(DeviceQueue::default());
        let _held = queue.turn("boxer1").await;
        tokio::time::timeout(Duration::from_secs(1), queue.turn("boxer2")).await.expect("boxer2's turn is not behind boxer1's");
    }

    #[tokio::test]
    async fn a_device_nobody_waits_for_is_forgotten() {
        let queue = DeviceQueue::default();
        drop(queue.turn("boxer1").await);
        let _t = queue.turn("boxer2").await;
        assert_eq!(queue.turns.lock().unwrap().keys().collect::<Vec<_>>(), vec!["boxer2"]);
    }
}
