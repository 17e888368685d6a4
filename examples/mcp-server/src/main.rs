//! Serving a registry over MCP from an application, in a few lines.
//!
//! ```sh
//! cargo run -p example-mcp-server -- [SPEC]     # default: fixtures/registry/petstore-v1.yaml
//! ```
//!
//! Point any MCP client at the command (stdio). The server offers the spec's operations as
//! tools; anything the application installs, removes, rolls back, disables or enables later
//! reaches connected clients as `notifications/tools/list_changed`. With stdin closed (as in
//! CI) it answers nothing and exits 0.

use std::path::PathBuf;

use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_mcp::McpServer;
use openapi_tools_runtime::exec::{Credentials, Executor};
use openapi_tools_runtime::registry::{InstallOptions, Registry};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../fixtures/registry/petstore-v1.yaml")
        },
        PathBuf::from,
    );
    // Spec -> manifest (the one pipeline), problems on stderr.
    // Output schemas on: clients get `outputSchema` and JSON answers as `structuredContent`.
    let options = ModelOptions {
        output_schemas: true,
        ..ModelOptions::default()
    };
    let out = pipeline::manifest_from_file(&spec, &options);
    for d in out.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{d}");
    }
    let manifest = out.manifest.ok_or("the spec has errors")?;

    // Registry -> MCP server -> stdio.
    let registry = Registry::new();
    let report = registry.install_manifest("petstore", manifest, InstallOptions::default())?;
    eprintln!("{report}");
    // Calls go out through the runtime's executor (servers from the spec, credentials from
    // OPENAPI_TOOLS_AUTH_<SCHEME> variables).
    let credentials = registry
        .snapshot()
        .set("petstore")
        .map(|s| Credentials::from_env(s.toolset().manifest()))
        .unwrap_or_default();
    let executor = Executor::builder().credentials(credentials).build();
    let server = McpServer::builder(registry.clone(), executor).build();
    tokio::runtime::Runtime::new()?.block_on(openapi_tools_mcp::serve_stdio(server))?;
    eprintln!("client closed the connection");
    Ok(())
}
