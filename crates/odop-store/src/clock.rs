use std::time::{SystemTime, UNIX_EPOCH};

/// The current UTC time as RFC 3339 with milliseconds (what the desk stamps history and sync
/// reports with), e.g. `2026-11-24T03:15:09.120Z`.
pub fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    odop_domain::format_utc_millis(since.as_millis() as i64)
}

/// Today in UTC: the day overdue actions are judged on when the reader's own is not given.
pub fn today() -> odop_domain::Date {
    now()[..10]
        .parse()
        .unwrap_or_else(|_| unreachable!("the clock writes the date first, as YYYY-MM-DD"))
}
