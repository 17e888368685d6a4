//! The tool-call parser on arbitrary provider responses: every provider format reads the same
//! JSON value, so one input exercises all five shapes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openapi_tools_runtime::calls::parse_tool_calls;
use openapi_tools_runtime::render::Provider;

fuzz_target!(|data: &[u8]| {
    let Ok(response) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for p in Provider::ALL {
        if let Ok(calls) = parse_tool_calls(p, &response) {
            for c in calls {
                let _ = format!("{c:?}");
            }
        }
    }
});
