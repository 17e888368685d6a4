//! Request mapping, byte for byte. Style cases use the OpenAPI 3.0.3 style-examples table:
//! `color` = `"blue"` / `["blue","black","brown"]` / `{"R":100,"G":200,"B":150}`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;
use crate::manifest::{BodySpec, ParamStyle, PartEncoding};

fn param(name: &str, location: ParamLocation) -> InputParam {
    InputParam::new(name, location)
}

fn styled(name: &str, location: ParamLocation, style: ParamStyle, explode: bool) -> InputParam {
    InputParam {
        style: Some(style),
        explode: Some(explode),
        ..param(name, location)
    }
}

fn tool(path: &str, params: Vec<InputParam>) -> ToolManifest {
    ToolManifest {
        name: "t".into(),
        operation_id: None,
        method: HttpMethod::Post,
        path: path.into(),
        tags: vec![],
        summary: None,
        description: String::new(),
        deprecated: false,
        servers: vec![],
        security: vec![],
        params,
        body: None,
        input_schema: json!({"type": "object"}),
        schema_hash: String::new(),
        wire_names: BTreeMap::new(),
        output_schema: None,
    }
}

fn build(t: &ToolManifest, args: Value) -> Result<HttpRequest, Vec<String>> {
    build_request(t, args.as_object().unwrap())
        .map_err(|ps| ps.iter().map(ToString::to_string).collect())
}

fn colors() -> [Value; 3] {
    [
        json!("blue"),
        json!(["blue", "black", "brown"]),
        json!({"R": 100, "G": 200, "B": 150}),
    ]
}

fn path_row(style: ParamStyle, explode: bool) -> Vec<String> {
    let t = tool(
        "/x/{color}",
        vec![styled("color", ParamLocation::Path, style, explode)],
    );
    colors()
        .into_iter()
        .map(|c| build(&t, json!({"color": c})).unwrap().path)
        .collect()
}

fn query_row(style: ParamStyle, explode: bool) -> Vec<String> {
    let t = tool(
        "/x",
        vec![styled("color", ParamLocation::Query, style, explode)],
    );
    colors()
        .into_iter()
        .map(|c| build(&t, json!({"color": c})).unwrap().path_and_query())
        .collect()
}

#[test]
fn path_styles_match_the_table() {
    assert_eq!(
        path_row(ParamStyle::Simple, false),
        ["/x/blue", "/x/blue,black,brown", "/x/R,100,G,200,B,150"]
    );
    assert_eq!(
        path_row(ParamStyle::Simple, true),
        ["/x/blue", "/x/blue,black,brown", "/x/R=100,G=200,B=150"]
    );
    assert_eq!(
        path_row(ParamStyle::Label, false),
        ["/x/.blue", "/x/.blue.black.brown", "/x/.R.100.G.200.B.150"]
    );
    assert_eq!(
        path_row(ParamStyle::Label, true),
        ["/x/.blue", "/x/.blue.black.brown", "/x/.R=100.G=200.B=150"]
    );
    assert_eq!(
        path_row(ParamStyle::Matrix, false),
        [
            "/x/;color=blue",
            "/x/;color=blue,black,brown",
            "/x/;color=R,100,G,200,B,150"
        ]
    );
    assert_eq!(
        path_row(ParamStyle::Matrix, true),
        [
            "/x/;color=blue",
            "/x/;color=blue;color=black;color=brown",
            "/x/;R=100;G=200;B=150"
        ]
    );
}

