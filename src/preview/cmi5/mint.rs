//! What the preview's LMS makes up at run time: registrations, session ids and tokens
//! (random, from the operating system), and statement timestamps. None of it reaches a
//! package: the packages' identifiers still come from `module.toml` only.

use std::time::{SystemTime, UNIX_EPOCH};

/// 16 random bytes from the operating system.
fn random() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    // Without a random source the preview could not keep one launch's token from another's.
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    bytes
}

/// A random (version 4) UUID, lower case: a registration, a session id, a statement id.
pub(crate) fn uuid() -> String {
    let mut b = random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A secret for a URL or an `Authorization: Basic` token: 32 hexadecimal digits (also valid
/// base64 text, which is what cmi5 §8.2 promises the AU).
pub(crate) fn secret() -> String {
    hex(&random())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `text` is a UUID in the 8-4-4-4-12 hexadecimal form (xAPI statement ids).
pub(crate) fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// Now, as an xAPI timestamp: UTC, ISO 8601 with milliseconds (`2025-01-31T09:05:00.123Z`).
pub(crate) fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    timestamp(since.as_millis())
}

/// Milliseconds since 1970 as an xAPI timestamp (proleptic Gregorian calendar, UTC).
pub(crate) fn timestamp(millis: u128) -> String {
    let secs = (millis / 1000) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        millis % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_and_differ() {
        let (a, b) = (uuid(), uuid());
        assert_ne!(a, b);
        assert!(is_uuid(&a), "{a}");
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert!(!is_uuid("not-a-uuid"));
        assert!(!is_uuid("0000000-0000-0000-0000-0000000000000"));
        assert_eq!(secret().len(), 32);
    }

    #[test]
    fn timestamps_are_utc_with_milliseconds() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(timestamp(1_738_314_300_000), "2025-01-31T09:05:00.000Z");
        assert_eq!(now().len(), 24);
    }
}
