//! The clock probe against real HTTPS servers on loopback serving a `Date`
//! from a shifted clock: accuracy and honesty of the error bar, the
//! request and time budget of a round, and every bad input of the method.

mod common;

use std::time::{Duration, Instant};

use connector_exporter::config::{ClockConfig, ServerAddress};
use connector_exporter::https::{HttpsUrl, client_config};
use connector_exporter::probe::Reason;
use connector_exporter::probe::clock::{
    ClockProbe, ClockReport, ClockSample, Protocol, SampleDetail,
};

use common::certs::{self, Certs};
use common::https_date::{DateServer, Mode};

fn config(
    certs: &Certs,
    ca: &str,
    https: &[String],
    ntp: &[ServerAddress],
    timeout: Duration,
) -> ClockConfig {
    ClockConfig {
        servers: ntp.to_vec(),
        http_servers: https.iter().map(|u| HttpsUrl::parse(u).unwrap()).collect(),
        http_tls: Some(client_config(Some(&certs.path(ca))).unwrap()),
        controller: None,
        tolerance: Duration::from_secs(5),
        samples: 2,
        interval: Duration::from_secs(60),
        timeout,
    }
}

/// One round against `server` alone, with a 3 s clock timeout.
async fn round(certs: &Certs, server: &DateServer) -> (ClockReport, Duration) {
    round_with(certs, "ca.crt", &server.url(), Duration::from_secs(3)).await
}

async fn round_with(
    certs: &Certs,
    ca: &str,
    url: &str,
    timeout: Duration,
) -> (ClockReport, Duration) {
    let probe = ClockProbe::new(&config(certs, ca, &[url.to_owned()], &[], timeout));
    let start = Instant::now();
    let report = probe.round().await;
    (report, start.elapsed())
}

fn sample(report: &ClockReport) -> &ClockSample {
    match &report.servers[0].outcome {
        Ok(sample) => sample,
        Err(f) => panic!("no sample: {f}"),
    }
}

fn requests(sample: &ClockSample) -> (u32, u32, u16) {
    match sample.detail {
        SampleDetail::Https {
            requests,
            connections,
            status,
        } => (requests, connections, status),
        SampleDetail::Ntp { .. } => panic!("an NTP sample from an HTTPS server"),
    }
}

fn failure(report: &ClockReport) -> &connector_exporter::probe::Failure {
    match &report.servers[0].outcome {
        Ok(s) => panic!(
            "expected a failure, got offset {} ± {}",
            s.offset_seconds, s.uncertainty_seconds
        ),
        Err(f) => f,
    }
}

