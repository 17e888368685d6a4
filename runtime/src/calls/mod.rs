//! Tool calls in each provider's format: parsing responses, building result messages.
