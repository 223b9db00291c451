//! coturn as a STUN-only server on two addresses, so that RFC 5780
//! OTHER-ADDRESS and CHANGE-REQUEST work. Everything it writes stays in a
//! temporary directory.

use std::net::{IpAddr, SocketAddr};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::netns;
use super::stun_server::answers;

pub struct Coturn {
    child: Child,
    dir: tempfile::TempDir,
    /// Where to send Binding requests.
    pub primary: SocketAddr,
    /// OTHER-ADDRESS: the second IP and port + 1 (meaningless when started
    /// on one IP: then there is no OTHER-ADDRESS).
    pub alternate: SocketAddr,
}

impl Coturn {
    /// On 127.0.0.1 and 127.0.0.2, on a port pair found free; retried on
    /// another pair if a parallel test took it first.
    pub fn start_loopback() -> Coturn {
        let ips: [IpAddr; 2] = ["127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap()];
        let mut last = String::new();
        for _ in 0..8 {
            let port = free_port_pair(&ips);
            match Coturn::start(None, &ips, port) {
                Ok(c) => return c,
                Err(e) => last = e,
            }
        }
        panic!("coturn did not start on loopback: {last}");
    }

    /// In network namespace `ns` (or here), listening on `ips` (one or
    /// two) at `port`, and with two also at `port + 1` for OTHER-ADDRESS.
    pub fn start(ns: Option<&str>, ips: &[IpAddr], port: u16) -> Result<Coturn, String> {
        let single = ips.len() == 1;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let config = dir.path().join("empty.conf");
        std::fs::write(&config, "").map_err(|e| e.to_string())?;
        let log =
            std::fs::File::create(dir.path().join("turnserver.log")).map_err(|e| e.to_string())?;
        let mut command = match ns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, "turnserver"]);
                c
            }
            None => Command::new("turnserver"),
        };
        let path = |name: &str| dir.path().join(name).display().to_string();
        command
            .arg("-c")
            .arg(&config)
            .args(["--stun-only", "--no-auth"])
            .args(ips.iter().flat_map(|ip| ["-L".to_owned(), ip.to_string()]))
            .args(["-p", &port.to_string()]);
        if !single {
            command.args(["--alt-listening-port", &(port + 1).to_string()]);
        }
        command
            .args(["--no-tls", "--no-dtls", "--no-cli", "--no-tcp"])
            .args(["--log-file", "stdout", "--simple-log"])
            .args(["--pidfile", &path("t.pid"), "--userdb", &path("t.db")])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(Stdio::null());
        let child = command
            .spawn()
            .map_err(|e| format!("turnserver (Debian package coturn): {e}"))?;
        let mut coturn = Coturn {
            child,
            dir,
            primary: SocketAddr::new(ips[0], port),
            alternate: SocketAddr::new(ips[ips.len() - 1], port + 1),
        };
        let primary = coturn.primary;
        let ready = match ns {
            Some(ns) => netns::in_netns(ns, move || answers(primary, Duration::from_secs(5))),
            None => answers(primary, Duration::from_secs(5)),
        };
        if !ready || coturn.child.try_wait().ok().flatten().is_some() {
            return Err(format!("coturn not answering; log:\n{}", coturn.log()));
        }
        Ok(coturn)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("turnserver.log")).unwrap_or_default()
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port P such that P and P + 1 are free for UDP on every one of `ips`.
fn free_port_pair(ips: &[IpAddr]) -> u16 {
    loop {
        let port = rand::random_range(20_000u16..60_000) & !1;
        let free = ips.iter().all(|ip| {
            std::net::UdpSocket::bind((*ip, port)).is_ok()
                && std::net::UdpSocket::bind((*ip, port + 1)).is_ok()
        });
        if free {
            return port;
        }
    }
}
