//! The execution log: the executor's most recent calls, in a fixed-size ring.
//!
//! Every call the executor finishes (sent, failed or refused) becomes one [`CallRecord`]: tool,
//! tool set and version, call id, the think-augment reason, status, error kind, attempts,
//! bytes each way, duration, the user subject when the front-end knows it. Arguments and
//! answers are recorded as sizes only, unless the operator opts in with
//! [`ExecutionLog::with_contents`]; their text is then cut to [`MAX_CONTENT_BYTES`] and every
//! credential the executor holds is replaced by `***` through the executor's one redaction step.
//!
//! The ring is lock-free: a slot per record, each an [`arc_swap::ArcSwapOption`], and one atomic
//! counter that hands out positions. Writers never wait for each other or for readers; a reader
//! ([`ExecutionLog::recent`]) takes the records that are there. Memory is fixed by the capacity:
//! each slot holds at most one record, every string in a record is bounded, and a record is
//! freed when its slot is written again. (crossbeam's `ArrayQueue` is lock-free too, but can
//! only be read by popping, which would empty the log for the next reader.)
//!
//! ```
//! use openapi_tools_runtime::exec::{CallRecord, ExecutionLog};
//!
//! let log = ExecutionLog::new(2);
//! for tool in ["a", "b", "c"] {
//!     log.push(CallRecord { tool: tool.into(), ..CallRecord::default() });
//! }
//! let tools: Vec<String> = log.recent(10).iter().map(|r| r.tool.clone()).collect();
//! assert_eq!(tools, ["c", "b"]); // newest first; "a" was overwritten
//! assert_eq!(log.total(), 3);
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwapOption;
use serde::Serialize;

use crate::think::clip;

/// Most bytes of an argument or answer text kept when contents are logged.
pub const MAX_CONTENT_BYTES: usize = 4096;

/// Most bytes kept of any other string a record carries (call id, subject, tool and set
/// names, version): the model or the client writes some of them.
pub const MAX_FIELD_BYTES: usize = 256;

/// Records kept by [`ExecutionLog::default`].
pub const DEFAULT_CAPACITY: usize = 1024;

/// Arguments or an answer, as the log keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Payload {
    /// Size in bytes (arguments: their JSON text; answers: the body as received).
    pub bytes: u64,
    /// The text, secrets as `***`, cut to [`MAX_CONTENT_BYTES`]; only when the operator opted
    /// in to contents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One finished call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CallRecord {
    /// Position in the log: 0 for the first call the log saw, counting up.
    pub seq: u64,
    /// When the call finished, in milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// The tool, by the name the model used.
    pub tool: String,
    /// The registry's tool set, when the call came through one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    /// The tool set version: the hash of the spec bytes it was built from.
    pub version: String,
    /// The provider's call id, when the call had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// Why the model called the tool (think-augment), cut to
    /// [`MAX_REASON_BYTES`](crate::think::MAX_REASON_BYTES).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The user the call was made for, when the front-end knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// HTTP method.
    pub method: String,
    /// The HTTP status, when a response came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why the call did not succeed ([`ErrorKind::as_str`](super::ErrorKind::as_str)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    /// Attempts made (0 when refused before sending).
    pub attempts: u32,
    /// The request body size in bytes.
    pub request_bytes: u64,
    /// The arguments.
    pub arguments: Payload,
    /// The answer.
    pub answer: Payload,
    /// Wall time of the whole call, retries included.
    #[serde(serialize_with = "millis")]
    pub duration: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

/// The ring of recent calls (see the module docs). Cheap to share: hand an `Arc` of it to the
/// executor and to whatever reads it.
pub struct ExecutionLog {
    slots: Box<[ArcSwapOption<CallRecord>]>,
    next: AtomicU64,
    contents: bool,
}

impl std::fmt::Debug for ExecutionLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecutionLog")
            .field("capacity", &self.slots.len())
            .field("total", &self.total())
            .field("contents", &self.contents)
            .finish()
    }
}

impl Default for ExecutionLog {
    fn default() -> Self {
        ExecutionLog::new(DEFAULT_CAPACITY)
    }
}

impl ExecutionLog {
    /// A log keeping the last `capacity` calls (at least 1); arguments and answers as sizes.
    pub fn new(capacity: usize) -> Self {
        ExecutionLog {
            slots: (0..capacity.max(1))
                .map(|_| ArcSwapOption::empty())
                .collect(),
            next: AtomicU64::new(0),
            contents: false,
        }
    }

    /// Also keep the text of arguments and answers (secrets redacted, cut to
    /// [`MAX_CONTENT_BYTES`]). Off by default: they can hold personal data.
    pub fn with_contents(mut self, yes: bool) -> Self {
        self.contents = yes;
        self
    }

    /// Whether argument and answer texts are kept.
    pub fn keeps_contents(&self) -> bool {
        self.contents
    }

