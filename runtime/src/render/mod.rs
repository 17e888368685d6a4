//! Provider renderers: canonical JSON Schema -> each provider's tool shape.
