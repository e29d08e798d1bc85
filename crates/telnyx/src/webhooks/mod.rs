//! Telnyx webhooks: verify the Ed25519 signature of a delivery and decode it into a typed
//! [`Event`].
//!
//! Telnyx signs every webhook it sends. Two headers come with the POST:
//!
//! - `telnyx-signature-ed25519`: the base64 of a 64-byte Ed25519 signature;
//! - `telnyx-timestamp`: when it was signed, in Unix seconds.
//!
//! The signed message is `{timestamp}|{raw body}`, verified with your account's base64
//! public key (Mission Control Portal > Keys & Credentials > Public Key; it is not the API
//! key). A [`Verifier`] checks the signature (strict Ed25519, `ed25519-dalek`'s
//! `verify_strict`), then that the timestamp is within a tolerance of now (default
//! [`DEFAULT_TOLERANCE`], 300 s, in both directions) so that a captured delivery cannot be
//! replayed later, then decodes the body into an [`Event`].
//!
//! ```
//! use telnyx::webhooks::{EventType, Payload, Verifier};
//! # let signer = telnyx::webhooks::TestSigner::from_seed([7; 32]);
//! # let public_key = signer.public_key_base64();
//! # let body = br#"{"data":{"id":"e1","event_type":"message.finalized","record_type":"event",
//! #   "occurred_at":"2025-05-01T12:00:00Z","payload":{"id":"m1","to":[{"phone_number":"+13125550100","status":"delivered"}]}},
//! #   "meta":{"attempt":1,"delivered_to":"https://example.com/hooks"}}"#;
//! # let headers = signer.sign_now(body).to_header_map();
//!
//! // Once, at startup (or Verifier::from_env(), which reads TELNYX_PUBLIC_KEY).
//! let verifier = Verifier::new(&public_key)?;
//!
//! // Per request: the raw body bytes and the request headers.
//! let event = verifier.verify_headers(body, &headers)?;
//! assert_eq!(event.data.event_type, EventType::MessageFinalized);
//! if let Payload::Message(message) = &event.data.payload {
//!     println!("message {:?} to {:?}", message.id, message.to.first().map(|r| &r.status));
//! }
//! # Ok::<(), telnyx::Error>(())
//! ```
//!
//! # The raw-body pitfall
//!
//! The signature covers the exact bytes Telnyx sent. Verify **those bytes**, before any
//! JSON parsing: a body that was parsed and serialized again (by a framework's JSON
//! extractor, a middleware, a logger) almost never has the same bytes — key order, spacing,
//! number formats and escapes change — and its signature fails, even though the event is
//! authentic. In axum take the body as `bytes::Bytes` (not `Json<T>`); in other frameworks
//! ask for the raw body, and make sure no body-parsing middleware runs first on the
//! webhook route. [`Verifier::verify`] decodes the event for you from the same bytes, so
//! there is never a reason to parse first.
//!
//! ```
//! use telnyx::webhooks::{Reason, TestSigner};
//!
//! let signer = TestSigner::from_seed([1; 32]);
//! let verifier = signer.verifier();
//! let raw = br#"{"data": {"id": "e1", "event_type": "call.hangup", "payload": {}}}"#;
//! let signed = signer.sign_now(raw);
//!
//! // The raw bytes verify.
//! assert!(verifier.verify(raw, &signed.signature, &signed.timestamp).is_ok());
//!
//! // The same JSON, parsed and serialized again, does not: the spaces are gone.
//! let value: serde_json::Value = serde_json::from_slice(raw).unwrap();
//! let reserialized = serde_json::to_vec(&value).unwrap();
//! let err = verifier.verify(&reserialized, &signed.signature, &signed.timestamp).unwrap_err();
//! assert_eq!(err.webhook_reason(), Some(&Reason::SignatureMismatch));
//! ```
//!
//! In axum the handler takes the headers and the body as `Bytes` (the whole endpoint, with
//! a queue and deduplication, is `examples/webhook_axum.rs`):
//!
//! ```
//! use std::sync::Arc;
//! use axum::{body::Bytes, extract::State, http::{HeaderMap, StatusCode}};
//! use telnyx::webhooks::Verifier;
//!
//! async fn webhook(State(verifier): State<Arc<Verifier>>, headers: HeaderMap, body: Bytes) -> StatusCode {
//!     match verifier.verify_headers(&body, &headers) {
//!         Ok(event) => {
//!             tokio::spawn(async move { println!("{}", event.data.event_type) }); // handle later
//!             StatusCode::OK
//!         }
//!         Err(err) => {
//!             let status = err.webhook_reason().map_or(400, |r| r.http_status());
//!             StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST)
//!         }
//!     }
//! }
//! let app: axum::Router = axum::Router::new()
//!     .route("/webhooks", axum::routing::post(webhook))
//!     .with_state(Arc::new(Verifier::new("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")?));
//! # Ok::<(), telnyx::Error>(())
//! ```
//!
//! # Errors
//!
//! Every failure is a [`crate::Error`] of kind [`ErrorKind::Webhook`](crate::ErrorKind::Webhook)
//! whose [`Error::webhook_reason`](crate::Error::webhook_reason) gives the [`Reason`] as
//! data (missing header, malformed signature, timestamp outside the tolerance and by how
//! much, signature mismatch, body that is not an event and where); its message says what
//! to do. [`Reason::http_status`] is the status a receiver should answer.
//!
//! # Answer fast
//!
//! Telnyx waits about 2 seconds for a `2xx` and then retries (and eventually gives up on
//! the URL). Verify, hand the event to a queue or a task, and answer `200` at once; do the
//! slow work afterwards. Retries deliver the same event again (same `data.id`, a higher
//! `meta.attempt`): make the handling idempotent on `data.id`. `examples/webhook_axum.rs`
//! shows the whole shape.
//!
//! # Testing your own endpoint
//!
//! [`TestSigner`] makes a key pair and signs bodies the way Telnyx does, so handler tests
//! need no key from Telnyx: build the endpoint's verifier from
//! [`TestSigner::public_key_base64`] and send it bodies signed by the signer.

mod event;
mod names;
mod reason;
mod signer;
mod verify;

/// The message enums of the detail records, shared by the webhook message payloads.
pub use crate::resources::{MessageDirection, MessageType};
pub use event::{
    CallDirection, CallPayload, CallState, DeliveryStatus, Event, EventData, EventMeta, EventType,
    HangupCause, HangupSource, MessageCost, MessageCostBreakdown, MessageEndpoint, MessageMedia,
    MessagePayload, Payload, SipHeader,
};
pub use names::{PUBLIC_KEY_ENV, SIGNATURE_HEADER, TIMESTAMP_HEADER};
pub use reason::Reason;
pub use signer::{SignedHeaders, TestSigner};
pub use verify::{Verifier, DEFAULT_TOLERANCE};
