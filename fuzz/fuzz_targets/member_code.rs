//! The member code a cashier scans or types: any text is read without a panic, and a code is
//! taken only in the step it was made or the one after, from the secret it was made with.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shopbag_api::member::code::{seconds_left, step_at, STEP_SECONDS};
use shopbag_api::member::{CodeSecret, DeviceNumber, MemberCode};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    /// What the till read.
    text: &'a str,
    /// A stored secret as hex, as the device keeps it.
    hex: &'a str,
    secret: [u8; 20],
    device: u32,
    /// When the code was made and when it is checked (any clocks).
    made_at: i64,
    checked_at: i64,
}

fuzz_target!(|input: Input| {
    if let Ok(code) = MemberCode::parse(input.text) {
        let typed: String = input.text.chars().filter(|c| *c != ' ').collect();
        assert_eq!(
            code.to_string(),
            typed,
            "a code reads back as the digits scanned"
        );
    }
    if let Some(secret) = CodeSecret::from_hex(input.hex) {
        assert_eq!(secret.to_hex(), input.hex.to_ascii_lowercase());
    }

    let secret = CodeSecret::from_bytes(input.secret);
    assert_eq!(
        CodeSecret::from_hex(&secret.to_hex())
            .as_ref()
            .map(CodeSecret::expose),
        Some(secret.expose())
    );
    let Some(device) = DeviceNumber::new(input.device) else {
        return;
    };
    let code = MemberCode::at(device, &secret, input.made_at);
    assert_eq!(MemberCode::parse(&code.to_string()), Ok(code));
    assert!((1..=STEP_SECONDS).contains(&seconds_left(input.checked_at)));

    let made = step_at(input.made_at);
    assert_eq!(code.step_made(&secret, input.made_at), Some(made));
    let checked = step_at(input.checked_at);
    if let Some(step) = code.step_made(&secret, input.checked_at) {
        assert!(
            step == checked || step + 1 == checked,
            "only the step now or the one before"
        );
    }
    // The next step still takes it (shown just before it changed); later ones take it only if
    // the digits happen to repeat, one chance in 10^8.
    let next = input.made_at.saturating_add(STEP_SECONDS as i64 * 1000);
    if step_at(next) == made + 1 {
        assert_eq!(code.step_made(&secret, next), Some(made));
    }
});
