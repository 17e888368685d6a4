//! The registry: installs and atomically swaps tool sets, keeps history, reports changes.
