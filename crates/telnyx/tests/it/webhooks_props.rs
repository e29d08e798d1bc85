//! Properties of webhook verification: whatever the body and the signing time, a signed
//! delivery verifies at any moment within the tolerance, and flipping any single byte of the
//! body, of the signature or of the timestamp makes it fail.

use std::time::{Duration, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use proptest::prelude::*;
use telnyx::webhooks::{Reason, TestSigner, Verifier};

use crate::common::reason;

fn verifier(signer: &TestSigner, now: u64) -> Verifier {
    signer
        .verifier()
        .clock(move || UNIX_EPOCH + Duration::from_secs(now))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_signed_body_verifies_within_the_tolerance(
        seed in any::<[u8; 32]>(),
        body in proptest::collection::vec(any::<u8>(), 0..3000),
        timestamp in 0u64..100_000_000_000,
        skew in -300i64..=300,
    ) {
        let signer = TestSigner::from_seed(seed);
        let signed = signer.sign(&body, i64::try_from(timestamp).unwrap());
        let now = timestamp.saturating_add_signed(skew);
        let v = verifier(&signer, now);
        prop_assert!(v.verify_signature(&body, &signed.signature, &signed.timestamp).is_ok());
        // The same through a HeaderMap, and with the verifier rebuilt from the base64 key.
        let rebuilt = Verifier::new(&signer.public_key_base64()).unwrap()
            .clock(move || UNIX_EPOCH + Duration::from_secs(now));
        prop_assert!(rebuilt.verify_signature_headers(&body, &signed.to_header_map()).is_ok());
    }

    #[test]
    fn any_single_byte_flip_of_the_body_fails(
        body in proptest::collection::vec(any::<u8>(), 1..3000),
        index in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let signer = TestSigner::from_seed([5; 32]);
        let signed = signer.sign(&body, 1_700_000_000);
        let v = verifier(&signer, 1_700_000_000);
        let mut tampered = body.clone();
        let i = index.index(tampered.len());
        tampered[i] ^= mask;
        prop_assert_eq!(
            reason(v.verify_signature(&tampered, &signed.signature, &signed.timestamp)),
            Reason::SignatureMismatch
        );
    }

    #[test]
    fn any_single_byte_flip_of_the_signature_fails(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        index in 0usize..64,
        mask in 1u8..=255,
    ) {
        let signer = TestSigner::from_seed([6; 32]);
        let signed = signer.sign(&body, 1_700_000_000);
        let v = verifier(&signer, 1_700_000_000);
        let mut sig = BASE64.decode(&signed.signature).unwrap();
        sig[index] ^= mask;
        prop_assert_eq!(
            reason(v.verify_signature(&body, &BASE64.encode(&sig), &signed.timestamp)),
            Reason::SignatureMismatch
        );
    }

    #[test]
    fn any_single_byte_flip_of_the_timestamp_fails(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        index in 0usize..10,
        mask in 1u8..=255,
    ) {
        let signer = TestSigner::from_seed([8; 32]);
        let signed = signer.sign(&body, 1_700_000_000);
        let v = verifier(&signer, 1_700_000_000).tolerance(Duration::from_secs(u64::MAX / 2));
        let mut ts = signed.timestamp.clone().into_bytes();
        ts[index] ^= mask;
        let ts = String::from_utf8_lossy(&ts).into_owned();
        // Still digits: a different signed message. Anything else: not a timestamp. Never valid.
        let r = reason(v.verify_signature(&body, &signed.signature, &ts));
        prop_assert!(
            matches!(r, Reason::SignatureMismatch | Reason::MalformedTimestamp { .. } | Reason::MissingHeader { .. }),
            "{:?} for {:?}", r, ts
        );
    }
}
