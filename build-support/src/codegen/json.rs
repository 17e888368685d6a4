//! Conversions between generated types and `serde_json::Value`, instead of serde derives.
//!
//! Compile time is the limit on big specs (GitHub: 1,400 structs, 300 enums). A derived
//! `Deserialize` is a field enum, a field visitor, a map visitor and a sequence visitor per type,
//! all generic over the deserializer, so each one is compiled again for every deserializer the
//! code uses (text and `Value`); a derived `Serialize` is generic too. Tool arguments are small
//! and are parsed into a `serde_json::Value` anyway when they fail the fast path, so the
//! generated code converts through `Value` only:
//! - `__FromJson::__from_json(&Value) -> Option<Self>`: one plain (non-generic) function per
//!   type, a line per field; `None` sends the call to the runtime validator (the slow path),
//!   exactly as a failed deserialisation did.
//! - `__ToJson::__to_json(&self) -> Value`: the request mapping's input.
//! - `Deserialize` and `Serialize` are still implemented (for users who embed the types in their
//!   own serde types), each forwarding to the two functions through one generic helper that is
//!   compiled only if it is used.
//!
//! The semantics are serde's for the attributes the derives had: optional fields accept absence
//! and `null` (`None`); optional nullable fields keep an explicit `null` (`Some(None)`); required
//! nullable fields must be present; `additionalProperties: false` rejects unknown keys; a
//! flattened `extra` map collects the undeclared ones; unions take the first member that
//! converts; absent optional fields are not serialised.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::Paths;
use super::emit::Emitter;
use super::ir::{Body, FieldMode, TypeId};
use super::names::to_ident;

