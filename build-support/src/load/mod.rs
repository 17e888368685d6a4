//! Loading a spec: bytes -> JSON value with a source map, external refs bundled, openapiv3 model.
