//! A stateful local Telnyx Account API server.
