//! "Add to calendar": festival moments as an iCalendar file (RFC 5545) in the stores' time zone,
//! which any calendar app imports — the reminder that works everywhere, without permissions.

use crate::time::{Timestamp, STORE_UTC_OFFSET_MS};
use std::fmt::Write;

/// One moment to be reminded of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Unique and stable for the same moment, so importing twice updates rather than repeats.
    pub uid: String,
    pub starts_at: Timestamp,
    /// Minutes the event lasts (a moment, not a day: the phase may run for weeks).
    pub minutes: u32,
    pub summary: String,
    pub description: String,
}

/// The calendar file, CRLF lines folded at 75 octets; `stamp` is when it was made.
pub fn calendar(events: &[CalendarEvent], stamp: Timestamp) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//shopbag//festival reminders//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        // China keeps UTC+8 all year: one standard-time rule describes the zone fully.
        "BEGIN:VTIMEZONE".into(),
        "TZID:Asia/Shanghai".into(),
        "BEGIN:STANDARD".into(),
        "DTSTART:19700101T000000".into(),
        "TZOFFSETFROM:+0800".into(),
        "TZOFFSETTO:+0800".into(),
        "TZNAME:CST".into(),
        "END:STANDARD".into(),
        "END:VTIMEZONE".into(),
    ];
    for event in events {
        let ends = Timestamp(event.starts_at.0 + i64::from(event.minutes) * 60_000);
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", text(&event.uid)),
            format!("DTSTAMP:{}", utc(stamp)),
            format!("DTSTART;TZID=Asia/Shanghai:{}", local(event.starts_at)),
            format!("DTEND;TZID=Asia/Shanghai:{}", local(ends)),
            format!("SUMMARY:{}", text(&event.summary)),
            format!("DESCRIPTION:{}", text(&event.description)),
            "BEGIN:VALARM".into(),
            "ACTION:DISPLAY".into(),
            "TRIGGER:-PT10M".into(),
            format!("DESCRIPTION:{}", text(&event.summary)),
            "END:VALARM".into(),
            "END:VEVENT".into(),
        ]);
    }
    lines.push("END:VCALENDAR".into());
    let mut file = String::new();
    for line in lines {
        fold(&line, &mut file);
    }
    file
}

/// `20261212T000000`: the stores' wall-clock time.
fn local(at: Timestamp) -> String {
    let c = at.in_store();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// `20261211T160000Z`.
fn utc(at: Timestamp) -> String {
    let c = Timestamp(at.0 - STORE_UTC_OFFSET_MS).in_store();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped.
fn text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Appends `line` with CRLF, folded so that no line exceeds 75 octets, never inside a
/// character (Chinese text is three octets a character).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn an_event_starts_at_the_stores_wall_clock_time_whatever_the_zone_it_was_made_in() {
        let event = CalendarEvent {
            uid: "1212-2026-main_day@shopbag".into(),
            starts_at: at("2026-12-11T16:00:00Z"),
            minutes: 30,
            summary: "12.12 main day".into(),
            description: "Wool coat: ¥1,299.00 → ¥1,099.00".into(),
        };
        let file = calendar(&[event], at("2026-12-06T09:30:00+08:00"));
        assert!(file.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(file.ends_with("END:VCALENDAR\r\n"));
        assert!(file.contains("\r\nDTSTART;TZID=Asia/Shanghai:20261212T000000\r\n"));
        assert!(file.contains("\r\nDTEND;TZID=Asia/Shanghai:20261212T003000\r\n"));
        assert!(file.contains("\r\nDTSTAMP:20261206T013000Z\r\n"));
        assert!(file.contains("\r\nTZID:Asia/Shanghai\r\n"));
        assert!(file.contains("DESCRIPTION:Wool coat: ¥1\\,299.00 → ¥1\\,099.00\r\n"));
    }

    #[test]
    fn text_is_escaped_and_long_lines_fold_between_characters() {
        assert_eq!(text("a;b,c\\d\ne\r"), "a\\;b\\,c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "双十二".repeat(20));
        fold(&long, &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded: String = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
    }
}
