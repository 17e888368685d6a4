//! OpenAPI 3.1 -> 3.0 normalisation of a JSON document, before openapiv3 reads it.
