//! The clock probe against servers that lie, refuse, vanish or do not
//! exist: never an offset from them, the reason counted, the others unharmed,
//! and every round within its timeout.

mod common;

use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

use common::exporter::{Exporter, binary};
use common::metrics::Metrics;
use common::ntp::{Behaviour, NtpServer};

const ROUND: Duration = Duration::from_secs(15);
const HONEST_OFFSET: f64 = 1.5;

fn start_with(command: Command, flags: &[String]) -> Exporter {
    let mut args: Vec<&str> = flags.iter().map(String::as_str).collect();
    args.extend(["--clock.interval=1s", "--clock.timeout=1s"]);
    Exporter::start_with(command, &args)
}

fn start(flags: &[String]) -> Exporter {
    start_with(Command::new(binary()), flags)
}

fn up(m: &Metrics, server: &str) -> Option<f64> {
    m.get("connector_clock_server_up", &[("server", server)])
}

fn failures(m: &Metrics, reason: &str) -> f64 {
    m.get(
        "connector_probe_failures_total",
        &[("probe", "clock"), ("reason", reason)],
    )
    .unwrap_or(0.0)
}

fn assert_selected_is_honest(m: &Metrics, logs: &str) {
    let got = m
        .get("connector_clock_offset_seconds", &[])
        .unwrap_or_else(|| panic!("no selected offset\nlogs:\n{logs}"));
    assert!(
        (got + HONEST_OFFSET).abs() < 0.001,
        "selected offset {got}, want {}\nlogs:\n{logs}",
        -HONEST_OFFSET
    );
}

/// Nothing but `up 0` from the server: no offset, rtt, stratum or distance.
fn assert_no_sample(m: &Metrics, server: &str, logs: &str) {
    assert_eq!(up(m, server), Some(0.0), "{server} up\nlogs:\n{logs}");
    for name in [
        "connector_clock_server_offset_seconds",
        "connector_clock_server_rtt_seconds",
        "connector_clock_server_stratum",
        "connector_clock_server_root_distance_seconds",
    ] {
        assert_eq!(
            m.get(name, &[("server", server)]),
            None,
            "{name} for {server}\nlogs:\n{logs}"
        );
    }
}

/// The hostile server's clock is 20 s off, so anything it leaked would show.
fn rejected_beside_two_honest(behaviour: Behaviour, reason: &str) {
    let hostile = NtpServer::hostile(behaviour);
    hostile.set_offset(-20.0);
    let a = NtpServer::honest(HONEST_OFFSET);
    let b = NtpServer::honest(HONEST_OFFSET);
    let e = start(&[a.flag(), hostile.flag(), b.flag()]);
    let name = hostile.name();
    let m = e.wait_for(ROUND, |m| {
        up(m, &name).is_some() && failures(m, reason) >= 1.0
    });
    assert_no_sample(&m, &name, &e.logs());
    assert_selected_is_honest(&m, &e.logs());
    // Not just once: every later round too.
    let m = e.wait_rounds("clock", 2, ROUND);
    assert_no_sample(&m, &name, &e.logs());
    assert_selected_is_honest(&m, &e.logs());
    assert_eq!(up(&m, &a.name()), Some(1.0));
    assert_eq!(up(&m, &b.name()), Some(1.0));
    assert!(hostile.requests() > 0, "the hostile server was never asked");
    let logs = e.logs();
    assert!(
        logs.lines()
            .any(|l| l.contains(&name) && l.contains(&format!("\"reason\":\"{reason}\""))),
        "no log line names {name} with reason {reason}:\n{logs}"
    );
}

macro_rules! hostile {
    ($($test:ident: $behaviour:expr => $reason:literal;)*) => {$(
        #[test]
        fn $test() {
            rejected_beside_two_honest($behaviour, $reason);
        }
    )*};
}

hostile! {
    wrong_origin_is_spoofed: Behaviour::WrongOrigin => "spoofed";
    reply_from_another_port_is_spoofed: Behaviour::OtherPort => "spoofed";
    reply_from_another_address_is_spoofed: Behaviour::OtherAddress => "spoofed";
    wrong_mode_is_malformed: Behaviour::WrongMode => "malformed";
    truncated_reply_is_malformed: Behaviour::Truncated => "malformed";
    zero_transmit_is_malformed: Behaviour::ZeroTransmit => "malformed";
    receive_after_transmit_is_malformed: Behaviour::ReceiveAfterTransmit => "malformed";
    negative_delay_is_malformed: Behaviour::NegativeDelay => "malformed";
    leap_3_is_unsynchronized: Behaviour::Unsynchronized => "unsynchronized";
    stratum_16_is_unsynchronized: Behaviour::Stratum16 => "unsynchronized";
    absurd_root_dispersion_is_unsynchronized: Behaviour::AbsurdDispersion => "unsynchronized";
    kiss_rate_is_kiss_of_death: Behaviour::Kiss(*b"RATE") => "kiss_of_death";
    kiss_deny_is_kiss_of_death: Behaviour::Kiss(*b"DENY") => "kiss_of_death";
    silence_is_a_timeout: Behaviour::Silent => "timeout";
}