#[test]
fn empty_values_in_path_styles() {
    let t = tool(
        "/x/{color}",
        vec![styled(
            "color",
            ParamLocation::Path,
            ParamStyle::Matrix,
            false,
        )],
    );
    assert_eq!(build(&t, json!({"color": ""})).unwrap().path, "/x/;color");
    let t = tool(
        "/x/{color}",
        vec![styled(
            "color",
            ParamLocation::Path,
            ParamStyle::Label,
            false,
        )],
    );
    // The table's `.` for an empty label value would be a dot segment that URL parsers resolve
    // away (`%2E` too), so the request would reach `/x`: refused like any other dot segment.
    assert!(
        build(&t, json!({"color": ""})).unwrap_err()[0]
            .starts_with("/color: expected a value that is not `.` or `..`")
    );
    let t = tool("/x/{color}", vec![param("color", ParamLocation::Path)]);
    assert_eq!(
        build(&t, json!({"color": ""})).unwrap_err(),
        [r#"/color: expected a non-empty value (it fills a path segment), got """#]
    );
}

#[test]
fn query_styles_match_the_table() {
    assert_eq!(
        query_row(ParamStyle::Form, false),
        [
            "/x?color=blue",
            "/x?color=blue,black,brown",
            "/x?color=R,100,G,200,B,150"
        ]
    );
    assert_eq!(
        query_row(ParamStyle::Form, true),
        [
            "/x?color=blue",
            "/x?color=blue&color=black&color=brown",
            "/x?R=100&G=200&B=150"
        ]
    );
    let space = query_row(ParamStyle::SpaceDelimited, false);
    assert_eq!(
        space[1..],
        [
            "/x?color=blue%20black%20brown",
            "/x?color=R%20100%20G%20200%20B%20150"
        ]
    );
    let pipe = query_row(ParamStyle::PipeDelimited, false);
    assert_eq!(
        pipe[1..],
        ["/x?color=blue|black|brown", "/x?color=R|100|G|200|B|150"]
    );
    let deep = query_row(ParamStyle::DeepObject, true);
    assert_eq!(deep[2], "/x?color[R]=100&color[G]=200&color[B]=150");
    assert_eq!(query_row(ParamStyle::Form, true)[0], "/x?color=blue");
}

#[test]
fn query_defaults_and_scalars() {
    let t = tool(
        "/x",
        vec![
            param("q", ParamLocation::Query),
            param("n", ParamLocation::Query),
            param("b", ParamLocation::Query),
            param("gone", ParamLocation::Query),
            param("e", ParamLocation::Query),
        ],
    );
    let r = build(
        &t,
        json!({"q": "a b&c=d#e/f+g", "n": 1.5, "b": false, "gone": null, "e": ""}),
    )
    .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/x?q=a%20b%26c%3Dd%23e%2Ff%2Bg&n=1.5&b=false&e="
    );
}

#[test]
fn allow_reserved_and_json_content_params() {
    let mut reserved = param("filter", ParamLocation::Query);
    reserved.allow_reserved = true;
    let mut content = param("where", ParamLocation::Query);
    content.content_type = Some("application/json".into());
    let t = tool("/x", vec![reserved, content]);
    let r = build(
        &t,
        json!({"filter": "a:b/c?d,e&f#g", "where": {"a": [1, "x y"]}}),
    )
    .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/x?filter=a:b/c?d,e%26f%23g&where=%7B%22a%22%3A%5B1%2C%22x%20y%22%5D%7D"
    );
}

#[test]
fn hostile_path_values_cannot_change_the_path() {
    let t = tool(
        "/files/{name}/meta",
        vec![param("name", ParamLocation::Path)],
    );
    let path = |v: &str| build(&t, json!({"name": v})).unwrap().path;
    assert_eq!(path("../admin"), "/files/..%2Fadmin/meta");
    assert_eq!(path("a/b?c#d"), "/files/a%2Fb%3Fc%23d/meta");
    let refused = |v: &str| build(&t, json!({"name": v})).unwrap_err();
    for dots in ["..", "."] {
        let err = refused(dots);
        assert_eq!(err.len(), 1, "{dots}: {err:?}");
        assert!(
            err[0].starts_with("/name: expected a value that is not `.` or `..`"),
            "{err:?}"
        );
    }
    assert_eq!(path("%2e%2e/x"), "/files/%252e%252e%2Fx/meta");
    assert_eq!(path("é ✓"), "/files/%C3%A9%20%E2%9C%93/meta");
    assert_eq!(path("a;b=c,d"), "/files/a%3Bb%3Dc%2Cd/meta");
    let label = tool(
        "/f/{n}",
        vec![styled("n", ParamLocation::Path, ParamStyle::Label, false)],
    );
    assert!(build(&label, json!({"n": "."})).is_err());
    assert_eq!(build(&label, json!({"n": "x"})).unwrap().path, "/f/.x");
}

#[test]
fn greedy_aws_keys_keep_slashes() {
    let mut key = param("Key", ParamLocation::Path);
    key.wire_name = "Key+".into();
    let t = tool(
        "/{Bucket}/{Key+}?uploads",
        vec![param("Bucket", ParamLocation::Path), key],
    );
    let r = build(&t, json!({"Bucket": "b", "Key": "dir/a b/x.txt"})).unwrap();
    assert_eq!(r.path_and_query(), "/b/dir/a%20b/x.txt?uploads=");
    // A greedy value may not traverse, start a `//host` or smuggle a scheme.
    for hostile in ["dir/../x", "/evil.com/x", "a//b", "../../etc/passwd"] {
        let err = build(&t, json!({"Bucket": "b", "Key": hostile})).unwrap_err();
        assert!(err[0].starts_with("/Key: expected"), "{hostile}: {err:?}");
    }
    let r = build(&t, json!({"Bucket": "b", "Key": "http://evil.com/x"}));
    assert!(r.is_err(), "{r:?}");
    let r = build(&t, json!({"Bucket": "b", "Key": "https:/evil.com"})).unwrap();
    assert_eq!(r.path, "/b/https%3A/evil.com");
}

