//! A Telnyx webhook endpoint in axum: verify the raw body, answer 200 at once, handle the
//! event afterwards.
//!
//! ```sh
//! TELNYX_PUBLIC_KEY=<base64 public key> cargo run -p telnyx --example webhook_axum
//! # listens on 127.0.0.1:3000 (or BIND=host:port); configure https://<public host>/webhooks
//! ```
//!
//! The three things that matter:
//! 1. The body is taken as `Bytes`, never `Json<T>`: the signature covers the raw bytes,
//!    and JSON parsed and serialized again does not verify (see the `telnyx::webhooks` docs).
//! 2. The answer goes out as soon as the event is verified and queued: Telnyx waits about
//!    2 seconds before it counts the attempt as failed and retries.
//! 3. The worker deduplicates on `data.id`: a retried delivery carries the same event id.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use telnyx::webhooks::{Event, Payload, Verifier};
use tokio::sync::mpsc;

/// What the handler shares: the verifier and the queue to the worker.
#[derive(Clone)]
struct AppState {
    verifier: Arc<Verifier>,
    events: mpsc::Sender<Event>,
}

/// POST /webhooks: verify, queue, answer.
async fn webhook(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let event = match app.verifier.verify_headers(&body, &headers) {
        Ok(event) => event,
        Err(err) => {
            // A rejected request: say why (the reason never reveals key material) and
            // answer 4xx, which Telnyx records as a failed attempt.
            let status = err
                .webhook_reason()
                .and_then(|r| StatusCode::from_u16(r.http_status()).ok())
                .unwrap_or(StatusCode::BAD_REQUEST);
            eprintln!("rejected webhook: {err}");
            return (status, format!("{err}\n"));
        }
    };
    match app.events.try_send(event) {
        Ok(()) => (StatusCode::OK, "ok\n".into()),
        // The worker is behind: 503 makes Telnyx retry later instead of losing the event.
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "busy, retry later\n".into(),
        ),
    }
}

/// The slow part, off the request path.
async fn worker(mut events: mpsc::Receiver<Event>) {
    let mut seen = HashSet::new();
    while let Some(event) = events.recv().await {
        if !seen.insert(event.data.id.clone()) {
            continue; // a retry of an event already handled
        }
        match &event.data.payload {
            Payload::Message(m) => {
                let to = m.to.first();
                println!(
                    "{} message {} to {} status {}",
                    event.data.event_type,
                    m.id.as_deref().unwrap_or("-"),
                    to.and_then(|r| r.phone_number.as_deref()).unwrap_or("-"),
                    to.and_then(|r| r.status.as_ref())
                        .map_or("-", |s| s.as_str()),
                );
            }
            Payload::Call(c) => println!(
                "{} call {} from {} to {}",
                event.data.event_type,
                c.call_control_id.as_deref().unwrap_or("-"),
                c.from.as_deref().unwrap_or("-"),
                c.to.as_deref().unwrap_or("-"),
            ),
            Payload::Unknown(raw) => println!("{} {raw}", event.data.event_type),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // TELNYX_PUBLIC_KEY: Mission Control Portal > Keys & Credentials > Public Key.
    let verifier = Verifier::from_env()?;
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".into());

    let (tx, rx) = mpsc::channel(1024);
    tokio::spawn(worker(rx));
    let app = Router::new()
        .route("/webhooks", post(webhook))
        .with_state(AppState {
            verifier: Arc::new(verifier),
            events: tx,
        });

    let listener = tokio::net::TcpListener::bind(&bind).await?;
    eprintln!("listening on http://{}/webhooks", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
