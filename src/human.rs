//! Numbers as people read them, shared by `check`, the status page and the
//! diagnosis, so the same value reads the same everywhere.

use std::time::{Duration, UNIX_EPOCH};

/// A span of time in its two largest units: `3 d 4 h`, `5 min 3 s`, `42 s`.
pub fn span(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "unknown".to_owned();
    }
    if seconds < 10.0 {
        return format!("{seconds:.1} s");
    }
    let total = seconds.round() as u64;
    let units = [(86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")];
    let mut parts = Vec::new();
    let mut rest = total;
    for (size, name) in units {
        if rest >= size || !parts.is_empty() {
            parts.push(format!("{} {name}", rest / size));
            rest %= size;
        }
        if parts.len() == 2 {
            break;
        }
    }
    parts.join(" ")
}

/// A short measured time: `850 µs`, `12 ms`, `1.24 s`.
pub fn brief(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        "unknown".to_owned()
    } else if seconds < 0.001 {
        format!("{:.0} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1e3)
    } else {
        format!("{seconds:.2} s")
    }
}

/// A signed clock offset with millisecond precision: `+0.012 s`, `-6.000 s`.
pub fn offset(seconds: f64) -> String {
    format!("{seconds:+.3} s")
}

/// `-0.410 s ± 20 ms`: a measured offset with its error bar.
pub fn offset_with_bar(seconds: f64, uncertainty: f64) -> String {
    format!("{} ± {}", offset(seconds), brief(uncertainty))
}

/// A tolerance without needless decimals: `5 s`, `2.5 s`.
pub fn tolerance(seconds: f64) -> String {
    if seconds.fract() == 0.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{seconds} s")
    }
}

/// A Unix time as RFC 3339 UTC, to the second.
pub fn timestamp(unix_seconds: f64) -> String {
    if !unix_seconds.is_finite() || unix_seconds < 0.0 {
        return "unknown".to_owned();
    }
    let time = UNIX_EPOCH + Duration::from_secs_f64(unix_seconds);
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_use_two_units() {
        assert_eq!(span(3.25), "3.2 s");
        assert_eq!(span(42.0), "42 s");
        assert_eq!(span(303.0), "5 min 3 s");
        assert_eq!(span(3.0 * 86_400.0 + 4.0 * 3_600.0 + 59.0), "3 d 4 h");
        assert_eq!(span(3_600.0), "1 h 0 min");
        assert_eq!(span(-1.0), "unknown");
    }

    #[test]
    fn brief_times_and_offsets() {
        assert_eq!(brief(0.000_85), "850 µs");
        assert_eq!(brief(0.012), "12 ms");
        assert_eq!(brief(1.2391), "1.24 s");
        assert_eq!(offset(-6.0), "-6.000 s");
        assert_eq!(offset(0.0123), "+0.012 s");
        assert_eq!(offset_with_bar(-0.41, 0.02), "-0.410 s ± 20 ms");
        assert_eq!(tolerance(5.0), "5 s");
        assert_eq!(tolerance(2.5), "2.5 s");
        assert_eq!(timestamp(1_700_000_000.0), "2023-11-14T22:13:20Z");
    }
}
