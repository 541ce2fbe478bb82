use super::code::{seconds_left, step_at, totp_at_step, SECRET_BYTES};
use super::*;

/// RFC 6238's key for its SHA-1 vectors.
const RFC_SECRET: &[u8; 20] = b"12345678901234567890";

#[test]
fn totp_matches_rfc_6238_test_vectors() {
    // Appendix B, SHA1 column: (time in seconds, 8-digit TOTP).
    let vectors = [
        (59, 94_287_082),
        (1_111_111_109, 7_081_804),
        (1_111_111_111, 14_050_471),
        (1_234_567_890, 89_005_924),
        (2_000_000_000, 69_279_037),
        (20_000_000_000, 65_353_130),
    ];
    for (seconds, expected) in vectors {
        let step = step_at(seconds * 1000);
        assert_eq!(totp_at_step(RFC_SECRET, step), expected, "T = {seconds}");
    }
}

fn device() -> DeviceNumber {
    DeviceNumber::new(12_345_678).unwrap()
}

fn secret() -> CodeSecret {
    CodeSecret::from_bytes(*RFC_SECRET)
}

#[test]
fn a_code_is_97_the_device_and_eight_digits_and_reads_back() {
    let code = MemberCode::at(device(), &secret(), 59_000);
    assert_eq!(code.to_string(), "971234567894287082");
    assert_eq!(MemberCode::parse("971234567894287082"), Ok(code));
    // Typed in groups at a till.
    assert_eq!(MemberCode::parse("9712 3456 7894 2870 82"), Ok(code));
    // Leading zeros of the TOTP are kept.
    let early = MemberCode::at(device(), &secret(), 1_111_111_109_000);
    assert_eq!(early.to_string(), "971234567807081804");
    assert_eq!(MemberCode::parse(&early.to_string()), Ok(early));
}

#[test]
fn what_is_not_a_member_code_says_why() {
    let cases = [
        ("", MalformedCode::Shape),
        ("97123456789428708", MalformedCode::Shape),
        ("9712345678942870821", MalformedCode::Shape),
        ("97123456789428708a", MalformedCode::Shape),
        // A payment code's prefix: another kind of code.
        ("281234567894287082", MalformedCode::Prefix),
        // Device numbers have 8 digits, the first not 0.
        ("970123456794287082", MalformedCode::Shape),
        ("９７1234567894287082", MalformedCode::Shape),
    ];
    for (text, why) in cases {
        assert_eq!(MemberCode::parse(text), Err(why), "{text:?}");
    }
}

#[test]
fn a_code_counts_in_its_step_and_the_one_after_not_later_nor_earlier() {
    let made_at = 1_111_111_109_000; // step 37037036, 1 s before the next step
    let code = MemberCode::at(device(), &secret(), made_at);
    let step = step_at(made_at);
    assert_eq!(code.step_made(&secret(), made_at), Some(step));
    // Shown just before it changed, scanned just after.
    assert_eq!(code.step_made(&secret(), made_at + 1_000), Some(step));
    assert_eq!(code.step_made(&secret(), made_at + 30_999), Some(step));
    // Two steps on: stale.
    assert_eq!(code.step_made(&secret(), made_at + 31_000), None);
    // A code from the future (a device clock ahead) is not taken.
    assert_eq!(code.step_made(&secret(), made_at - 30_000), None);
    // Another secret does not make it.
    let other = CodeSecret::from_bytes([7; SECRET_BYTES]);
    assert_eq!(code.step_made(&other, made_at), None);
}

#[test]
fn the_countdown_runs_from_30_to_1() {
    assert_eq!(seconds_left(0), 30);
    assert_eq!(seconds_left(29_999), 1);
    assert_eq!(seconds_left(30_000), 30);
    assert_eq!(seconds_left(59_000), 1);
}

#[test]
fn a_secret_never_prints_and_crosses_the_wire_as_hex() {
    let secret = secret();
    assert_eq!(format!("{secret:?}"), "CodeSecret(…)");
    let json = serde_json::to_string(&secret).unwrap();
    assert_eq!(json, "\"3132333435363738393031323334353637383930\"");
    assert_eq!(serde_json::from_str::<CodeSecret>(&json).unwrap(), secret);
    assert!(serde_json::from_str::<CodeSecret>("\"31323334\"").is_err());
    assert!(serde_json::from_str::<CodeSecret>(&format!("\"{}\"", "zz".repeat(20))).is_err());
}

/// Found by the `member_code` fuzz target: each pair went through `u8::from_str_radix`, which
/// also takes a sign, so `+1` read as the byte 01 and one secret had many spellings.
#[test]
fn a_secret_is_hex_digits_only() {
    let hex = secret().to_hex();
    let signed = format!("+{}", &hex[1..]);
    assert_eq!(signed.len(), hex.len());
    assert_eq!(CodeSecret::from_hex(&signed), None);
    assert_eq!(CodeSecret::from_hex(&hex.to_uppercase()), Some(secret()));
}

#[test]
fn phone_numbers_are_read_as_typed_and_only_shown_masked() {
    for typed in [
        "13800000001",
        "138 0000 0001",
        "+86 138-0000-0001",
        "008613800000001",
    ] {
        let phone = Phone::parse(typed).unwrap();
        assert_eq!(phone.digits(), "13800000001", "{typed}");
        assert_eq!(phone.masked(), "138****0001");
        assert_eq!(format!("{phone:?}"), "Phone(138****0001)");
    }
    for not in [
        "",
        "1380000000",
        "138000000012",
        "12800000001",
        "23800000001",
        "1380000000a",
    ] {
        assert_eq!(Phone::parse(not), None, "{not}");
    }
}

#[test]
fn sign_in_codes_are_six_digits() {
    assert_eq!(sign_in_code(" 123 456 ").as_deref(), Some("123456"));
    assert_eq!(sign_in_code("12345"), None);
    assert_eq!(sign_in_code("12345a"), None);
}

#[test]
fn a_point_for_each_full_yuan_paid() {
    assert_eq!(points_for(Money(0)), 0);
    assert_eq!(points_for(Money(99)), 0);
    assert_eq!(points_for(Money(129_950)), 1_299);
    assert_eq!(points_for(Money(-100)), 0);
}
