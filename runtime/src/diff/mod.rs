//! Change and breaking-change reports between two manifests.
