//! The execution log as an MCP resource (opt-in: [`McpServerBuilder::execution_log`]).
//!
//! One resource, [`URI`], read as JSON: `{"capacity", "total", "calls": [...]}` with the
//! newest [`MAX_RECORDS`] records first, in the shape of
//! [`CallRecord`](openapi_tools_runtime::exec::CallRecord) (sizes of arguments and answers;
//! their text only when the log keeps contents, secrets redacted). A server offers it only when
//! the operator hands it a log: clients then see what every caller of this server did.
//!
//! [`McpServerBuilder::execution_log`]: crate::server::McpServerBuilder::execution_log

use openapi_tools_runtime::exec::ExecutionLog;
use rmcp::model::{ErrorData, ReadResourceResult, Resource, ResourceContents};
use serde_json::json;

/// The resource's URI.
pub const URI: &str = "openapi-tools://execution-log";

/// Most records one read returns.
pub const MAX_RECORDS: usize = 200;

/// The resource as `resources/list` shows it.
pub(crate) fn resource() -> Resource {
    Resource::new(URI, "execution-log")
        .with_title("Recent tool calls")
        .with_description(
            "The most recent tool calls of this server, newest first: tool, version, call id, \
             reason, status, error kind, attempts, bytes, duration.",
        )
        .with_mime_type("application/json")
}

/// `resources/read` of `uri`.
pub(crate) fn read(log: &ExecutionLog, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    if uri != URI {
        return Err(ErrorData::resource_not_found(
            format!("no resource `{uri}`; this server offers `{URI}`"),
            None,
        ));
    }
    let calls: Vec<_> = log.recent(MAX_RECORDS);
    let calls: Vec<&openapi_tools_runtime::exec::CallRecord> = calls.iter().map(|r| &**r).collect();
    let body = json!({
        "capacity": log.capacity(),
        "total": log.total(),
        "calls": calls,
    });
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(body.to_string(), URI).with_mime_type("application/json"),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapi_tools_runtime::exec::CallRecord;

    #[test]
    fn reads_the_newest_records_as_json_and_refuses_other_uris() {
        let log = ExecutionLog::new(4);
        for tool in ["a", "b"] {
            log.push(CallRecord {
                tool: tool.into(),
                reason: Some(format!("why {tool}")),
                ..CallRecord::default()
            });
        }
        let read = read(&log, URI).unwrap();
        let ResourceContents::TextResourceContents {
            text, mime_type, ..
        } = &read.contents[0]
        else {
            panic!("{read:?}")
        };
        assert_eq!(mime_type.as_deref(), Some("application/json"));
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            (v["capacity"].as_u64(), v["total"].as_u64()),
            (Some(4), Some(2))
        );
        assert_eq!(v["calls"][0]["tool"], "b");
        assert_eq!(v["calls"][1]["reason"], "why a");
        assert!(super::read(&log, "openapi-tools://other").is_err());
    }
}
