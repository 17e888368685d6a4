//! Executor overhead and turn concurrency against a local server (127.0.0.1, ephemeral port).
//!
//! - `exec_overhead`: one GET through `Executor::execute` (policy, server, auth, result
//!   shaping) vs a bare reqwest call of the same URL that reads the body. Before criterion runs,
//!   p50 of both over 2,000 interleaved calls is printed with the ratio (goal <= 1.1x).
//! - `exec_turn`: 100 calls of one turn (each answered after ~10 ms) with concurrency 8 vs
//!   sequential (concurrency 1): wall time.
//!
//! `cargo bench -p openapi-tools-runtime --features http --bench exec`

#[path = "../tests/support/server.rs"]
#[allow(dead_code)]
mod server;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use openapi_tools_runtime::calls::ToolCall;
use openapi_tools_runtime::exec::{Executor, Target};
use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::registry::{InstallOptions, Registry};
use openapi_tools_runtime::request::build_request;
use serde_json::json;

fn manifest() -> Manifest {
    let tools: Vec<serde_json::Value> = ["/items/{id}", "/work/{id}"]
        .iter()
        .map(|path| {
            json!({
                "name": if path.starts_with("/items") { "get_item" } else { "get_work" },
                "method": "GET", "path": path, "description": "",
                "params": [{"name": "id", "wire_name": "id", "in": "path", "required": true}],
                "input_schema": {"type": "object", "properties": {"id": {"type": "string"}},
                                 "required": ["id"], "additionalProperties": false},
                "schema_hash": ""
            })
        })
        .collect();
    let mut m: Manifest = serde_json::from_value(json!({
        "title": "Bench", "version": "1", "source_hash": "", "tools": tools
    }))
    .expect("bench manifest");
    for t in &mut m.tools {
        t.rehash();
    }
    m
}

fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let srv = rt.block_on(server::start());
    let m = manifest();
    let tool = m.tool("get_item").expect("tool");
    let request =
        build_request(tool, json!({"id": "1"}).as_object().expect("object")).expect("request");
    let exec = Executor::builder().base_url(&srv.url).build();
    let client = reqwest::Client::new();
    let url = format!("{}/items/1", srv.url);

    // p50 side by side, interleaved so both see the same machine state.
    let (mut bare, mut ours) = (Vec::new(), Vec::new());
    rt.block_on(async {
        for _ in 0..2000 {
            let t = Instant::now();
            let r = client.get(&url).send().await.expect("send");
            let _ = r.bytes().await.expect("body");
            bare.push(t.elapsed());
            let t = Instant::now();
            let r = exec.execute(Target::new(&m, tool), &request).await;
            assert!(r.is_success());
            ours.push(t.elapsed());
        }
    });
    let (b, o) = (p50(bare), p50(ours));
    println!(
        "exec_overhead p50: bare reqwest {:?}, executor {:?}, ratio {:.3}x",
        b,
        o,
        o.as_secs_f64() / b.as_secs_f64()
    );

    let mut g = c.benchmark_group("exec_overhead");
    g.bench_function("bare_reqwest", |bch| {
        bch.to_async(&rt).iter(|| async {
            let r = client.get(&url).send().await.expect("send");
            r.bytes().await.expect("body")
        })
    });
    g.bench_function("executor", |bch| {
        bch.to_async(&rt)
            .iter(|| async { exec.execute(Target::new(&m, tool), &request).await })
    });
    g.finish();

    let registry = Registry::default();
    registry
        .install_manifest("bench", m.clone(), InstallOptions::default())
        .expect("install");
    let snapshot = registry.snapshot();
    let calls: Vec<ToolCall> = (0..100)
        .map(|i| ToolCall {
            id: format!("c{i}"),
            id_synthetic: false,
            name: "get_work".into(),
            arguments: Ok(json!({"id": i.to_string()})),
            rpc_id: None,
        })
        .collect();
    let mut g = c.benchmark_group("exec_turn_100_calls");
    g.sample_size(10);
    for n in [1usize, 8] {
        let exec = Executor::builder()
            .base_url(&srv.url)
            .concurrency(n)
            .per_host_concurrency(n)
            .build();
        let name = if n == 1 {
            "sequential".to_owned()
        } else {
            format!("concurrency_{n}")
        };
        g.bench_function(name, |bch| {
            bch.to_async(&rt).iter(|| async {
                let results = exec.run_turn(&snapshot, calls.clone()).await;
                assert_eq!(results.len(), 100);
                results
            })
        });
    }
    g.finish();
}

criterion_group!(exec_benches, benches);
criterion_main!(exec_benches);
