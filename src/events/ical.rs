//! iCalendar (RFC 5545) output: what calendar apps import from
//! `GET /api/v1/events.ics`. Times are written in Asia/Ho_Chi_Minh (a fixed
//! UTC+7, described by its own VTIMEZONE), text is escaped, and lines are
//! folded at 75 octets without splitting a UTF-8 character.

use chrono::NaiveDateTime;

use crate::clock::vietnam_date;

pub struct IcalEvent<'a> {
    pub uid: String,
    pub stamp: NaiveDateTime,
    pub created: NaiveDateTime,
    pub starts_at: NaiveDateTime,
    /// Exclusive end; for all-day events the day after the last one.
    pub ends_at: Option<NaiveDateTime>,
    pub all_day: bool,
    pub summary: &'a str,
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub status: &'a str,
    pub categories: &'a str,
    /// The organizing organization's name and e-mail (ORGANIZER needs an address).
    pub organizer: Option<(&'a str, &'a str)>,
}

const TZID: &str = "Asia/Ho_Chi_Minh";

/// Escapes TEXT values (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (`CN="…"`): a quoted string holds no control
/// character (a line break would start a property of its own) and no quote.
pub fn param_value(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect()
}

/// Folds a content line into 75-octet pieces joined by CRLF + space.
pub fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
}

fn local(at: NaiveDateTime) -> String {
    (at + chrono::Duration::hours(7)).format("%Y%m%dT%H%M%S").to_string()
}

fn utc_stamp(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

fn ical_status(status: &str) -> &'static str {
    match status {
        "cancelled" => "CANCELLED",
        "postponed" => "TENTATIVE",
        _ => "CONFIRMED",
    }
}

pub fn calendar(name: &str, events: &[IcalEvent<'_>]) -> String {
    let mut out = String::new();
    let mut line = |l: String| fold(&l, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//bantin//bantin events//VI".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    line(format!("X-WR-TIMEZONE:{TZID}"));
    line("BEGIN:VTIMEZONE".into());
    line(format!("TZID:{TZID}"));
    line("BEGIN:STANDARD".into());
    line("DTSTART:19700101T000000".into());
    line("TZOFFSETFROM:+0700".into());
    line("TZOFFSETTO:+0700".into());
    line("TZNAME:ICT".into());
    line("END:STANDARD".into());
    line("END:VTIMEZONE".into());
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&e.uid)));
        line(format!("DTSTAMP:{}", utc_stamp(e.stamp)));
        line(format!("CREATED:{}", utc_stamp(e.created)));
        line(format!("LAST-MODIFIED:{}", utc_stamp(e.stamp)));
        if e.all_day {
            line(format!(
                "DTSTART;VALUE=DATE:{}",
                vietnam_date(e.starts_at).format("%Y%m%d")
            ));
            if let Some(end) = e.ends_at {
                line(format!("DTEND;VALUE=DATE:{}", vietnam_date(end).format("%Y%m%d")));
            }
        } else {
            line(format!("DTSTART;TZID={TZID}:{}", local(e.starts_at)));
            if let Some(end) = e.ends_at {
                line(format!("DTEND;TZID={TZID}:{}", local(end)));
            }
        }
        line(format!("SUMMARY:{}", escape(e.summary)));
        if let Some(d) = e.description {
            line(format!("DESCRIPTION:{}", escape(d)));
        }
        if let Some(l) = e.location {
            line(format!("LOCATION:{}", escape(l)));
        }
        if let Some((name, email)) = e.organizer {
            line(format!(
                "ORGANIZER;CN=\"{}\":mailto:{}",
                param_value(name),
                param_value(email)
            ));
        }
        line(format!("CATEGORIES:{}", escape(e.categories)));
        line(format!("STATUS:{}", ical_status(e.status)));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_text_can_start_a_property_of_its_own() {
        let name = "Thị ủy\r\nATTENDEE:mailto:evil@example.com\n\"x\"";
        let event = IcalEvent {
            uid: "event-1@bantin".into(),
            stamp: chrono::NaiveDate::from_ymd_opt(2022, 7, 19)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            created: chrono::NaiveDate::from_ymd_opt(2022, 7, 19)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            starts_at: chrono::NaiveDate::from_ymd_opt(2022, 7, 19)
                .unwrap()
                .and_hms_opt(1, 0, 0)
                .unwrap(),
            ends_at: None,
            all_day: false,
            summary: name,
            description: Some(name),
            location: Some(name),
            status: "scheduled",
            categories: "meeting",
            organizer: Some((name, "thiuy@honglinh.vn")),
        };
        let text = calendar(name, &[event]);
        let unfolded = text.replace("\r\n ", "");
        for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(!line.starts_with("ATTENDEE"), "{line}");
            assert!(line.contains(':'), "every line is a property: {line:?}");
        }
    }

    #[test]
    fn escapes_and_folds_by_octets() {
        assert_eq!(
            escape("Hội nghị; giao ban, 6 tháng\\năm\nmới"),
            "Hội nghị\\; giao ban\\, 6 tháng\\\\năm\\nmới"
        );
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "Đặng Thanh Hải ".repeat(12));
        fold(&long, &mut out);
        for piece in out.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(piece.len() <= 75, "{} octets: {piece}", piece.len());
        }
        let unfolded = out.strip_suffix("\r\n").unwrap().replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }
}