#[test]
fn template_fragments_and_literal_queries() {
    let t = tool("/{Bucket}#cors", vec![param("Bucket", ParamLocation::Path)]);
    assert_eq!(
        build(&t, json!({"Bucket": "b"})).unwrap().path_and_query(),
        "/b"
    );
    let t = tool(
        "/fax/history?date_from={date_from}&page=1",
        vec![
            param("date_from", ParamLocation::Query),
            param("limit", ParamLocation::Query),
        ],
    );
    let r = build(&t, json!({"date_from": 1700000000, "limit": 5})).unwrap();
    assert_eq!(
        r.path_and_query(),
        "/fax/history?page=1&date_from=1700000000&limit=5"
    );
    // A placeholder in the query that names a *path* parameter is filled there.
    let t = tool("/a?id={id}", vec![param("id", ParamLocation::Path)]);
    assert_eq!(
        build(&t, json!({"id": "x&y"})).unwrap().path_and_query(),
        "/a?id=x%26y"
    );
}

#[test]
fn missing_and_unknown_arguments() {
    let mut q = param("q", ParamLocation::Query);
    q.required = true;
    let t = tool(
        "/r/{owner}/{repo}",
        vec![param("owner", ParamLocation::Path), q],
    );
    assert_eq!(
        build(&t, json!({"owner": null, "zzz": 1})).unwrap_err(),
        [
            r#"/: unknown property "zzz" (allowed: owner, q)"#,
            r#"/: missing required property "q""#,
            r#"/: missing required property "owner""#,
            r#"/: the path template "/r/{owner}/{repo}" names {repo}, but the tool has no such path parameter"#,
        ]
    );
}

