//! The tests' NTP server as a program, for `make bench` and for trying the
//! exporter by hand: `ntp-test-server 127.0.0.1:1123 [offset-seconds]`.
//! Loopback only by intent; it answers whoever asks.

#[allow(dead_code)]
#[path = "../tests/common/ntp.rs"]
mod ntp;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:1123".into());
    let offset: f64 = match args.next() {
        Some(text) => text.parse()?,
        None => 0.0,
    };
    let server = ntp::NtpServer::bind(addr.as_str())?;
    server.set_offset(offset);
    eprintln!("NTP test server on {} with offset {offset} s", server.addr);
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}
