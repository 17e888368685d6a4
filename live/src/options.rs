//! What every live source shares: install policy and namespace, gates, load limits, model
//! options, and the debounce of file events.

use std::sync::Arc;
use std::time::Duration;

use openapi_tools_build::load::LoadLimits;
use openapi_tools_build::model::ModelOptions;
use openapi_tools_runtime::registry::{InstallOptions, InstallPolicy};

use crate::gates::{Gate, GateInput, OriginGate};

/// How a source turns a new version into an install. Cheap to clone (gates are shared).
#[derive(Clone, Default)]
pub struct LiveOptions {
    /// Breaking-change policy and namespace of every install (`None`s: the registry's default
    /// policy, the set's current namespace).
    pub install: InstallOptions,
    /// Application gates, run in order on every version that loaded without errors.
    pub gates: Vec<Gate>,
    /// The default gate binding credentials to the origins approved at start
    /// ([`credential_origins`](crate::gates::credential_origins)); runs before `gates`.
    pub origin_gate: OriginGate,
    /// Where `$ref`s may point and how much may be read.
    pub limits: LoadLimits,
    /// Which operations become tools and how.
    pub model: ModelOptions,
    /// Quiet time after the last file event before a reload (default 100 ms), so an editor's
    /// write-temp-then-rename or a `git checkout` of several files becomes one reload.
    pub debounce: Option<Duration>,
}

impl std::fmt::Debug for LiveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveOptions")
            .field("install", &self.install)
            .field("gates", &self.gates.len())
            .field("origin_gate", &self.origin_gate)
            .field("limits", &self.limits)
            .field("debounce", &self.debounce)
            .finish_non_exhaustive()
    }
}

/// Debounce when none is set.
pub(crate) const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(100);

impl LiveOptions {
    /// Sets the breaking-change policy ([`InstallOptions::policy`]).
    pub fn policy(mut self, policy: InstallPolicy) -> Self {
        self.install = self.install.policy(policy);
        self
    }
    /// Sets the namespace ([`InstallOptions::namespace`]).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.install = self.install.namespace(namespace);
        self
    }
    /// Adds a gate: `Err(reason)` refuses the version.
    pub fn gate<F>(mut self, gate: F) -> Self
    where
        F: Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync + 'static,
    {
        self.gates.push(Arc::new(gate));
        self
    }
    /// Replaces the default credential-origin gate: [`OriginGate::allow`] for an explicit
    /// allow-list, [`OriginGate::off`] to trust every version's servers and token URLs.
    pub fn origin_gate(mut self, gate: OriginGate) -> Self {
        self.origin_gate = gate;
        self
    }
    /// Sets the load limits.
    pub fn limits(mut self, limits: LoadLimits) -> Self {
        self.limits = limits;
        self
    }
    /// Sets the model options.
    pub fn model(mut self, model: ModelOptions) -> Self {
        self.model = model;
        self
    }
    /// Sets the debounce of file events.
    pub fn debounce(mut self, quiet: Duration) -> Self {
        self.debounce = Some(quiet);
        self
    }
}
