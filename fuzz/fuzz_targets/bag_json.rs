//! A bag's operations as they arrive: any bytes as the body of `POST /bag/ops`, read by the
//! hand-written operation reader (`crates/api/src/bag/read.rs`).
//!
//! Holds: what is read writes back to JSON that reads as the same operations; and an operation's
//! size bound (what a device fits its batches to the body limit by) is never below its JSON's
//! length, as serde writes it or as a browser's `JSON.stringify` does (the same, but for `/`,
//! which neither escapes).

#![no_main]

use libfuzzer_sys::fuzz_target;
use shopbag_api::bag::OpsBatch;

fuzz_target!(|body: &[u8]| {
    let Ok(batch) = serde_json::from_slice::<OpsBatch>(body) else {
        return;
    };
    let written = serde_json::to_string(&batch).expect("operations write as JSON");
    let read: OpsBatch = serde_json::from_str(&written).expect("written operations read back");
    assert_eq!(read, batch);
    for op in &batch.ops {
        let _ = op.validate();
        let json = serde_json::to_string(op).expect("an operation writes as JSON");
        assert!(
            op.json_bytes_bound() >= json.len(),
            "{} bytes: {json}",
            op.json_bytes_bound()
        );
    }
});
