//! E-mail drafts of letters (RFC 5322, `.eml`): to the mission's e-mail address, the
//! letter's subject, its text as the body and its HTML attached, ready to open and send in
//! any mail client. Nothing is sent. Built with `mail-builder`; the date, the Message-ID and
//! the MIME boundary come from the letter, so the same letter gives the same bytes.

use chrono::NaiveDate;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

/// What a draft is made of.
pub struct EmlDraft<'a> {
    pub from_name: &'a str,
    pub from_email: &'a str,
    /// The mission's e-mail address; a draft without one is written for the user to
    /// address.
    pub to: Option<&'a str>,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub html_file_name: &'a str,
    /// Unique to the letter: its reference number and party.
    pub id: &'a str,
    pub date: NaiveDate,
}

/// A 64-bit FNV-1a hash, for a boundary that is the same for the same letter.
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The draft as the bytes of an `.eml` file.
pub fn eml(draft: &EmlDraft<'_>) -> std::io::Result<Vec<u8>> {
    let local: String = draft
        .id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
        .collect();
    let domain = draft
        .from_email
        .rsplit_once('@')
        .map_or("isu-ledger.invalid", |(_, domain)| domain);
    let boundary = format!("isu-ledger-{:016x}", fnv1a(draft.id));
    // Nine in the morning, UTC, of the letter's date: the time is the mail client's to set
    // when the draft is sent.
    let date = draft
        .date
        .and_hms_opt(9, 0, 0)
        .map_or(0, |time| time.and_utc().timestamp());
    let body = MimePart::new(
        ContentType::new("multipart/mixed").attribute("boundary", boundary),
        vec![
            MimePart::new("text/plain", draft.text),
            MimePart::new("text/html", draft.html).attachment(draft.html_file_name),
        ],
    );
    let mut message = MessageBuilder::new()
        .from((draft.from_name, draft.from_email))
        .subject(draft.subject)
        .date(date)
        .message_id(format!("{local}@{domain}"))
        .header("X-Unsent", Raw::new("1"))
        .body(body);
    if let Some(to) = draft.to {
        message = message.to(to);
    }
    message.write_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(id: &str) -> Vec<u8> {
        eml(&EmlDraft {
            from_name: "Unité d'appui à l'application",
            from_email: "isu@example.org",
            to: Some("mission@example.de"),
            subject: "Objet : Contributions dues pour 2017",
            text: "Excellence,\n\nJ'ai l'honneur…",
            html: "<p>Excellence,</p>",
            html_file_name: "2017-DEU.html",
            id,
            date: NaiveDate::from_ymd_opt(2017, 6, 30).unwrap(),
        })
        .unwrap()
    }

    #[test]
    fn a_draft_is_the_same_for_the_same_letter_and_holds_both_parts() {
        let first = draft("ISU/2017/001 DEU");
        assert_eq!(first, draft("ISU/2017/001 DEU"));
        assert_ne!(first, draft("ISU/2017/002 DEU"));
        let text = String::from_utf8(first).unwrap();
        for needle in [
            "To: <mission@example.de>",
            "Message-ID: <ISU.2017.001.DEU@example.org>",
            "Date: Fri, 30 Jun 2017 09:00:00 +0000",
            "X-Unsent: 1",
            "Content-Type: text/plain",
            "filename=\"2017-DEU.html\"",
        ] {
            assert!(text.contains(needle), "{needle} in\n{text}");
        }
        assert!(text.contains("\r\n"), "lines end in CRLF");
    }
}
