//! Change listeners: callbacks and channels, notified in the order changes are committed.
//!
//! Notification happens while the writer lock is held (so events arrive in commit order), with
//! the listener list copied out of its own lock (so a callback may add or remove listeners). A
//! callback that tries to change the registry would wait on the writer lock it is called under;
//! a thread-local flag turns that deadlock into [`RegistryError::Reentrant`].

use std::cell::Cell;
use std::sync::{Arc, Mutex, PoisonError, mpsc};

use super::error::RegistryError;
use super::report::ChangeEvent;

/// Identifies a callback registered with `Registry::on_change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListenerId(u64);

type Callback = Arc<dyn Fn(&ChangeEvent) + Send + Sync>;

struct Inner {
    next: u64,
    callbacks: Vec<(ListenerId, Callback)>,
    channels: Vec<mpsc::Sender<ChangeEvent>>,
}

pub(crate) struct Listeners {
    inner: Mutex<Inner>,
}

thread_local! {
    static NOTIFYING: Cell<u32> = const { Cell::new(0) };
}

/// Fails when called from inside a change listener.
pub(crate) fn check_not_in_listener() -> Result<(), RegistryError> {
    if NOTIFYING.with(Cell::get) > 0 {
        Err(RegistryError::Reentrant)
    } else {
        Ok(())
    }
}

/// Marks the current thread as notifying until dropped (also on unwind).
struct Notifying;

impl Notifying {
    fn enter() -> Self {
        NOTIFYING.with(|n| n.set(n.get() + 1));
        Notifying
    }
}

impl Drop for Notifying {
    fn drop(&mut self) {
        NOTIFYING.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

impl Listeners {
    pub(crate) fn new() -> Self {
        Listeners {
            inner: Mutex::new(Inner {
                next: 1,
                callbacks: Vec::new(),
                channels: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn add_callback(&self, f: Callback) -> ListenerId {
        let mut inner = self.lock();
        let id = ListenerId(inner.next);
        inner.next += 1;
        inner.callbacks.push((id, f));
        id
    }

    pub(crate) fn add_channel(&self) -> mpsc::Receiver<ChangeEvent> {
        let (tx, rx) = mpsc::channel();
        self.lock().channels.push(tx);
        rx
    }

    pub(crate) fn remove(&self, id: ListenerId) -> bool {
        let mut inner = self.lock();
        let before = inner.callbacks.len();
        inner.callbacks.retain(|(i, _)| *i != id);
        inner.callbacks.len() != before
    }

    /// Delivers `event` to every callback, then every channel; channels whose receiver is gone
    /// are dropped.
    pub(crate) fn notify(&self, event: &ChangeEvent) {
        let callbacks: Vec<Callback> = self
            .lock()
            .callbacks
            .iter()
            .map(|(_, f)| Arc::clone(f))
            .collect();
        {
            let _guard = Notifying::enter();
            for f in callbacks {
                f(event);
            }
        }
        self.lock()
            .channels
            .retain(|tx| tx.send(event.clone()).is_ok());
    }
}