/// Asserts the sample measured a server `ahead` seconds ahead: within
/// 20 ms, and within its own error bar. Returns (error, uncertainty).
fn assert_accurate(sample: &ClockSample, ahead: f64) -> (f64, f64) {
    // A server ahead of this host means this host is behind: negative.
    let error = (sample.offset_seconds - -ahead).abs();
    assert!(
        error <= 0.020,
        "offset {} for a server {ahead} s ahead: error {error}",
        sample.offset_seconds
    );
    assert!(
        error <= sample.uncertainty_seconds,
        "error {error} outside the error bar {}",
        sample.uncertainty_seconds
    );
    (error, sample.uncertainty_seconds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offsets_are_measured_within_20_ms_and_inside_their_error_bar() {
    let certs = certs::make();
    let server = DateServer::start(&certs, 0.0, Mode::Honest);
    let (mut worst_error, mut worst_uncertainty) = (0.0f64, 0.0f64);
    for ahead in [-4.97, 5.03, 0.3217, 123.456] {
        server.set_offset(ahead);
        server.counts.reset();
        let (report, took) = round(&certs, &server).await;
        let s = sample(&report);
        let (error, uncertainty) = assert_accurate(s, ahead);
        let (requests, connections, status) = requests(s);
        eprintln!(
            "server {ahead:+} s: offset {:+.6} s, error {:.3} ms, uncertainty {:.3} ms, rtt {:.3} ms, {requests} requests, {took:?}",
            s.offset_seconds,
            error * 1e3,
            uncertainty * 1e3,
            s.rtt_seconds * 1e3
        );
        assert!(
            requests <= 12 && server.counts.requests() <= 12,
            "{requests} requests"
        );
        assert_eq!(server.counts.requests(), u64::from(requests));
        assert_eq!((connections, status), (1, 200));
        assert!(took < Duration::from_secs(3), "round took {took:?}");
        // The only server answered, so the selection is its offset.
        assert_eq!(report.source, Some(Protocol::Https));
        assert_eq!(report.offset_seconds, Some(s.offset_seconds));
        assert_eq!(
            report.offset_uncertainty_seconds,
            Some(s.uncertainty_seconds)
        );
        worst_error = worst_error.max(error);
        worst_uncertainty = worst_uncertainty.max(uncertainty);
    }
    eprintln!(
        "worst error {:.3} ms, worst uncertainty {:.3} ms",
        worst_error * 1e3,
        worst_uncertainty * 1e3
    );
}

/// With time to spare, requests are what runs out: each answer "already"
/// costs a check, so twelve requests tell 144 intervals of a second apart
/// (7 ms), not the 2048 of eleven bare halvings (see `bisect::cells`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_more_time_the_error_bar_shrinks_to_what_the_requests_allow() {
    let certs = certs::make();
    let server = DateServer::start(&certs, 0.3217, Mode::Honest);
    let (report, took) = round_with(&certs, "ca.crt", &server.url(), Duration::from_secs(10)).await;
    let s = sample(&report);
    let (error, uncertainty) = assert_accurate(s, 0.3217);
    let (requests, ..) = requests(s);
    eprintln!(
        "long round: error {:.3} ms, uncertainty {:.3} ms, rtt {:.3} ms, {requests} requests, {took:?}",
        error * 1e3,
        uncertainty * 1e3,
        s.rtt_seconds * 1e3
    );
    assert!(requests <= 12);
    // 0.5 s / 144 plus the round trip, with margin for a loaded machine:
    // late timers and slow answers widen the bar, they never narrow it.
    assert!(uncertainty < 0.010, "uncertainty {uncertainty}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_obsolete_date_forms_are_accepted() {
    let certs = certs::make();
    for mode in [Mode::Rfc850, Mode::Asctime] {
        let server = DateServer::start(&certs, -2.25, mode);
        let (report, _) = round(&certs, &server).await;
        assert_accurate(sample(&report), -2.25);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_years_off_is_a_real_offset() {
    let certs = certs::make();
    let ahead = -5.0 * 365.25 * 86_400.0 + 0.618;
    let server = DateServer::start(&certs, ahead, Mode::Honest);
    let (report, _) = round(&certs, &server).await;
    assert_accurate(sample(&report), ahead);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_statuses_still_carry_the_servers_clock() {
    let certs = certs::make();
    for code in [301, 404, 503] {
        let server = DateServer::start(&certs, 1.75, Mode::Status(code));
        let (report, _) = round(&certs, &server).await;
        let s = sample(&report);
        assert_accurate(s, 1.75);
        assert_eq!(requests(s).2, code);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_head_turns_into_get() {
    let certs = certs::make();
    let server = DateServer::start(&certs, 0.8, Mode::HeadRefused);
    let (report, _) = round(&certs, &server).await;
    let s = sample(&report);
    assert_accurate(s, 0.8);
    use std::sync::atomic::Ordering::SeqCst;
    assert_eq!(server.counts.heads.load(SeqCst), 1, "one HEAD, then GET");
    assert!(server.counts.gets.load(SeqCst) >= 1);
    assert_eq!(
        requests(s).1,
        1,
        "the GET bodies were read, the connection kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_closing_each_connection_costs_connections_not_honesty() {
    let certs = certs::make();
    let server = DateServer::start(&certs, -3.4, Mode::CloseEach);
    let (report, took) = round(&certs, &server).await;
    let s = sample(&report);
    assert_accurate(s, -3.4);
    let (requests, connections, _) = requests(s);
    assert!(requests >= 6, "{requests}");
    assert_eq!(connections, requests, "one connection per request");
    assert_eq!(
        server
            .counts
            .connections
            .load(std::sync::atomic::Ordering::SeqCst),
        u64::from(connections)
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_malformed_or_cached_dates_give_no_offset() {
    let certs = certs::make();
    for (mode, says) in [
        (Mode::NoDate, "no Date header"),
        (Mode::Malformed, "malformed Date"),
        (Mode::Cached, "cache"),
    ] {
        let server = DateServer::start(&certs, 0.0, mode);
        let (report, _) = round(&certs, &server).await;
        let f = failure(&report);
        assert_eq!(f.reason, Reason::Malformed, "{mode:?}: {f}");
        assert!(f.message.contains(says), "{mode:?}: {f}");
        assert_eq!(report.offset_seconds, None, "{mode:?}: no made-up offset");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_jumping_between_backends_is_inconsistent() {
    let certs = certs::make();
    // Two seconds or more apart, every answer contradicts the other
    // backend's; closer, the checks after each answer "already" catch
    // backends answering in turn.
    for ahead in [3.0, 1.5, 0.25] {
        let server = DateServer::start(&certs, 0.1, Mode::Jumping(ahead));
        let (report, _) = round(&certs, &server).await;
        let f = failure(&report);
        assert_eq!(f.reason, Reason::Malformed, "{ahead}: {f}");
        assert!(f.message.contains("inconsistent Date"), "{f}");
        assert_eq!(report.offset_seconds, None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_server_times_out_within_the_round() {
    let certs = certs::make();
    let server = DateServer::start(&certs, 0.0, Mode::Silent);
    let (report, took) = round(&certs, &server).await;
    let f = failure(&report);
    assert_eq!(f.reason, Reason::Timeout, "{f}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_that_does_not_verify_is_refused() {
    let certs = certs::make();
    let server = DateServer::start(&certs, 0.0, Mode::Honest);
    let (report, _) = round_with(
        &certs,
        "other-ca.crt",
        &server.url(),
        Duration::from_secs(3),
    )
    .await;
    let f = failure(&report);
    assert_eq!(f.reason, Reason::Tls, "{f}");
    assert_eq!(
        server.counts.requests(),
        0,
        "no request over an unverified connection"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ntp_wins_when_it_answers_and_https_fills_in_when_it_does_not() {
    let certs = certs::make();
    let https = DateServer::start(&certs, 0.41, Mode::Honest);
    let ntp = common::ntp::NtpServer::honest(-1.5);
    let ntp_address = ServerAddress {
        host: "127.0.0.1".into(),
        port: ntp.addr.port(),
    };
    let mut c = config(
        &certs,
        "ca.crt",
        &[https.url()],
        &[ntp_address],
        Duration::from_secs(3),
    );
    c.controller = Some(HttpsUrl::parse(&https.url()).unwrap());
    let report = ClockProbe::new(&c).round().await;
    assert_eq!(report.source, Some(Protocol::Ntp));
    let offset = report.offset_seconds.expect("offset");
    assert!((offset - 1.5).abs() < 0.01, "{offset}");
    assert!(report.offset_uncertainty_seconds.expect("uncertainty") < 0.01);
    // The controller's own number is there either way.
    let controller = report.controller.as_ref().expect("controller offset");
    assert!((controller.offset_seconds + 0.41).abs() <= controller.uncertainty_seconds.min(0.02));

    // NTP blocked: a UDP port that takes the requests and never answers.
    let blackhole = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    c.servers = vec![ServerAddress {
        host: "127.0.0.1".into(),
        port: blackhole.local_addr().unwrap().port(),
    }];
    let report = ClockProbe::new(&c).round().await;
    assert_eq!(report.source, Some(Protocol::Https));
    let offset = report.offset_seconds.expect("offset from HTTPS");
    let uncertainty = report.offset_uncertainty_seconds.expect("uncertainty");
    assert!(
        (offset + 0.41).abs() <= uncertainty.min(0.02),
        "{offset} ± {uncertainty}"
    );
    let ntp_failure = report
        .servers
        .iter()
        .find(|s| s.protocol == Protocol::Ntp)
        .and_then(|s| s.outcome.as_ref().err())
        .expect("the NTP server failed");
    assert_eq!(ntp_failure.reason, Reason::Timeout);
}