/// Networks duplicate packets. A fresh socket per request means the copy is
/// never read as the answer to anything, so it costs nothing: the server
/// stays up with its true offset and nothing is counted against it.
#[test]
fn duplicated_replies_do_no_harm() {
    let twice = NtpServer::hostile(Behaviour::Duplicate);
    twice.set_offset(-HONEST_OFFSET);
    let e = start(&[twice.flag()]);
    e.wait_for(ROUND, |m| m.has("connector_clock_offset_seconds"));
    let m = e.wait_rounds("clock", 2, ROUND);
    assert_eq!(up(&m, &twice.name()), Some(1.0));
    let offset = m
        .get("connector_clock_offset_seconds", &[])
        .expect("offset");
    assert!((offset - HONEST_OFFSET).abs() < 0.001, "offset {offset}");
    assert!(
        m.find("connector_probe_failures_total", &[("probe", "clock")])
            .is_empty(),
        "{}",
        e.logs()
    );
}

fn rounds_and_requests_after_kiss(code: [u8; 4], rounds: usize) -> (u64, String) {
    let kisser = NtpServer::hostile(Behaviour::Kiss(code));
    let honest = NtpServer::honest(HONEST_OFFSET);
    let e = start(&[kisser.flag(), honest.flag()]);
    e.wait_for(ROUND, |m| m.has("connector_clock_offset_seconds"));
    let m = e.wait_rounds("clock", rounds, ROUND * rounds as u32);
    // Skipped rounds still say why the server is down.
    assert_no_sample(&m, &kisser.name(), &e.logs());
    assert!(failures(&m, "kiss_of_death") >= rounds as f64);
    assert_selected_is_honest(&m, &e.logs());
    (kisser.requests(), e.logs())
}

#[test]
fn kiss_rate_backs_off_more_each_time() {
    // Asked in rounds 1, 3, 6 (pauses of 1, 2, 4 rounds), one request each,
    // instead of four requests in each of seven rounds.
    let (requests, logs) = rounds_and_requests_after_kiss(*b"RATE", 6);
    assert!((2..=3).contains(&requests), "{requests} requests\n{logs}");
    assert!(logs.contains("not asking it for a while"), "{logs}");
}

#[test]
fn kiss_deny_stops_asking() {
    let (requests, logs) = rounds_and_requests_after_kiss(*b"DENY", 4);
    assert_eq!(requests, 1, "{logs}");
}

fn closed_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    socket.local_addr().expect("address").port()
}

#[test]
fn unreachable_and_silent_servers_neither_hold_up_nor_spoil_the_round() {
    let closed = format!("127.0.0.1:{}", closed_port());
    let silent = NtpServer::hostile(Behaviour::Silent);
    let honest = NtpServer::honest(HONEST_OFFSET);
    let e = start(&[
        format!("--clock.server={closed}"),
        silent.flag(),
        honest.flag(),
    ]);
    e.wait_for(ROUND, |m| m.has("connector_clock_offset_seconds"));
    for _ in 0..3 {
        let m = e.wait_rounds("clock", 1, ROUND);
        assert_no_sample(&m, &closed, &e.logs());
        assert_no_sample(&m, &silent.name(), &e.logs());
        assert_eq!(up(&m, &honest.name()), Some(1.0));
        assert_selected_is_honest(&m, &e.logs());
        let took = m
            .get("connector_probe_duration_seconds", &[("probe", "clock")])
            .expect("duration");
        assert!(took <= 1.0, "round took {took} s, timeout 1 s");
        assert!(failures(&m, "unreachable") >= 1.0, "{}", e.logs());
        assert!(failures(&m, "timeout") >= 1.0, "{}", e.logs());
    }
}

#[test]
fn when_no_server_answers_the_offset_is_absent_not_zero() {
    let silent = NtpServer::hostile(Behaviour::Silent);
    let closed = format!("--clock.server=127.0.0.1:{}", closed_port());
    let e = start(&[silent.flag(), closed]);
    let m = e.wait_rounds("clock", 2, ROUND);
    assert!(!m.has("connector_clock_offset_seconds"));
    assert!(!m.has("connector_clock_server_offset_seconds"));
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "clock")]),
        Some(0.0)
    );
    // The tolerance is configuration, not measurement: always there.
    assert_eq!(
        m.get("connector_clock_offset_tolerance_seconds", &[]),
        Some(5.0)
    );
}

/// The name is looked up by the real binary's system resolver, in a mount
/// namespace whose nsswitch.conf knows only /etc/hosts: the lookup fails
/// on this machine and nothing goes to a DNS server (the test network rule).
#[test]
fn an_unresolvable_name_is_reported_and_harms_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nsswitch = dir.path().join("nsswitch.conf");
    std::fs::write(&nsswitch, "hosts: files\n").expect("write nsswitch.conf");
    let mut command = Command::new("unshare");
    command
        .args(["--mount", "--", "sh", "-c"])
        // nscd, where it runs, would resolve with the host's configuration.
        .arg(
            r#"mount --bind "$0" /etc/nsswitch.conf || exit 1
               if [ -d /run/nscd ]; then mount -t tmpfs tmpfs /run/nscd || exit 1; fi
               exec "$@""#,
        )
        .arg(&nsswitch)
        .arg(binary());
    let honest = NtpServer::honest(HONEST_OFFSET);
    let e = start_with(
        command,
        &[
            "--clock.server=nonexistent.invalid".to_owned(),
            honest.flag(),
        ],
    );
    let name = "nonexistent.invalid:123";
    let m = e.wait_for(ROUND, |m| up(m, name).is_some());
    assert_no_sample(&m, name, &e.logs());
    assert!(failures(&m, "resolve") >= 1.0, "{}", e.logs());
    assert_selected_is_honest(&m, &e.logs());
    // Still serving, still measuring.
    let m = e.wait_rounds("clock", 1, ROUND);
    assert_selected_is_honest(&m, &e.logs());
}