#[test]
fn header_styles_and_injection() {
    let t = tool(
        "/x",
        vec![
            styled("X-Color", ParamLocation::Header, ParamStyle::Simple, false),
            styled("X-Obj", ParamLocation::Header, ParamStyle::Simple, true),
        ],
    );
    let r = build(
        &t,
        json!({"X-Color": ["blue", "black", "brown"], "X-Obj": colors()[2]}),
    )
    .unwrap();
    assert_eq!(
        r.headers,
        [
            ("X-Color".to_owned(), "blue,black,brown".to_owned()),
            ("X-Obj".to_owned(), "R=100,G=200,B=150".to_owned())
        ]
    );
    assert_eq!(
        build(
            &t,
            json!({"X-Color": "a\r\nX-Admin: 1", "X-Obj": {"k": "v\u{0}"}})
        )
        .unwrap_err(),
        [
            r#"/X-Color: expected a header value without line breaks or control characters, got "a\r\nX-Admin: 1" (contains a carriage return (CR))"#,
            r#"/X-Obj: expected a header value without line breaks or control characters, got "k=v\u0000" (contains a NUL character)"#,
        ]
    );
    let bad = tool("/x", vec![param("X Bad", ParamLocation::Header)]);
    assert_eq!(
        build(&bad, json!({"X Bad": "v"})).unwrap_err(),
        [r#"/X Bad: header name "X Bad" is not a valid HTTP header name"#]
    );
}

#[test]
fn cookies_form_one_header() {
    let t = tool(
        "/x",
        vec![
            param("session", ParamLocation::Cookie),
            styled("ids", ParamLocation::Cookie, ParamStyle::Form, false),
        ],
    );
    let r = build(&t, json!({"session": "a b;c=d", "ids": [1, 2]})).unwrap();
    assert_eq!(r.header("cookie"), Some("session=a%20b%3Bc=d; ids=1,2"));
}

fn with_body(mut t: ToolManifest, media: &str, flattened: bool, schema: Value) -> ToolManifest {
    t.body = Some(BodySpec {
        media_type: media.into(),
        required: true,
        flattened,
        encoding: BTreeMap::new(),
    });
    t.input_schema = schema;
    t
}

#[test]
fn flattened_json_body_with_wire_names_and_nulls() {
    let mut id = param("x_id", ParamLocation::BodyProperty);
    id.wire_name = "x-id".into();
    let mut t = with_body(
        tool(
            "/items",
            vec![
                id,
                param("item", ParamLocation::BodyProperty),
                param("note", ParamLocation::BodyProperty),
                param("clear", ParamLocation::BodyProperty),
                param("X-Trace", ParamLocation::Header),
            ],
        ),
        "application/vnd.api+json",
        true,
        json!({"type": "object", "properties": {
            "x_id": {"type": "string"}, "item": {"$ref": "#/$defs/Item"},
            "note": {"type": "string"}, "clear": {"type": ["string", "null"]}, "X-Trace": {"type": "string"}},
            "$defs": {"Item": {"type": "object", "properties": {"hydra_member": {"type": "string"}, "opt": {"type": "integer"}}}}}),
    );
    t.wire_names.insert(
        "/$defs/Item/properties/hydra_member".into(),
        "hydra:member".into(),
    );
    let r = build(
        &t,
        json!({"x_id": "7", "item": {"hydra_member": "m", "opt": null}, "note": null, "clear": null, "X-Trace": "t"}),
    )
    .unwrap();
    assert_eq!(
        r.body,
        Some(RequestBody::Json(
            json!({"x-id": "7", "item": {"hydra:member": "m"}, "clear": null})
        ))
    );
    assert_eq!(
        r.headers,
        [
            ("X-Trace".to_owned(), "t".to_owned()),
            (
                "Content-Type".to_owned(),
                "application/vnd.api+json".to_owned()
            )
        ]
    );
    assert_eq!(
        r.body_bytes().unwrap(),
        br#"{"x-id":"7","item":{"hydra:member":"m"},"clear":null}"#
    );
}

#[test]
fn whole_json_body_and_missing_required_body() {
    let t = with_body(
        tool("/batch", vec![param("body", ParamLocation::Body)]),
        "application/json",
        false,
        json!({"type": "object", "properties": {"body": {"type": "array", "items": {"type": "integer"}}}}),
    );
    assert_eq!(
        build(&t, json!({"body": [1, 2]})).unwrap().body,
        Some(RequestBody::Json(json!([1, 2])))
    );
    assert_eq!(
        build(&t, json!({})).unwrap_err(),
        [r#"/: missing required property "body""#]
    );
}

#[test]
fn optional_flattened_body_absent_means_no_body() {
    let mut t = with_body(
        tool("/x", vec![param("a", ParamLocation::BodyProperty)]),
        "application/json",
        true,
        json!({"type": "object", "properties": {"a": {"type": "string"}}}),
    );
    assert_eq!(
        build(&t, json!({})).unwrap().body,
        Some(RequestBody::Json(json!({})))
    );
    if let Some(b) = &mut t.body {
        b.required = false;
    }
    let r = build(&t, json!({})).unwrap();
    assert_eq!(r.body, None);
    assert!(r.headers.is_empty());
}

#[test]
fn form_body_defaults_and_encoding() {
    let mut t = with_body(
        tool(
            "/v1/customers",
            vec![
                param("email", ParamLocation::BodyProperty),
                param("metadata", ParamLocation::BodyProperty),
                param("expand", ParamLocation::BodyProperty),
                param("tags", ParamLocation::BodyProperty),
                param("items", ParamLocation::BodyProperty),
                param("blob", ParamLocation::BodyProperty),
            ],
        ),
        "application/x-www-form-urlencoded",
        true,
        json!({"type": "object"}),
    );
    if let Some(b) = &mut t.body {
        b.encoding.insert(
            "expand".into(),
            PartEncoding {
                content_type: None,
                binary: false,
                style: Some(ParamStyle::DeepObject),
                explode: Some(true),
            },
        );
        b.encoding.insert(
            "blob".into(),
            PartEncoding {
                content_type: Some("application/json".into()),
                binary: false,
                style: None,
                explode: None,
            },
        );
    }
    let r = build(
        &t,
        json!({"email": "a+b@x.io", "metadata": {"k": "v w", "n": {"d": 1}}, "expand": ["x", "y"],
               "tags": ["p", "q"], "items": [{"price": "p1"}], "blob": {"a": 1}}),
    )
    .unwrap();
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8(r.body_bytes().unwrap()).unwrap(),
        "email=a%2Bb%40x.io&metadata[k]=v%20w&metadata[n][d]=1&expand[0]=x&expand[1]=y\
         &tags=p&tags=q&items[0][price]=p1&blob=%7B%22a%22%3A1%7D"
    );
}

#[test]
fn multipart_body_with_files_json_and_text() {
    let mut t = with_body(
        tool(
            "/upload",
            vec![
                param("file", ParamLocation::BodyProperty),
                param("meta", ParamLocation::BodyProperty),
                param("title", ParamLocation::BodyProperty),
                param("pages", ParamLocation::BodyProperty),
            ],
        ),
        "multipart/form-data",
        true,
        json!({"type": "object", "properties": {
            "file": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"},
            "meta": {"type": "object"}, "title": {"type": "string"},
            "pages": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}}),
    );
    if let Some(b) = &mut t.body {
        b.encoding.insert(
            "pages".into(),
            PartEncoding {
                content_type: Some("application/pdf, image/tiff".into()),
                binary: true,
                style: None,
                explode: None,
            },
        );
    }
    let r = build(
        &t,
        json!({"file": "iVBORw==", "meta": {"a": 1}, "title": "Hi", "pages": ["AAE=", "AgM="]}),
    )
    .unwrap();
    let Some(RequestBody::Multipart(parts)) = &r.body else {
        panic!("not multipart: {:?}", r.body)
    };
    assert_eq!(parts.len(), 5);
    assert_eq!(parts[0].data, [0x89, b'P', b'N', b'G']);
    assert_eq!(parts[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[0].filename.as_deref(), Some("file"));
    assert_eq!(parts[3].data, [0, 1]);
    assert_eq!(parts[4].content_type.as_deref(), Some("application/pdf"));
    let ct = r.header("content-type").unwrap();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&[0x89, b'P', b'N', b'G']);
    expected.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\
             \r\n--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHi\r\n"
        )
        .as_bytes(),
    );
    let bytes = r.body_bytes().unwrap();
    assert_eq!(bytes[..expected.len()], expected[..]);
    assert!(bytes.ends_with(format!("--{boundary}--\r\n").as_bytes()));
    assert_eq!(r.multipart_body("B"), encode_multipart(parts, "B"));
}

