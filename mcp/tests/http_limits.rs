//! The Streamable HTTP transport against hostile clients on 127.0.0.1 (issue #21, item 6): one
//! trickling its headers, one holding a connection without a word, many opening connections,
//! and tokens the bearer check must get right (`bearer` in lower case, an empty token).

use std::net::SocketAddr;
use std::time::Duration;

use openapi_tools_mcp::McpServer;
use openapi_tools_mcp::http::{HttpOptions, Limits};
use openapi_tools_runtime::registry::Registry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start(limits: Limits, token: Option<&str>) -> SocketAddr {
    let server = McpServer::builder(
        Registry::new(),
        openapi_tools_runtime::exec::Executor::builder().build(),
    )
    .build();
    let options = HttpOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        bearer_token: token.map(str::to_owned),
        limits,
        ..HttpOptions::default()
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(openapi_tools_mcp::http::serve(
        server,
        options,
        std::future::pending(),
        move |addr| {
            let _ = tx.send(addr);
        },
    ));
    rx.await.unwrap()
}

/// Whether the server closes `stream` within `within` (reads until EOF or an error).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

fn quick() -> Limits {
    Limits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        max_connections: 512,
    }
}

/// A client sending its headers a byte at a time (slowloris) was kept forever; now the
/// connection is closed once the header-read timeout passes, trickle or not.
#[tokio::test]
async fn trickled_headers_are_cut_off_at_the_header_read_timeout() {
    let addr = start(quick(), None).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let trickle = async {
        for b in
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        {
            if s.write_all(&[*b]).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        closed_within(&mut s, Duration::from_secs(3)).await
    };
    assert!(
        tokio::time::timeout(Duration::from_secs(10), trickle)
            .await
            .unwrap_or(false),
        "a trickling client is still connected"
    );
}

/// A connection that never sends a byte, and one whose request body stalls, are closed.
#[tokio::test]
async fn silent_and_stalled_connections_are_closed() {
    let addr = start(quick(), None).await;
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(3)).await);
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled
        .write_all(
            b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\":",
        )
        .await
        .unwrap();
    assert!(closed_within(&mut stalled, Duration::from_secs(3)).await);
}

/// 1,100 idle connections were all held; beyond the cap new ones are now closed at once,
/// and a connection is accepted again once one closes.
#[tokio::test]
async fn connections_beyond_the_cap_are_closed() {
    let limits = Limits {
        max_connections: 4,
        header_read_timeout: Duration::from_secs(30),
        idle_timeout: Duration::from_secs(30),
    };
    let addr = start(limits, None).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = TcpStream::connect(addr).await.unwrap();
    assert!(closed_within(&mut extra, Duration::from_secs(2)).await);
    // The held ones are still open.
    let mut first = held.remove(0);
    assert!(!closed_within(&mut first, Duration::from_millis(200)).await);
    drop(first);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut again = TcpStream::connect(addr).await.unwrap();
    assert!(!closed_within(&mut again, Duration::from_millis(300)).await);
}

async fn status_with(addr: SocketAddr, authorization: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let req = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {authorization}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

/// The scheme name of `Authorization` is case-insensitive (RFC 9110): `bearer <token>` was
/// refused. An empty token is refused at start instead of letting `Bearer ` in.
#[tokio::test]
async fn bearer_scheme_in_any_case_and_no_empty_token() {
    let addr = start(Limits::default(), Some("mcp-t0ken")).await;
    for (auth, ok) in [
        ("Bearer mcp-t0ken", true),
        ("bearer mcp-t0ken", true),
        ("BEARER mcp-t0ken", true),
        ("Bearer mcp-t0ke", false),
        ("Basic mcp-t0ken", false),
        ("Bearer ", false),
    ] {
        let status = status_with(addr, auth).await;
        assert_eq!(!status.contains(" 401 "), ok, "{auth}: {status}");
    }
    let server = McpServer::builder(
        Registry::new(),
        openapi_tools_runtime::exec::Executor::builder().build(),
    )
    .build();
    let options = HttpOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        bearer_token: Some(String::new()),
        ..HttpOptions::default()
    };
    let err = openapi_tools_mcp::http::serve(server, options, std::future::pending(), |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}
