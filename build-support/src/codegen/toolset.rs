//! The tool-set items: embedded manifest, fast/slow parse, request mapping, `Call` dispatch,
//! the `ToolSet` value and the pre-rendered provider schemas.
//!
//! Per tool this emits one `impl ToolArgs` (three short items) and three match arms; everything
//! else is emitted once per tool set and shared through generics, because per-tool code is what
//! grows with a 1,000-operation spec.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Paths;
use super::emit::Emitter;
use super::names::to_ident;

/// What the tool-set emission needs besides the types.
pub struct ToolSetInput<'a> {
    /// The manifest as embedded (only the generated tools), serialised.
    pub manifest_json: &'a str,
    /// Per generated tool, in embedded-manifest order: (tool name, args type, `Call` variant).
    pub tools: Vec<(String, String, String)>,
    /// `(provider, JSON array of that provider's tool definitions)`.
    pub schemas: &'a [(String, String)],
    /// The tool-set struct's identifier.
    pub toolset_name: &'a str,
}

/// Emits the shared helpers, `ToolArgs`, per-tool impls, `Call` and the tool-set struct.
pub fn emit(em: &Emitter<'_>, input: &ToolSetInput<'_>) -> TokenStream {
    let Paths {
        rt,
        serde,
        json,
        regex,
        ..
    } = em.paths;
    let n_tools = Literal::usize_unsuffixed(input.tools.len());
    let manifest_json = input.manifest_json;
    let toolset = to_ident(input.toolset_name);

    let patterns = &em.lowered.patterns;
    let regexes = (!patterns.is_empty()).then(|| {
        let n = Literal::usize_unsuffixed(patterns.len());
        quote! {
            static __PATTERNS: [&str; #n] = [#(#patterns),*];
            static __REGEXES: [::std::sync::OnceLock<::std::option::Option<#regex::Regex>>; #n] =
                [const { ::std::sync::OnceLock::new() }; #n];
            #[doc(hidden)]
            pub fn __re(i: usize, s: &str) -> bool {
                match (__PATTERNS.get(i), __REGEXES.get(i)) {
                    (::std::option::Option::Some(p), ::std::option::Option::Some(cell)) => cell
                        .get_or_init(|| #regex::Regex::new(p).ok())
                        .as_ref()
                        .is_some_and(|re| re.is_match(s)),
                    _ => false,
                }
            }
        }
    });

    let impls = em.lowered.tools.iter().zip(&input.tools).enumerate().map(
        |(index, (lt, (tool, args, _)))| {
            let args = to_ident(args);
            let index = Literal::usize_unsuffixed(index);
            let ok = em.check_body(lt.args).map(|body| {
                quote! {
                    fn __ok(&self) -> bool { #body }
                }
            });
            quote! {
                impl ToolArgs for #args {
                    const TOOL: &'static str = #tool;
                    const INDEX: usize = #index;
                    #ok
                }
            }
        },
    );

    let variants = input.tools.iter().map(|(_, args, variant)| {
        let (args, variant) = (to_ident(args), to_ident(variant));
        quote!(#variant(#args),)
    });
    let dispatch_arms = input.tools.iter().map(|(tool, _, variant)| {
        let variant = to_ident(variant);
        quote!(#tool => __parse(input).map(Self::#variant),)
    });
    let dispatch = if input.tools.is_empty() {
        quote!(let _ = input; ::std::result::Result::Err(__unknown(tool)))
    } else {
        quote! {
            let parsed = match tool {
                #(#dispatch_arms)*
                _ => return ::std::result::Result::Err(__unknown(tool)),
            };
            parsed.map_err(#rt::toolset::CallError::InvalidArguments)
        }
    };
    let name_arms = input.tools.iter().map(|(_, args, variant)| {
        let (args, variant) = (to_ident(args), to_ident(variant));
        quote!(Self::#variant(_) => #args::TOOL,)
    });
    let request_arms = input.tools.iter().map(|(_, _, variant)| {
        let variant = to_ident(variant);
        quote!(Self::#variant(a) => a.request(),)
    });
    let schema_entries = input.schemas.iter().map(|(p, s)| quote!((#p, #s),));

    // A set without tools has an empty `Call`: matching `&Call` needs arms (references
    // are inhabited), matching `*self` needs none.
    let scrutinee = if input.tools.is_empty() {
        quote!(*self)
    } else {
        quote!(self)
    };
    quote! {
        #[doc(hidden)]
        pub static __MANIFEST_JSON: &str = #manifest_json;
        static __MANIFEST: ::std::sync::LazyLock<#rt::manifest::Manifest> =
            ::std::sync::LazyLock::new(|| #json::from_str(__MANIFEST_JSON).unwrap_or_default());
        static __VALIDATORS: [::std::sync::OnceLock<#rt::validate::Validator>; #n_tools] =
            [const { ::std::sync::OnceLock::new() }; #n_tools];
        #regexes

        fn __validator(i: usize) -> ::std::option::Option<&'static #rt::validate::Validator> {
            let tool = __MANIFEST.tools.get(i)?;
            ::std::option::Option::Some(
                __VALIDATORS.get(i)?.get_or_init(|| #rt::validate::Validator::new(&tool.input_schema)),
            )
        }

        fn __fail(tool: &str, message: ::std::string::String) -> #rt::validate::ArgErrors {
            #rt::validate::ArgErrors::new(tool, ::std::vec![#rt::validate::ArgProblem::new("/", message)])
        }

        fn __unknown(tool: &str) -> #rt::toolset::CallError {
            #rt::toolset::CallError::UnknownTool { tool: tool.to_string() }
        }

        #[doc(hidden)]
        pub fn __in(n: usize, min: u64, max: u64) -> bool {
            let n = n as u64;
            n >= min && n <= max
        }

        #[doc(hidden)]
        pub fn __f(n: &#json::Number) -> f64 {
            n.as_f64().unwrap_or(f64::NAN)
        }

        #[doc(hidden)]
        pub fn __multiple(v: f64, m: f64) -> bool {
            let q = v / m;
            q.is_finite() && q.fract() == 0.0
        }

        #[doc(hidden)]
        pub fn __unique<T: __ToJson>(items: &[T]) -> bool {
            let values: ::std::vec::Vec<#json::Value> = items.iter().map(__ToJson::__to_json).collect();
            #rt::validate::first_duplicate(&values).is_none()
        }

        #[doc(hidden)]
        #[derive(Clone, Copy)]
        pub enum __Input<'a> {
            Text(&'a str),
            Value(&'a #json::Value),
        }

        /// Fast path: the JSON value converted into the typed struct, then the generated checks.
        /// Slow path (only when either fails): the runtime validator lists every problem.
        #[doc(hidden)]
        pub fn __parse<T: ToolArgs>(input: __Input<'_>) -> ::std::result::Result<T, #rt::validate::ArgErrors> {
            let parsed;
            let (value, fast) = match input {
                __Input::Text(s) => {
                    let s = if s.trim().is_empty() { "{}" } else { s };
                    match #rt::validate::parse_args(s) {
                        ::std::result::Result::Ok(v) => {
                            parsed = v;
                            // Text over 8 MiB may hold a string the validator refuses for its
                            // size: slow path.
                            (&parsed, s.len() <= 8 << 20)
                        }
                        ::std::result::Result::Err(problem) => {
                            return ::std::result::Result::Err(#rt::validate::ArgErrors::new(T::TOOL, ::std::vec![problem]));
                        }
                    }
                }
                __Input::Value(v) => (v, true),
            };
            let typed = T::__from_json(value);
            match typed {
                ::std::option::Option::Some(args) if fast && args.__ok() => return ::std::result::Result::Ok(args),
                _ => {}
            }
            if let ::std::option::Option::Some(validator) = __validator(T::INDEX) {
                let problems = validator.validate(value);
                if !problems.is_empty() {
                    return ::std::result::Result::Err(#rt::validate::ArgErrors::new(T::TOOL, problems));
                }
            }
            match typed {
                ::std::option::Option::Some(args) => ::std::result::Result::Ok(args),
                ::std::option::Option::None => ::std::result::Result::Err(__fail(
                    T::TOOL,
                    "the arguments match the schema but not the generated Rust types (a number out of range?)".into(),
                )),
            }
        }

        #[doc(hidden)]
        pub fn __request<T: ToolArgs>(args: &T) -> ::std::result::Result<#rt::request::HttpRequest, #rt::validate::ArgErrors> {
            let ::std::option::Option::Some(tool) = __MANIFEST.tools.get(T::INDEX) else {
                return ::std::result::Result::Err(__fail(T::TOOL, "the tool is missing from the embedded manifest".into()));
            };
            let #json::Value::Object(map) = args.__to_json() else {
                return ::std::result::Result::Err(__fail(T::TOOL, "the arguments did not serialise to an object".into()));
            };
            #rt::request::build_request(tool, &map).map_err(|problems| #rt::validate::ArgErrors::new(T::TOOL, problems))
        }

        /// Implemented by every tool's argument struct: parse (every problem reported), map to
        /// the HTTP request.
        pub trait ToolArgs: __FromJson + __ToJson + #serde::de::DeserializeOwned + #serde::Serialize + Sized {
            /// The tool name the model calls.
            const TOOL: &'static str;
            #[doc(hidden)]
            const INDEX: usize;
            #[doc(hidden)]
            fn __ok(&self) -> bool {
                true
            }
            /// Parses the arguments of a tool call (JSON text; empty text is `{}`, a JSON string
            /// holding an object is decoded once more, as the runtime's `parse_args` does).
            fn parse(args: &str) -> ::std::result::Result<Self, #rt::validate::ArgErrors> {
                __parse(__Input::Text(args))
            }
            /// Parses the arguments of a tool call from a JSON value.
            fn from_value(args: &#json::Value) -> ::std::result::Result<Self, #rt::validate::ArgErrors> {
                __parse(__Input::Value(args))
            }
            /// The HTTP request this call maps to.
            fn request(&self) -> ::std::result::Result<#rt::request::HttpRequest, #rt::validate::ArgErrors> {
                __request(self)
            }
            /// The tool's manifest entry.
            fn manifest() -> ::std::option::Option<&'static #rt::manifest::ToolManifest> {
                __MANIFEST.tools.get(Self::INDEX)
            }
        }

        #(#impls)*

        /// A call of any tool of the set, with typed arguments.
        #[derive(Debug, Clone)]
        pub enum Call {
            #(#variants)*
        }

        impl Call {
            /// Parses a tool call: tool name and arguments as JSON text.
            pub fn parse(tool: &str, args: &str) -> ::std::result::Result<Self, #rt::toolset::CallError> {
                Self::__dispatch(tool, __Input::Text(args))
            }
            /// Parses a tool call: tool name and arguments as a JSON value.
            pub fn from_value(tool: &str, args: &#json::Value) -> ::std::result::Result<Self, #rt::toolset::CallError> {
                Self::__dispatch(tool, __Input::Value(args))
            }
            fn __dispatch(tool: &str, input: __Input<'_>) -> ::std::result::Result<Self, #rt::toolset::CallError> {
                #dispatch
            }
            /// The tool name.
            pub fn tool(&self) -> &'static str {
                match #scrutinee { #(#name_arms)* }
            }
            /// The HTTP request this call maps to.
            pub fn request(&self) -> ::std::result::Result<#rt::request::HttpRequest, #rt::validate::ArgErrors> {
                match #scrutinee { #(#request_arms)* }
            }
        }

        impl #rt::toolset::Invocation for Call {
            fn tool_set(&self) -> &#rt::manifest::Manifest {
                &__MANIFEST
            }
            fn tool_name(&self) -> &str {
                Call::tool(self)
            }
            fn to_request(&self) -> ::std::result::Result<#rt::request::HttpRequest, #rt::validate::ArgErrors> {
                Call::request(self)
            }
        }

        /// The tool set: its manifest, provider schemas rendered at generation time, dispatch.
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #toolset;

        impl #toolset {
            /// `(provider, JSON array of the provider's tool definitions)`, rendered when the code
            /// was generated.
            pub const SCHEMAS: &'static [(&'static str, &'static str)] = &[#(#schema_entries)*];

            /// The pre-rendered tool definitions for `provider` (`"openai-chat"`, `"anthropic"`,
            /// ...), as a JSON array.
            pub fn schemas(provider: &str) -> ::std::option::Option<&'static str> {
                Self::SCHEMAS.iter().find(|(p, _)| *p == provider).map(|(_, s)| *s)
            }
        }

        impl #rt::toolset::ToolSet for #toolset {
            fn manifest(&self) -> &#rt::manifest::Manifest {
                &__MANIFEST
            }
            fn prepare(
                &self,
                tool: &str,
                args: &#json::Value,
            ) -> ::std::result::Result<#rt::toolset::PreparedCall, #rt::toolset::CallError> {
                let call = Call::from_value(tool, args)?;
                let request = call.request().map_err(#rt::toolset::CallError::InvalidArguments)?;
                ::std::result::Result::Ok(#rt::toolset::PreparedCall {
                    tool: call.tool().to_string(),
                    request,
                    args: ::std::boxed::Box::new(call),
                })
            }
        }
    }
}