/// The traits, their impls for the types generated code uses, and the serde forwarding helpers;
/// once per tool set.
pub fn shared(paths: &Paths) -> TokenStream {
    let Paths { serde, json, .. } = paths;
    quote! {
        /// Conversion from a JSON value (`None`: the value does not fit the type).
        #[doc(hidden)]
        pub trait __FromJson: Sized {
            #[doc(hidden)]
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self>;
        }

        /// Conversion to a JSON value (what the request is built from).
        #[doc(hidden)]
        pub trait __ToJson {
            #[doc(hidden)]
            fn __to_json(&self) -> #json::Value;
        }

        impl __FromJson for bool {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                v.as_bool()
            }
        }
        impl __ToJson for bool {
            fn __to_json(&self) -> #json::Value {
                #json::Value::Bool(*self)
            }
        }
        impl __FromJson for i64 {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                v.as_i64()
            }
        }
        impl __ToJson for i64 {
            fn __to_json(&self) -> #json::Value {
                #json::Value::from(*self)
            }
        }
        impl __FromJson for #json::Number {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                match v {
                    #json::Value::Number(n) => ::std::option::Option::Some(n.clone()),
                    _ => ::std::option::Option::None,
                }
            }
        }
        impl __ToJson for #json::Number {
            fn __to_json(&self) -> #json::Value {
                #json::Value::Number(self.clone())
            }
        }
        impl __FromJson for ::std::string::String {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                v.as_str().map(::std::borrow::ToOwned::to_owned)
            }
        }
        impl __ToJson for ::std::string::String {
            fn __to_json(&self) -> #json::Value {
                #json::Value::String(self.clone())
            }
        }
        impl __FromJson for #json::Value {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(v.clone())
            }
        }
        impl __ToJson for #json::Value {
            fn __to_json(&self) -> #json::Value {
                self.clone()
            }
        }
        impl __FromJson for #json::Map<::std::string::String, #json::Value> {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                v.as_object().cloned()
            }
        }
        impl __ToJson for #json::Map<::std::string::String, #json::Value> {
            fn __to_json(&self) -> #json::Value {
                #json::Value::Object(self.clone())
            }
        }
        // Plain loops, not iterator chains: these are compiled once per element type, and a
        // `collect::<Option<Vec<T>>>` is many times the code.
        impl<T: __FromJson> __FromJson for ::std::vec::Vec<T> {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                let items = v.as_array()?;
                let mut out = ::std::vec::Vec::with_capacity(items.len());
                for item in items {
                    out.push(T::__from_json(item)?);
                }
                ::std::option::Option::Some(out)
            }
        }
        impl<T: __ToJson> __ToJson for ::std::vec::Vec<T> {
            fn __to_json(&self) -> #json::Value {
                let mut out = ::std::vec::Vec::with_capacity(self.len());
                for item in self {
                    out.push(item.__to_json());
                }
                #json::Value::Array(out)
            }
        }
        impl<T: __FromJson> __FromJson for ::std::collections::BTreeMap<::std::string::String, T> {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                let mut out = ::std::collections::BTreeMap::new();
                for (k, item) in v.as_object()? {
                    out.insert(k.clone(), T::__from_json(item)?);
                }
                ::std::option::Option::Some(out)
            }
        }
        impl<T: __ToJson> __ToJson for ::std::collections::BTreeMap<::std::string::String, T> {
            fn __to_json(&self) -> #json::Value {
                let mut out = #json::Map::new();
                for (k, item) in self {
                    out.insert(k.clone(), item.__to_json());
                }
                #json::Value::Object(out)
            }
        }
        impl<T: __FromJson> __FromJson for ::std::option::Option<T> {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                if v.is_null() {
                    ::std::option::Option::Some(::std::option::Option::None)
                } else {
                    T::__from_json(v).map(::std::option::Option::Some)
                }
            }
        }
        impl<T: __ToJson> __ToJson for ::std::option::Option<T> {
            fn __to_json(&self) -> #json::Value {
                match self {
                    ::std::option::Option::Some(v) => v.__to_json(),
                    ::std::option::Option::None => #json::Value::Null,
                }
            }
        }
        impl<T: __FromJson> __FromJson for ::std::boxed::Box<T> {
            fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> {
                T::__from_json(v).map(::std::boxed::Box::new)
            }
        }
        impl<T: __ToJson> __ToJson for ::std::boxed::Box<T> {
            fn __to_json(&self) -> #json::Value {
                T::__to_json(self)
            }
        }

        /// An optional field: absent or `null` is `None`.
        #[doc(hidden)]
        pub fn __opt<T: __FromJson>(
            o: &#json::Map<::std::string::String, #json::Value>,
            key: &str,
        ) -> ::std::option::Option<::std::option::Option<T>> {
            match o.get(key) {
                ::std::option::Option::None | ::std::option::Option::Some(#json::Value::Null) => {
                    ::std::option::Option::Some(::std::option::Option::None)
                }
                ::std::option::Option::Some(v) => T::__from_json(v).map(::std::option::Option::Some),
            }
        }

        /// An optional nullable field: absent is `None`, `null` is `Some(None)`.
        #[doc(hidden)]
        pub fn __opt_null<T: __FromJson>(
            o: &#json::Map<::std::string::String, #json::Value>,
            key: &str,
        ) -> ::std::option::Option<::std::option::Option<::std::option::Option<T>>> {
            match o.get(key) {
                ::std::option::Option::None => ::std::option::Option::Some(::std::option::Option::None),
                ::std::option::Option::Some(v) => {
                    <::std::option::Option<T>>::__from_json(v).map(::std::option::Option::Some)
                }
            }
        }

        /// The entries of `o` whose keys are not `declared` (a flattened `additionalProperties`).
        #[doc(hidden)]
        pub fn __extra<T: __FromJson>(
            o: &#json::Map<::std::string::String, #json::Value>,
            declared: &[&str],
        ) -> ::std::option::Option<T> {
            let rest: #json::Map<::std::string::String, #json::Value> = o
                .iter()
                .filter(|(k, _)| !declared.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            T::__from_json(&#json::Value::Object(rest))
        }

        /// Whether every key of `o` is `declared` (`additionalProperties: false`).
        #[doc(hidden)]
        pub fn __only(o: &#json::Map<::std::string::String, #json::Value>, declared: &[&str]) -> bool {
            o.keys().all(|k| declared.contains(&k.as_str()))
        }

        /// `Deserialize` of every generated type: through a JSON value.
        #[doc(hidden)]
        pub fn __deserialize<'de, D: #serde::Deserializer<'de>, T: __FromJson>(
            d: D,
        ) -> ::std::result::Result<T, D::Error> {
            let v = <#json::Value as #serde::Deserialize>::deserialize(d)?;
            T::__from_json(&v).ok_or_else(|| {
                <D::Error as #serde::de::Error>::custom(::std::format!(
                    "the value does not match the schema of `{}`",
                    ::std::any::type_name::<T>()
                ))
            })
        }

        macro_rules! __serde_via_json {
            ($($t:ident)*) => {$(
                impl<'de> #serde::Deserialize<'de> for $t {
                    fn deserialize<D: #serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                        __deserialize(d)
                    }
                }
                impl #serde::Serialize for $t {
                    fn serialize<S: #serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                        #serde::Serialize::serialize(&self.__to_json(), s)
                    }
                }
            )*};
        }
    }
}

