//! Dates and times as the pages show them ("5 Jan 2025, 14:03 UTC"), from RFC 3339 timestamps.

/// "5 Jan 2025, 14:03 UTC" from an RFC 3339 timestamp (as written, converted to UTC when it
/// carries an offset); the input as is when it is not one.
pub fn format_datetime(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some((y, mo, d, h, mi)) => format!("{d} {} {y}, {h:02}:{mi:02} UTC", MONTHS[mo - 1]),
        None => rfc3339.to_owned(),
    }
}

/// "5 Jan 2025" from an RFC 3339 timestamp.
pub fn format_date(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some((y, mo, d, _, _)) => format!("{d} {} {y}", MONTHS[mo - 1]),
        None => rfc3339.to_owned(),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month, day, hour, minute) in UTC.
fn parse_rfc3339(v: &str) -> Option<(i64, usize, i64, i64, i64)> {
    let num = |range: std::ops::Range<usize>| v.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    if v.get(4..5) != Some("-") || !matches!(v.get(10..11), Some("T" | "t" | " ")) {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // The offset: `Z`, or `±hh:mm` after the seconds and fraction.
    let rest = v.get(16..)?;
    let offset_minutes = match rest.find(['+', '-', 'Z', 'z']) {
        Some(i) if rest[i..].eq_ignore_ascii_case("z") => 0,
        Some(i) => {
            let sign = if rest[i..].starts_with('-') { -1 } else { 1 };
            let h = rest.get(i + 1..i + 3)?.parse::<i64>().ok()?;
            let m = rest.get(i + 4..i + 6)?.parse::<i64>().ok()?;
            sign * (h * 60 + m)
        }
        None => 0,
    };
    // To UTC through days since the epoch (civil-from-days, Howard Hinnant's algorithm).
    let days = days_from_civil(year, month, day);
    let total = (days * 24 * 60 + hour * 60 + minute) - offset_minutes;
    let (days, minutes) = (total.div_euclid(1440), total.rem_euclid(1440));
    let (y, m, d) = civil_from_days(days);
    Some((y, m as usize, d, minutes / 60, minutes % 60))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_shown_in_utc() {
        assert_eq!(
            format_datetime("2025-01-05T14:03:59Z"),
            "5 Jan 2025, 14:03 UTC"
        );
        assert_eq!(
            format_datetime("2025-01-05T14:03:59.123456+02:00"),
            "5 Jan 2025, 12:03 UTC"
        );
        assert_eq!(
            format_datetime("2024-12-31T23:30:00-01:00"),
            "1 Jan 2025, 00:30 UTC"
        );
        assert_eq!(format_date("2024-02-29T10:00:00+00:00"), "29 Feb 2024");
        assert_eq!(format_datetime("yesterday"), "yesterday");
        assert_eq!(
            format_datetime("2025-13-01T00:00:00Z"),
            "2025-13-01T00:00:00Z"
        );
    }
}