    /// How many records the ring holds.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Calls recorded since the log was made (older ones are gone beyond the capacity).
    pub fn total(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }

    /// Records a call, replacing the oldest once the ring is full; sets
    /// [`CallRecord::seq`] and bounds every string. Lock-free.
    pub fn push(&self, mut record: CallRecord) {
        bound(&mut record);
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        record.seq = seq;
        let len = self.slots.len() as u64;
        if let Some(slot) = usize::try_from(seq % len)
            .ok()
            .and_then(|i| self.slots.get(i))
        {
            slot.store(Some(Arc::new(record)));
        }
    }

    /// The newest `n` records, newest first.
    pub fn recent(&self, n: usize) -> Vec<Arc<CallRecord>> {
        let mut out: Vec<Arc<CallRecord>> =
            self.slots.iter().filter_map(|s| s.load_full()).collect();
        out.sort_unstable_by_key(|r| std::cmp::Reverse(r.seq));
        out.truncate(n);
        out
    }

    /// The newest `n` records for tool `tool` (the name the model used), newest first.
    pub fn recent_for(&self, tool: &str, n: usize) -> Vec<Arc<CallRecord>> {
        let mut out = self.recent(usize::MAX);
        out.retain(|r| r.tool == tool);
        out.truncate(n);
        out
    }
}

/// Cuts every string of `record` to its bound.
fn bound(r: &mut CallRecord) {
    // A cut string gives its spare capacity back: the record must not hold the original.
    let cut = |s: &mut String, max: usize| {
        if s.len() > max {
            let keep = clip(s, max).len();
            s.truncate(keep);
            s.shrink_to_fit();
        }
    };
    for s in [&mut r.tool, &mut r.version, &mut r.method] {
        cut(s, MAX_FIELD_BYTES);
    }
    for s in [&mut r.set, &mut r.call_id, &mut r.subject]
        .into_iter()
        .flatten()
    {
        cut(s, MAX_FIELD_BYTES);
    }
    if let Some(s) = &mut r.reason {
        cut(s, crate::think::MAX_REASON_BYTES);
    }
    for s in [&mut r.arguments.text, &mut r.answer.text]
        .into_iter()
        .flatten()
    {
        cut(s, MAX_CONTENT_BYTES);
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(tool: &str) -> CallRecord {
        CallRecord {
            tool: tool.into(),
            ..CallRecord::default()
        }
    }

    #[test]
    fn keeps_the_newest_records_up_to_the_capacity() {
        let log = ExecutionLog::new(3);
        assert!(log.recent(5).is_empty());
        for i in 0..10 {
            log.push(record(&format!("t{i}")));
        }
        let seqs: Vec<u64> = log.recent(5).iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [9, 8, 7]);
        assert_eq!(log.recent(1)[0].tool, "t9");
        assert_eq!(log.total(), 10);
        assert_eq!(log.recent_for("t8", 5).len(), 1);
        assert!(log.recent_for("t1", 5).is_empty());
    }

    #[test]
    fn every_string_is_bounded() {
        let log = ExecutionLog::new(1).with_contents(true);
        let long = "é".repeat(10_000);
        log.push(CallRecord {
            tool: long.clone(),
            call_id: Some(long.clone()),
            reason: Some(long.clone()),
            arguments: Payload {
                bytes: 20_000,
                text: Some(long.clone()),
            },
            ..CallRecord::default()
        });
        let r = &log.recent(1)[0];
        assert!(r.tool.len() <= MAX_FIELD_BYTES && r.tool.starts_with('é'));
        assert!(r.call_id.as_ref().unwrap().len() <= MAX_FIELD_BYTES);
        assert!(r.reason.as_ref().unwrap().len() <= crate::think::MAX_REASON_BYTES);
        assert!(r.arguments.text.as_ref().unwrap().len() <= MAX_CONTENT_BYTES);
        assert_eq!(r.arguments.bytes, 20_000);
    }

    #[test]
    fn concurrent_writers_lose_no_position() {
        let log = Arc::new(ExecutionLog::new(64));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let log = Arc::clone(&log);
                std::thread::spawn(move || {
                    for i in 0..1000 {
                        log.push(record(&format!("{t}-{i}")));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(log.total(), 4000);
        let recent = log.recent(64);
        assert_eq!(recent.len(), 64);
        // Newest first, no position handed out twice.
        assert!(recent.windows(2).all(|w| w[0].seq > w[1].seq));
    }

    #[test]
    fn serialises_without_empty_fields() {
        let log = ExecutionLog::new(1);
        log.push(CallRecord {
            tool: "get_pet".into(),
            status: Some(200),
            duration: Duration::from_millis(12),
            ..CallRecord::default()
        });
        let v = serde_json::to_value(&*log.recent(1)[0]).unwrap();
        assert_eq!(v["status"], 200);
        assert_eq!(v["duration"], 12.0);
        assert!(v.get("reason").is_none() && v["arguments"].get("text").is_none());
    }
}
