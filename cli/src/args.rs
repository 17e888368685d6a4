//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turn OpenAPI 3.0 / 3.1 documents into LLM tools.
#[derive(Debug, Parser)]
#[command(name = "openapi-tools", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print provider tool schemas as JSON (an array for one provider, an object for `all`).
    Schemas {
        /// The OpenAPI document (YAML or JSON).
        spec: PathBuf,
        /// Which provider's shape to print.
        #[arg(long, value_enum, default_value_t = ProviderArg::All)]
        provider: ProviderArg,
        /// Render Anthropic tools in strict mode (only the strict subset of JSON Schema).
        #[arg(long)]
        anthropic_strict: bool,
        #[command(flatten)]
        think: ThinkArgs,
        #[command(flatten)]
        select: Selection,
    },
    /// List every problem and warning of a document; exit 1 when there are errors.
    Check {
        /// The OpenAPI document (YAML or JSON).
        spec: PathBuf,
        #[command(flatten)]
        select: Selection,
    },
    /// Print the manifest (the tool set description the registry installs and diffs) as JSON.
    Manifest {
        /// The OpenAPI document (YAML or JSON).
        spec: PathBuf,
        #[command(flatten)]
        select: Selection,
    },
    /// Print the Rust code of the tool set: exactly what build.rs (`openapi_tools_build::Builder`)
    /// writes to `OUT_DIR`.
    Generate {
        /// The OpenAPI document (YAML or JSON).
        spec: PathBuf,
        /// Write the code to this file (only when generation succeeds) instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        select: Selection,
        /// Name the tool of an operation (operationId or `"METHOD /path"`): `--rename listPets=pets_list`
        /// (repeatable).
        #[arg(long = "rename", value_name = "OP=NAME")]
        renames: Vec<String>,
        /// Path of the runtime crate in the generated code.
        #[arg(long, value_name = "PATH", default_value = "::openapi_tools::runtime")]
        runtime: String,
        /// Wrap the generated items in `pub mod NAME`.
        #[arg(long, value_name = "NAME")]
        module: Option<String>,
        /// Name of the generated tool-set struct.
        #[arg(long, value_name = "NAME", default_value = "Tools")]
        toolset: String,
        /// Compare with (and update) this lock file, as build.rs and the macro do.
        #[arg(long, value_name = "FILE")]
        lock_file: Option<PathBuf>,
        /// With --lock-file: fail, and keep the lock file, on breaking changes.
        #[arg(long, requires = "lock_file")]
        deny_breaking: bool,
    },
    /// Call one tool against the real API: `call SPEC TOOL --args JSON|@FILE`.
    Call(crate::call::CallArgs),
    /// Compare two versions of an API from a tool caller's point of view.
    Diff {
        /// The old version: an OpenAPI document or a manifest JSON (`openapi-tools manifest`).
        old: PathBuf,
        /// The new version: an OpenAPI document or a manifest JSON.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 1 when any change breaks callers.
        #[arg(long)]
        fail_on_breaking: bool,
        #[command(flatten)]
        select: Selection,
    },
    /// Find the tools that fit a task: one ranked list per query (text, or one JSON array per
    /// query per line).
    Search(crate::search::SearchArgs),
    /// Serve the tools over MCP (stdio or Streamable HTTP), telling clients when they change.
    Serve(crate::serve::ServeArgs),
    /// The versions a store keeps (oldest first; `*` marks the live ones), with who and why.
    History(crate::operate::HistoryArgs),
    /// Install a stored version of a tool set again (default: the one live before).
    Rollback(crate::operate::RollbackArgs),
    /// Switch a tool off in every server following the store.
    Disable(crate::operate::ToggleArgs),
    /// Switch a tool back on in every server following the store.
    Enable(crate::operate::ToggleArgs),
    /// Publish a spec as the new version of a tool set in a store (load, gates and
    /// breaking-change policy as a reload).
    Publish(crate::operate::PublishArgs),
    /// Pin a tool set at its live version: publishes and reloads are refused until `unpin`.
    Pin(crate::operate::PinArgs),
    /// Remove a tool set's pin.
    Unpin(crate::operate::PinArgs),
}

/// Think-augment: which tools gain the optional `toolcall_reason` property.
#[derive(Debug, Clone, Default, Args)]
pub struct ThinkArgs {
    /// Add an optional `toolcall_reason` string to every tool's input (or only to the tools
    /// listed: `--think-augment=list_pets,get_pet`), in which the model says why it calls the
    /// tool; recorded in traces and the execution log, never sent to the API.
    #[arg(long, value_name = "TOOL", num_args = 0.., value_delimiter = ',', require_equals = true)]
    pub think_augment: Option<Vec<String>>,
}

impl ThinkArgs {
    /// The think-augment choice these flags make.
    pub fn augment(&self) -> openapi_tools_runtime::think::ThinkAugment {
        use openapi_tools_runtime::think::ThinkAugment;
        match &self.think_augment {
            None => ThinkAugment::none(),
            Some(tools) if tools.is_empty() => ThinkAugment::all(),
            Some(tools) => tools
                .iter()
                .fold(ThinkAugment::none(), |t, name| t.tool(name.trim(), true)),
        }
    }
}

/// Which operations become tools and how they are named.
#[derive(Debug, Clone, Default, Args)]
pub struct Selection {
    /// Keep only operations with this tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Drop operations with this tag (repeatable).
    #[arg(long = "exclude-tag", value_name = "TAG")]
    pub exclude_tags: Vec<String>,
    /// Keep only these operations (operationId or tool name; repeatable).
    #[arg(long = "operation", value_name = "ID")]
    pub operations: Vec<String>,
    /// Drop these operations (operationId or tool name; repeatable).
    #[arg(long = "exclude-operation", value_name = "ID")]
    pub exclude_operations: Vec<String>,
    /// Keep only these path templates (a trailing `*` matches a prefix; repeatable).
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
    /// Drop these path templates (a trailing `*` matches a prefix; repeatable).
    #[arg(long = "exclude-path", value_name = "PATH")]
    pub exclude_paths: Vec<String>,
    /// Prefix every tool name with this namespace.
    #[arg(long)]
    pub namespace: Option<String>,
    /// Most schema nodes one tool's schema may carry; deeper definitions become loose values
    /// naming their component (default 2000; 0 = no limit). Gemini's inlined declarations
    /// stay within it too.
    #[arg(long, value_name = "N")]
    pub max_schema_nodes: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    OpenaiChat,
    OpenaiResponses,
    Anthropic,
    Gemini,
    Mcp,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}
