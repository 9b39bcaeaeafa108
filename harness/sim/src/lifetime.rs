//! How long a fake, or one of its connections, lives: until its role restarts.
//!
//! A restarted process keeps nothing of what ran in it: its timers, its outgoing deliveries,
//! its open connections all end at once. In the simulation a fake's tasks run on the
//! scenario's runtime, so they are tied to a [`Lifetime`] instead: the fake starts them with
//! [`Lifetime::spawn`], and when its role restarts the lifetime ends and every one of them is
//! dropped where it stands (a request half sent is cut, as the process's death would cut it).

use std::future::Future;
use std::sync::Arc;
use tokio::sync::watch;

/// One fake's (or one host server's) life. Clones share it; [`Lifetime::end`] ends it for all.
#[derive(Clone, Debug)]
pub struct Lifetime {
    ended: Arc<watch::Sender<bool>>,
}

impl Default for Lifetime {
    fn default() -> Self {
        Lifetime { ended: Arc::new(watch::Sender::new(false)) }
    }
}

impl Lifetime {
    /// Runs `task` on the current runtime until it finishes or this lifetime ends, whichever
    /// comes first.
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let ended = self.ended();
        tokio::spawn(async move {
            tokio::select! {
                _ = task => {}
                _ = ended => {}
            }
        });
    }

    /// Ends this lifetime: every task spawned through it is dropped at its next wake-up.
    pub fn end(&self) {
        self.ended.send_replace(true);
    }

    /// Whether [`Self::end`] was called.
    pub fn has_ended(&self) -> bool {
        *self.ended.borrow()
    }

    /// Resolves once the lifetime has ended.
    pub fn ended(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.ended.subscribe();
        async move {
            // The sender lives in `self`'s clones; if all are gone nobody can end it any more.
            if rx.wait_for(|e| *e).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    #[test]
    fn ending_a_lifetime_drops_its_tasks_and_only_its_own() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        rt.block_on(async {
            let ticks = Arc::new(AtomicU32::new(0));
            let (old, other) = (Lifetime::default(), Lifetime::default());
            for life in [&old, &other] {
                let ticks = ticks.clone();
                life.spawn(async move {
                    loop {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        ticks.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
            tokio::time::sleep(Duration::from_secs(61)).await;
            assert_eq!(ticks.load(Ordering::SeqCst), 2);
            old.end();
            assert!(old.has_ended() && !other.has_ended());
            tokio::time::sleep(Duration::from_secs(120)).await;
            assert_eq!(ticks.load(Ordering::SeqCst), 4, "only the task of the lifetime still running ticked");
        });
    }
}
