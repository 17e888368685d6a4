//! Seam to the crate's breaking-change analysis and renderers: the default registry.
//!
//! [`DefaultRegistry`] is `Registry<CrateDiffer>`: reports carry [`crate::diff::ChangeReport`].

mod wiring {
    use std::sync::Arc;

    use crate::manifest::Manifest;
    use crate::registry::{Differ, Registry, RegistryConfig};
    use crate::toolset::seams::{CrateBackend, CrateRenderer};

    /// The crate's breaking-change analysis ([`crate::diff::diff`]).
    #[derive(Debug, Clone, Copy, Default)]
    pub struct CrateDiffer;

    impl Differ for CrateDiffer {
        type Report = crate::diff::ChangeReport;
        fn diff(&self, old: &Manifest, new: &Manifest) -> Self::Report {
            crate::diff::diff(old, new)
        }
        fn is_breaking(&self, report: &Self::Report) -> bool {
            report.breaking
        }
    }

    /// The registry with the crate's diff, renderers, validator and request builder.
    pub type DefaultRegistry = Registry<CrateDiffer>;

    impl Registry<CrateDiffer> {
        /// A registry with default settings (10 versions kept, breaking installs allowed).
        pub fn new() -> Self {
            Self::with_config(RegistryConfig::default())
        }

        /// A registry with the given settings.
        pub fn with_config(config: RegistryConfig) -> Self {
            Self::with_parts(
                CrateDiffer,
                Arc::new(CrateRenderer::default()),
                Arc::new(CrateBackend),
                config,
            )
        }
    }

    impl Default for Registry<CrateDiffer> {
        fn default() -> Self {
            Self::new()
        }
    }
}
pub use wiring::{CrateDiffer, DefaultRegistry};
