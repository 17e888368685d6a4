//! The handle a watch returns: dropping it stops the watch.

use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

/// What the watch thread is told.
pub(crate) enum Control {
    /// Stop and return.
    Stop,
    /// Re-read the source now (a file event, or [`WatchHandle::check_now`]).
    Check,
}

/// A running watch of one source. Dropping it (or [`WatchHandle::stop`]) stops the watch and
/// waits for its thread; the tool set stays installed.
#[derive(Debug)]
pub struct WatchHandle {
    control: Sender<Control>,
    thread: Option<JoinHandle<()>>,
}

impl WatchHandle {
    pub(crate) fn new(control: Sender<Control>, thread: JoinHandle<()>) -> Self {
        WatchHandle {
            control,
            thread: Some(thread),
        }
    }

    /// Asks for a re-read now instead of at the next event or poll (e.g. on a webhook).
    pub fn check_now(&self) {
        let _ = self.control.send(Control::Check);
    }

    /// Whether the watch thread still runs.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the watch and waits for its thread (what dropping does).
    pub fn stop(self) {}
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