impl Emitter<'_> {
    /// `__serde_via_json!(A B C ...)` for every emitted type.
    pub fn serde_impls(&self, names: &[Ident]) -> TokenStream {
        if names.is_empty() {
            return TokenStream::new();
        }
        quote!(__serde_via_json!(#(#names)*);)
    }

    /// The `__FromJson` and `__ToJson` impls of type `id` (named `name`).
    pub fn json_impls(&self, id: TypeId, name: &Ident) -> TokenStream {
        let json = &self.paths.json;
        let Some(def) = self.lowered.types.get(id) else {
            return TokenStream::new();
        };
        let (from, to) = match &def.body {
            Body::Pending => return TokenStream::new(),
            Body::Struct(s) => {
                let declared: Vec<&str> = s.fields.iter().map(|f| f.json.as_str()).collect();
                let only = s.deny_unknown.then(|| {
                    quote!(if !__only(o, &[#(#declared),*]) { return ::std::option::Option::None; })
                });
                let mut inits = Vec::new();
                let mut puts = Vec::new();
                for f in &s.fields {
                    let ident = to_ident(&f.ident);
                    let key = &f.json;
                    let (init, put) = match f.mode {
                        FieldMode::Required | FieldMode::RequiredNullable => (
                            quote!(#ident: __FromJson::__from_json(o.get(#key)?)?,),
                            quote!(m.insert(#key.into(), self.#ident.__to_json());),
                        ),
                        FieldMode::Optional => (
                            quote!(#ident: __opt(o, #key)?,),
                            quote!(if let ::std::option::Option::Some(v) = &self.#ident {
                                m.insert(#key.into(), v.__to_json());
                            }),
                        ),
                        FieldMode::OptionalNullable => (
                            quote!(#ident: __opt_null(o, #key)?,),
                            quote!(if let ::std::option::Option::Some(v) = &self.#ident {
                                m.insert(#key.into(), v.__to_json());
                            }),
                        ),
                    };
                    inits.push(init);
                    puts.push(put);
                }
                if let Some((ident, _)) = &s.extra {
                    let ident = to_ident(ident);
                    inits.push(quote!(#ident: __extra(o, &[#(#declared),*])?,));
                    puts.push(
                        quote!(if let #json::Value::Object(extra) = self.#ident.__to_json() {
                            m.extend(extra);
                        }),
                    );
                }
                let binding = if s.fields.is_empty() && s.extra.is_none() && !s.deny_unknown {
                    quote!(let _ = v.as_object()?;)
                } else {
                    quote!(let o = v.as_object()?;)
                };
                let map = if puts.is_empty() {
                    quote!(let m = #json::Map::new();)
                } else {
                    quote!(let mut m = #json::Map::new();)
                };
                (
                    quote! {
                        #binding
                        #only
                        ::std::option::Option::Some(Self { #(#inits)* })
                    },
                    quote! {
                        #map
                        #(#puts)*
                        #json::Value::Object(m)
                    },
                )
            }
            Body::Enum(variants) => {
                let from = variants.iter().map(|v| {
                    let (ident, value) = (to_ident(&v.ident), &v.value);
                    quote!(#value => ::std::option::Option::Some(Self::#ident),)
                });
                let to = variants.iter().map(|v| {
                    let (ident, value) = (to_ident(&v.ident), &v.value);
                    quote!(Self::#ident => #value,)
                });
                let to = if variants.is_empty() {
                    quote!(match *self {})
                } else {
                    quote!(#json::Value::String(::std::string::String::from(match self { #(#to)* })))
                };
                (
                    quote!(match v.as_str()? { #(#from)* _ => ::std::option::Option::None }),
                    to,
                )
            }
            Body::Union(u) => {
                let from = u.variants.iter().map(|(ident, node)| {
                    let ident = to_ident(ident);
                    let ty = self.ty(node, Some(id), true);
                    quote! {
                        if let ::std::option::Option::Some(x) = <#ty as __FromJson>::__from_json(v) {
                            return ::std::option::Option::Some(Self::#ident(x));
                        }
                    }
                });
                let to = u.variants.iter().map(|(ident, _)| {
                    let ident = to_ident(ident);
                    quote!(Self::#ident(x) => x.__to_json(),)
                });
                let to = if u.variants.is_empty() {
                    quote!(match *self {})
                } else {
                    quote!(match self { #(#to)* })
                };
                let from = if u.variants.is_empty() {
                    quote!(let _ = v; ::std::option::Option::None)
                } else {
                    quote!(#(#from)* ::std::option::Option::None)
                };
                (from, to)
            }
        };
        quote! {
            impl __FromJson for #name {
                fn __from_json(v: &#json::Value) -> ::std::option::Option<Self> { #from }
            }
            impl __ToJson for #name {
                fn __to_json(&self) -> #json::Value { #to }
            }
        }
    }
}
