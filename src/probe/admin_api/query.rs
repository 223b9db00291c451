//! The GraphQL query for the connectors and the decoding of one page.
//!
//! Decoding is strict where a wrong answer would mislead (no `data`, no
//! connection, a node without id or name) and tolerant elsewhere: unknown
//! fields are ignored, an unknown state is `unknown`, a timestamp or
//! address that does not parse is absent.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::probe::{Failure, Reason};

/// Nodes asked for per page: 10,000 connectors are 200 pages.
pub const PAGE_SIZE: u32 = 50;

pub const QUERY: &str = "query Connectors($first: Int!, $after: String) { connectors(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name state lastHeartbeatAt hostname version publicIP privateIPs remoteNetwork { id name } } } } }";

/// What the controller says of a connector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ControllerState {
    #[serde(rename = "ALIVE")]
    Alive,
    #[serde(rename = "DEAD_NO_HEARTBEAT")]
    DeadNoHeartbeat,
    #[serde(rename = "DEAD_HEARTBEAT_TOO_OLD")]
    DeadHeartbeatTooOld,
    #[serde(rename = "DEAD_NO_RELAYS")]
    DeadNoRelays,
    /// A value this exporter does not know (a newer API), or none.
    #[serde(rename = "unknown")]
    Unknown,
}

impl ControllerState {
    pub const ALL: [ControllerState; 5] = [
        ControllerState::Alive,
        ControllerState::DeadNoHeartbeat,
        ControllerState::DeadHeartbeatTooOld,
        ControllerState::DeadNoRelays,
        ControllerState::Unknown,
    ];

    pub fn parse(text: Option<&str>) -> ControllerState {
        ControllerState::ALL
            .into_iter()
            .find(|s| Some(s.as_str()) == text && *s != ControllerState::Unknown)
            .unwrap_or(ControllerState::Unknown)
    }

    /// The API's spelling, which is also the `state` label value.
    pub fn as_str(self) -> &'static str {
        match self {
            ControllerState::Alive => "ALIVE",
            ControllerState::DeadNoHeartbeat => "DEAD_NO_HEARTBEAT",
            ControllerState::DeadHeartbeatTooOld => "DEAD_HEARTBEAT_TOO_OLD",
            ControllerState::DeadNoRelays => "DEAD_NO_RELAYS",
            ControllerState::Unknown => "unknown",
        }
    }

    pub fn is_alive(self) -> bool {
        self == ControllerState::Alive
    }
}

/// One connector as read from a page, before state tracking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub state: ControllerState,
    pub last_heartbeat_timestamp_seconds: Option<f64>,
    pub hostname: Option<String>,
    pub version: Option<String>,
    pub public_ip: Option<IpAddr>,
    pub private_ips: Vec<IpAddr>,
    pub remote_network_id: String,
    pub remote_network: String,
}

#[derive(Debug)]
pub struct Page {
    pub nodes: Vec<Node>,
    /// The cursor of the next page; `None` on the last one.
    pub next: Option<String>,
}

/// The request body for the page after `after`.
pub fn request_body(after: Option<&str>) -> Vec<u8> {
    let body = serde_json::json!({
        "query": QUERY,
        "variables": { "first": PAGE_SIZE, "after": after },
    });
    body.to_string().into_bytes()
}

#[derive(Deserialize)]
struct Envelope {
    data: Option<Data>,
    errors: Option<Vec<GraphqlError>>,
}

#[derive(Deserialize)]
struct GraphqlError {
    message: Option<String>,
}

#[derive(Deserialize)]
struct Data {
    connectors: Option<Connection>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    page_info: PageInfo,
    edges: Vec<Edge>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Edge {
    node: RawNode,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNode {
    id: String,
    name: String,
    state: Option<String>,
    last_heartbeat_at: Option<String>,
    hostname: Option<String>,
    version: Option<String>,
    #[serde(rename = "publicIP")]
    public_ip: Option<String>,
    #[serde(rename = "privateIPs")]
    private_ips: Option<Vec<String>>,
    remote_network: Option<RemoteNetwork>,
}

#[derive(Deserialize)]
struct RemoteNetwork {
    id: String,
    name: String,
}

/// Decodes one page. A GraphQL `errors` array is the server's refusal,
/// whatever the HTTP status said.
pub fn parse_page(body: &[u8]) -> Result<Page, Failure> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
        Failure::new(
            Reason::Malformed,
            format!("the answer is not the expected JSON: {e}"),
        )
    })?;
    if let Some(errors) = envelope.errors.filter(|e| !e.is_empty()) {
        let first = errors
            .iter()
            .find_map(|e| e.message.as_deref())
            .unwrap_or("no message");
        return Err(Failure::new(
            Reason::ErrorResponse,
            format!(
                "the Admin API answered with {} GraphQL error(s): {}",
                errors.len(),
                printable(first, 200)
            ),
        ));
    }
    let connection = envelope
        .data
        .ok_or_else(|| Failure::new(Reason::Malformed, "the answer has no data and no errors"))?
        .connectors
        .ok_or_else(|| Failure::new(Reason::Malformed, "the answer has no connectors"))?;
    let next = match (
        connection.page_info.has_next_page,
        connection.page_info.end_cursor,
    ) {
        (false, _) => None,
        (true, Some(cursor)) if !cursor.is_empty() => Some(cursor),
        (true, _) => {
            return Err(Failure::new(
                Reason::Malformed,
                "hasNextPage is true but endCursor is empty",
            ));
        }
    };
    let nodes = connection.edges.into_iter().map(|e| node(e.node)).collect();
    Ok(Page { nodes, next })
}

