//! The pet shop the example talks to: a small in-memory implementation of
//! `specs/petstore.yaml` on 127.0.0.1 (an ephemeral port), so the example's calls make real
//! HTTP round trips without any network.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};

type Pets = Arc<Mutex<Vec<Value>>>;

/// Starts the shop; it serves until the process ends.
pub async fn start() -> std::io::Result<SocketAddr> {
    let pets: Pets = Arc::new(Mutex::new(vec![
        json!({"id": 7, "name": "Rex", "status": "available", "tag": "dog"}),
        json!({"id": 42, "name": "Molly", "status": "pending", "tag": "dog"}),
        json!({"id": 43, "name": "Tom", "status": "sold", "tag": "cat"}),
    ]));
    let app = axum::Router::new()
        .route("/v1/pets", get(list_pets).post(create_pet))
        .route("/v1/pets/{id}", get(show_pet))
        .route("/v1/store/orders", post(place_order))
        .with_state(pets);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("pet shop stopped: {e}");
        }
    });
    Ok(addr)
}

/// `GET /pets?limit=N&status=a,b` (form style, not exploded).
async fn list_pets(
    State(pets): State<Pets>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Json<Value> {
    let limit = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(20usize);
    let wanted: Vec<&str> = q
        .get("status")
        .map(|s| s.split(',').collect())
        .unwrap_or_default();
    let pets = pets.lock().map(|p| p.clone()).unwrap_or_default();
    let page: Vec<Value> = pets
        .into_iter()
        .filter(|p| wanted.is_empty() || wanted.iter().any(|w| p["status"] == *w))
        .take(limit)
        .collect();
    Json(Value::Array(page))
}

async fn show_pet(State(pets): State<Pets>, Path(id): Path<i64>) -> (StatusCode, Json<Value>) {
    let pets = pets.lock().map(|p| p.clone()).unwrap_or_default();
    match pets.into_iter().find(|p| p["id"] == id) {
        Some(p) => (StatusCode::OK, Json(p)),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"message": format!("no pet with id {id}")})),
        ),
    }
}

async fn create_pet(
    State(pets): State<Pets>,
    Json(mut pet): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if let (Ok(mut pets), Some(fields)) = (pets.lock(), pet.as_object_mut()) {
        let id = 100 + pets.len() as i64;
        fields.insert("id".into(), json!(id));
        pets.push(pet.clone());
    }
    (StatusCode::CREATED, Json(pet))
}

async fn place_order(Json(order): Json<Value>) -> Json<Value> {
    Json(json!({"id": 5001, "status": "placed", "order": order}))
}
