//! Logs go to stderr, as logfmt (the Prometheus exporters' default) or as
//! JSON lines.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime as _, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::config::{LogConfig, LogFormat};

pub fn init_logging(log: &LogConfig) {
    // The level was validated in config.rs; a plain level filter needs no
    // regex engine, which keeps the binary small.
    let filter = log
        .level
        .parse::<LevelFilter>()
        .unwrap_or(LevelFilter::INFO);
    let builder = tracing_subscriber::fmt()
        .with_max_level(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match log.format {
        LogFormat::Logfmt => builder.with_ansi(false).event_format(Logfmt).init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

/// `time=… level=… msg="…" key=value …`, one event a line.
pub struct Logfmt;

impl<S, N> FormatEvent<S, N> for Logfmt
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write!(writer, "time=")?;
        SystemTime.format_time(&mut writer)?;
        let level = event.metadata().level().as_str().to_ascii_lowercase();
        write!(writer, " level={level}")?;
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(message) = &fields.message {
            write!(writer, " msg={}", quoted(message))?;
        }
        writeln!(writer, "{}", fields.rest)
    }
}

#[derive(Default)]
struct Fields {
    message: Option<String>,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record(field, format!("{value:?}"));
    }
}

impl Fields {
    fn record(&mut self, field: &Field, value: String) {
        if field.name() == "message" {
            self.message = Some(value);
        } else {
            let _ = write!(self.rest, " {}={}", field.name(), quoted(&value));
        }
    }
}

/// Bare when it can be, else in double quotes with `"`, `\` and control
/// characters escaped, so that one event stays one parseable line.
pub fn quoted(value: &str) -> String {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | '=' | '\\'));
    if bare {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn values_are_quoted_only_when_they_must_be() {
        assert_eq!(quoted("listening"), "listening");
        assert_eq!(quoted("127.0.0.1:80"), "127.0.0.1:80");
        assert_eq!(quoted(""), "\"\"");
        assert_eq!(quoted("probe round failed"), "\"probe round failed\"");
        assert_eq!(quoted("a=b"), "\"a=b\"");
        assert_eq!(quoted("say \"hi\"\nnow"), "\"say \\\"hi\\\"\\nnow\"");
        assert_eq!(quoted("\u{1b}[31m"), "\"\\u001b[31m\"");
    }
}