fn node(raw: RawNode) -> Node {
    let (remote_network_id, remote_network) = raw
        .remote_network
        .map(|r| (r.id, r.name))
        .unwrap_or_default();
    Node {
        id: raw.id,
        name: raw.name,
        state: ControllerState::parse(raw.state.as_deref()),
        last_heartbeat_timestamp_seconds: raw
            .last_heartbeat_at
            .as_deref()
            .and_then(parse_timestamp),
        hostname: raw.hostname.filter(|h| !h.is_empty()),
        version: raw.version.filter(|v| !v.is_empty()),
        public_ip: raw.public_ip.and_then(|a| a.trim().parse().ok()),
        private_ips: raw
            .private_ips
            .unwrap_or_default()
            .iter()
            .filter_map(|a| a.trim().parse().ok())
            .collect(),
        remote_network_id,
        remote_network,
    }
}

/// At most `max` characters, control characters replaced: server text
/// goes into log lines and pages.
pub fn printable(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// ISO 8601 / RFC 3339 date-time to Unix seconds:
/// `2026-12-01T05:40:55Z`, with fractions, `+00:00` or `+0000` offsets.
pub fn parse_timestamp(text: &str) -> Option<f64> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (time, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => (rest, "Z"),
    };
    let mut t = time.split(':');
    let hour: u32 = t.next()?.parse().ok()?;
    let minute: u32 = t.next()?.parse().ok()?;
    let seconds: f64 = t.next()?.parse().ok()?;
    if t.next().is_some()
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || !(0.0..61.0).contains(&seconds)
    {
        return None;
    }
    let offset_seconds = match offset {
        "Z" | "z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let digits: String = o[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 {
                return None;
            }
            let h: i64 = digits[..2].parse().ok()?;
            let m: i64 = digits[2..].parse().ok()?;
            sign * (h * 3600 + m * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    let whole = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 - offset_seconds;
    Some(whole as f64 + seconds)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_timestamp("2026-12-01T05:40:55Z"),
            Some(1_796_103_655.0)
        );
        assert_eq!(
            parse_timestamp("2026-12-01T06:40:55.250+01:00"),
            Some(1_796_103_655.25)
        );
        assert_eq!(
            parse_timestamp("2026-12-01T05:40:55.5+0000"),
            Some(1_796_103_655.5)
        );
        assert_eq!(parse_timestamp("2000-02-29T12:00:00Z"), Some(951_825_600.0));
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-12-01",
            "2026-12-01T25:00:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn states_unknown_values_are_kept_as_unknown() {
        assert_eq!(
            ControllerState::parse(Some("ALIVE")),
            ControllerState::Alive
        );
        assert_eq!(
            ControllerState::parse(Some("DEAD_NO_RELAYS")),
            ControllerState::DeadNoRelays
        );
        assert_eq!(
            ControllerState::parse(Some("SLEEPING")),
            ControllerState::Unknown
        );
        assert_eq!(
            ControllerState::parse(Some("unknown")),
            ControllerState::Unknown
        );
        assert_eq!(ControllerState::parse(None), ControllerState::Unknown);
    }

    #[test]
    fn pages_decode_and_refusals_are_told_apart() {
        let page = br#"{"data":{"connectors":{"pageInfo":{"hasNextPage":true,"endCursor":"c1"},
            "edges":[{"node":{"id":"Q1","name":"alpha","state":"ALIVE","extra":1,
            "lastHeartbeatAt":"2026-12-01T05:40:55Z","hostname":"h1","version":"1.80.0",
            "publicIP":"203.0.113.7","privateIPs":["10.0.0.2","fd00::2","junk"],
            "remoteNetwork":{"id":"RN1","name":"Office"}}}]}}}"#;
        let p = parse_page(page).unwrap();
        assert_eq!(p.next.as_deref(), Some("c1"));
        assert_eq!(p.nodes[0].private_ips.len(), 2);
        assert_eq!(p.nodes[0].remote_network, "Office");
        let reason = |b: &[u8]| parse_page(b).unwrap_err().reason;
        assert_eq!(reason(b"<html>"), Reason::Malformed);
        assert_eq!(reason(br#"{"data":null}"#), Reason::Malformed);
        assert_eq!(
            reason(br#"{"data":null,"errors":[{"message":"no"}]}"#),
            Reason::ErrorResponse
        );
        assert_eq!(
            reason(br#"{"data":{"connectors":{"pageInfo":{"hasNextPage":true,"endCursor":null},"edges":[]}}}"#),
            Reason::Malformed
        );
    }
}