#[test]
fn bad_base64_file_is_a_problem() {
    let t = with_body(
        tool("/upload", vec![param("file", ParamLocation::BodyProperty)]),
        "multipart/form-data",
        true,
        json!({"type": "object", "properties": {"file": {"type": "string", "contentEncoding": "base64"}}}),
    );
    assert_eq!(
        build(&t, json!({"file": "not base64!"})).unwrap_err(),
        [r#"/file: expected a base64-encoded string, got "not base64!""#]
    );
}

#[test]
fn raw_bodies() {
    let t = with_body(
        tool("/blob", vec![param("body", ParamLocation::Body)]),
        "application/octet-stream",
        false,
        json!({"type": "object", "properties": {"body": {"type": "string", "contentEncoding": "base64"}}}),
    );
    let r = build(&t, json!({"body": "AAEC"})).unwrap();
    assert_eq!(
        r.body,
        Some(RequestBody::Bytes {
            content_type: "application/octet-stream".into(),
            data: vec![0, 1, 2]
        })
    );
    let t = with_body(
        tool("/note", vec![param("body", ParamLocation::Body)]),
        "text/plain; charset=utf-8",
        false,
        json!({"type": "object", "properties": {"body": {"type": "string"}}}),
    );
    let r = build(&t, json!({"body": "héllo"})).unwrap();
    assert_eq!(r.body_bytes().unwrap(), "héllo".as_bytes());
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
}

#[test]
fn form_body_must_be_an_object() {
    let t = with_body(
        tool("/f", vec![param("body", ParamLocation::Body)]),
        "application/x-www-form-urlencoded",
        false,
        json!({"type": "object"}),
    );
    assert_eq!(
        build(&t, json!({"body": [1]})).unwrap_err(),
        ["/body: expected an object (the application/x-www-form-urlencoded body's fields)"]
    );
}

#[test]
fn urls_join_without_double_slashes() {
    let t = tool("/a/{b}", vec![param("b", ParamLocation::Path)]);
    let r = build(&t, json!({"b": "c"})).unwrap();
    assert_eq!(r.url("https://h.example/v1/"), "https://h.example/v1/a/c");
    assert_eq!(r.url("https://h.example"), "https://h.example/a/c");
    let t = tool("relative", vec![]);
    assert_eq!(build(&t, json!({})).unwrap().path, "/relative");
}

#[test]
fn nested_query_renames() {
    let mut t = tool(
        "/s",
        vec![styled(
            "filter",
            ParamLocation::Query,
            ParamStyle::DeepObject,
            true,
        )],
    );
    t.input_schema = json!({"type": "object", "properties": {"filter": {"type": "object", "properties": {"created_gte": {"type": "string"}}}}});
    t.wire_names.insert(
        "/properties/filter/properties/created_gte".into(),
        "created.gte".into(),
    );
    let r = build(&t, json!({"filter": {"created_gte": "2024"}})).unwrap();
    assert_eq!(r.path_and_query(), "/s?filter[created.gte]=2024");
}

#[test]
fn client_owned_headers_are_refused_at_run_time() {
    for name in [
        "Host",
        "authorization",
        "Cookie",
        "Content-Length",
        "Transfer-Encoding",
        "Connection",
        "Proxy-Authorization",
    ] {
        let t = tool("/x", vec![param(name, ParamLocation::Header)]);
        let err = build(&t, json!({name: "v"})).unwrap_err();
        assert_eq!(err.len(), 1, "{name}");
        assert!(err[0].contains("set by the HTTP client"), "{name}: {err:?}");
    }
    let t = tool("/x", vec![param("X-Trace", ParamLocation::Header)]);
    assert_eq!(
        build(&t, json!({"X-Trace": "1"})).unwrap().headers,
        [("X-Trace".to_owned(), "1".to_owned())]
    );
}

#[test]
fn exploded_object_keys_cannot_pose_as_declared_parameters() {
    let t = tool(
        "/x",
        vec![
            param("filter", ParamLocation::Query),
            param("limit", ParamLocation::Query),
        ],
    );
    let err = build(&t, json!({"filter": {"limit": 1000, "q": "a"}, "limit": 5})).unwrap_err();
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(err[0].starts_with("/filter: key \"limit\""), "{err:?}");
    let ok = build(&t, json!({"filter": {"q": "a"}, "limit": 5})).unwrap();
    assert_eq!(ok.path_and_query(), "/x?q=a&limit=5");
    // deepObject keys are namespaced: no collision possible.
    let deep = tool(
        "/x",
        vec![
            styled("filter", ParamLocation::Query, ParamStyle::DeepObject, true),
            param("limit", ParamLocation::Query),
        ],
    );
    assert!(build(&deep, json!({"filter": {"limit": 1}, "limit": 5})).is_ok());
}

#[test]
fn file_arguments_and_multipart_bodies_are_capped() {
    let mut t = tool("/upload", vec![param("body", ParamLocation::Body)]);
    t.input_schema = json!({"type": "object", "properties": {
        "body": {"type": "string", "contentEncoding": "base64"}}});
    t.body = Some(BodySpec {
        media_type: "application/octet-stream".into(),
        required: true,
        flattened: false,
        encoding: BTreeMap::new(),
    });
    let err = build(&t, json!({"body": "QUFB".repeat(6 << 20)})).unwrap_err();
    assert_eq!(err.len(), 1);
    assert!(
        err[0].starts_with(
            "/body: the file is about 18874368 bytes; at most 16777216 bytes are accepted"
        ),
        "{err:?}"
    );
    let ok = build(&t, json!({"body": "QUFB"})).unwrap();
    assert_eq!(ok.body_bytes().unwrap(), b"AAA");

    let mut m = tool(
        "/m",
        ["a", "b", "c"]
            .map(|n| param(n, ParamLocation::BodyProperty))
            .to_vec(),
    );
    m.input_schema = json!({"type": "object", "properties": {
        "a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}});
    m.body = Some(BodySpec {
        media_type: "multipart/form-data".into(),
        required: true,
        flattened: true,
        encoding: ["a", "b", "c"]
            .map(|n| {
                let enc = PartEncoding {
                    content_type: None,
                    binary: true,
                    style: None,
                    explode: None,
                };
                (n.to_owned(), enc)
            })
            .into_iter()
            .collect(),
    });
    let big = "QUFB".repeat(4 << 20); // 12 MiB decoded each, 24 MiB together: under both caps
    assert!(build(&m, json!({"a": big, "b": big})).is_ok());
    let bigger = "QUFB".repeat(5 << 20 | 1 << 19); // ~16.5 MiB each is over the file cap
    assert!(build(&m, json!({"a": bigger})).unwrap_err()[0].contains("at most 16777216 bytes"));
    // Three files of 12 MiB: each under the file cap, 36 MiB together over the body cap.
    let err = build(&m, json!({"a": big, "b": big, "c": big})).unwrap_err();
    assert!(err[0].contains("the multipart body would be"), "{err:?}");
}
