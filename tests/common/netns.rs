//! A NAT lab in network namespaces: client ↔ nat ↔ public.
//!
//! ```text
//!  client            nat                         public
//!  eth0 10.0.1.2 ─── in0 10.0.1.1 │ out0 100.64.0.1 ─── eth0 100.64.0.2, .3 (coturn)
//! ```
//!
//! The namespaces get names unique to this process and lab. The veth pairs
//! are created directly inside them, so their names never exist in the root
//! namespace and cannot clash between parallel tests. All traffic stays in
//! the namespaces; the guard removes them (and what runs in them) even when
//! a test fails.

use std::net::IpAddr;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::coturn::Coturn;

pub const CLIENT_ADDRESS: &str = "10.0.1.2";
pub const OUTSIDE_ADDRESS: &str = "100.64.0.1";
pub const STUN_PRIMARY: &str = "100.64.0.2";
pub const STUN_ALTERNATE: &str = "100.64.0.3";
pub const STUN_PORT: u16 = 3478;

/// How the nat namespace treats UDP from the client (RFC 4787 terms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatKind {
    /// Plain routing: the public side routes the client's subnet back.
    NoNat,
    /// SNAT out, and a DNAT of everything arriving back to the client.
    FullCone,
    /// MASQUERADE: port-preserving, replies only from where we sent to.
    PortRestricted,
    /// MASQUERADE --random-fully: a new port per destination.
    Symmetric,
}

/// Runs `f` on a thread that has entered network namespace `ns`; sockets it
/// opens live there. Only that thread moves, not the test process.
pub fn in_netns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let path = format!("/run/netns/{ns}");
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        // SAFETY: setns on a valid namespace fd only changes this thread.
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns {path}: {}", std::io::Error::last_os_error());
        f()
    })
    .join()
    .expect("thread in namespace panicked")
}

/// Whether the lab can run here. Without root or the tools it is skipped
/// with a message, except under CI (which runs as root), where that is a
/// failure.
pub fn lab_available() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let missing: Vec<&str> = ["ip", "iptables", "conntrack", "turnserver"]
        .into_iter()
        .filter(|tool| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .map(|o| !o.status.success())
                .unwrap_or(true)
        })
        .collect();
    if root && missing.is_empty() {
        return true;
    }
    let why = format!(
        "NAT lab needs root (have euid {}) and ip, iptables, conntrack, turnserver (missing: {missing:?})",
        if root { "0" } else { "non-zero" }
    );
    if std::env::var_os("CI").is_some() {
        panic!("{why}; CI must run the lab tests");
    }
    eprintln!("SKIPPED: {why}");
    false
}

pub struct Lab {
    pub client: String,
    pub nat: String,
    pub public: String,
    pub kind: NatKind,
    outside: String,
    coturn: Option<Coturn>,
}

static LABS: AtomicUsize = AtomicUsize::new(0);

impl Lab {
    /// The three namespaces, wired and with `kind` configured, coturn
    /// answering in `public` on both addresses (RFC 5780 OTHER-ADDRESS).
    pub fn new(kind: NatKind) -> Lab {
        Lab::build(kind, &[STUN_PRIMARY, STUN_ALTERNATE])
    }

    /// As `new`, with coturn on the primary address only, as most public
    /// STUN servers are: no OTHER-ADDRESS, so the NAT cannot be classified.
    pub fn with_one_stun_address(kind: NatKind) -> Lab {
        Lab::build(kind, &[STUN_PRIMARY])
    }

    fn build(kind: NatKind, stun: &[&str]) -> Lab {
        let id = format!(
            "cxs{}-{}",
            std::process::id(),
            LABS.fetch_add(1, Ordering::Relaxed)
        );
        let mut lab = Lab {
            client: format!("{id}-c"),
            nat: format!("{id}-n"),
            public: format!("{id}-p"),
            kind,
            outside: OUTSIDE_ADDRESS.to_owned(),
            coturn: None,
        };
        // Names first, so the guard removes whatever part got made.
        for ns in [&lab.client, &lab.nat, &lab.public] {
            run("ip", &["netns", "add", ns]);
        }
        let (c, n, p) = (lab.client.clone(), lab.nat.clone(), lab.public.clone());
        for ns in [&c, &n, &p] {
            run("ip", &["-n", ns, "link", "set", "lo", "up"]);
        }
        run(
            "ip",
            &[
                "-n", &c, "link", "add", "eth0", "type", "veth", "peer", "name", "in0", "netns", &n,
            ],
        );
        run(
            "ip",
            &[
                "-n", &n, "link", "add", "out0", "type", "veth", "peer", "name", "eth0", "netns",
                &p,
            ],
        );
        run(
            "ip",
            &["-n", &c, "addr", "add", "10.0.1.2/24", "dev", "eth0"],
        );
        run(
            "ip",
            &["-n", &n, "addr", "add", "10.0.1.1/24", "dev", "in0"],
        );
        run(
            "ip",
            &["-n", &n, "addr", "add", "100.64.0.1/24", "dev", "out0"],
        );
        run(
            "ip",
            &["-n", &p, "addr", "add", "100.64.0.2/24", "dev", "eth0"],
        );
        run(
            "ip",
            &["-n", &p, "addr", "add", "100.64.0.3/24", "dev", "eth0"],
        );
        for (ns, dev) in [(&c, "eth0"), (&n, "in0"), (&n, "out0"), (&p, "eth0")] {
            run("ip", &["-n", ns, "link", "set", dev, "up"]);
        }
        run(
            "ip",
            &["-n", &c, "route", "add", "default", "via", "10.0.1.1"],
        );
        run(
            "ip",
            &[
                "netns",
                "exec",
                &n,
                "sysctl",
                "-qw",
                "net.ipv4.ip_forward=1",
            ],
        );
        lab.apply_rules();
        let ips: Vec<IpAddr> = stun.iter().map(|ip| ip.parse().unwrap()).collect();
        lab.coturn = Some(
            Coturn::start(Some(&p), &ips, STUN_PORT)
                .unwrap_or_else(|e| panic!("coturn in {p}: {e}")),
        );
        lab
    }

    /// The nat namespace's outside address, as the public side sees it.
    pub fn outside(&self) -> &str {
        &self.outside
    }

    /// `--stun.server` for the exporter in `client`.
    pub fn stun_server_flag(&self) -> String {
        format!("--stun.server={STUN_PRIMARY}:{STUN_PORT}")
    }

    /// Gives the nat namespace another outside address, rewrites its rules
    /// for it and forgets every tracked connection, as an ISP reassigning
    /// the address would.
    pub fn move_outside_address(&mut self, to: &str) {
        let n = self.nat.clone();
        run(
            "ip",
            &[
                "-n",
                &n,
                "addr",
                "del",
                &format!("{}/24", self.outside),
                "dev",
                "out0",
            ],
        );
        run(
            "ip",
            &["-n", &n, "addr", "add", &format!("{to}/24"), "dev", "out0"],
        );
        run("ip", &["netns", "exec", &n, "iptables", "-t", "nat", "-F"]);
        if self.kind == NatKind::NoNat {
            run("ip", &["-n", &self.public, "route", "del", "10.0.1.0/24"]);
        }
        self.outside = to.to_owned();
        self.apply_rules();
        // conntrack -F exits 1 when the table was already empty; not an error.
        let _ = Command::new("ip")
            .args(["netns", "exec", &n, "conntrack", "-F"])
            .output();
    }

    fn apply_rules(&self) {
        let n = self.nat.as_str();
        let nat = |rule: &[&str]| {
            let mut args = vec!["netns", "exec", n, "iptables", "-t", "nat", "-A"];
            args.extend_from_slice(rule);
            run("ip", &args);
        };
        let outside = self.outside.as_str();
        match self.kind {
            NatKind::NoNat => run(
                "ip",
                &[
                    "-n",
                    &self.public,
                    "route",
                    "add",
                    "10.0.1.0/24",
                    "via",
                    outside,
                ],
            ),
            NatKind::FullCone => {
                nat(&[
                    "POSTROUTING",
                    "-o",
                    "out0",
                    "-p",
                    "udp",
                    "-j",
                    "SNAT",
                    "--to-source",
                    outside,
                ]);
                nat(&[
                    "PREROUTING",
                    "-i",
                    "out0",
                    "-p",
                    "udp",
                    "-d",
                    outside,
                    "-j",
                    "DNAT",
                    "--to-destination",
                    CLIENT_ADDRESS,
                ]);
            }
            NatKind::PortRestricted => nat(&["POSTROUTING", "-o", "out0", "-j", "MASQUERADE"]),
            NatKind::Symmetric => nat(&[
                "POSTROUTING",
                "-o",
                "out0",
                "-j",
                "MASQUERADE",
                "--random-fully",
            ]),
        }
    }

    pub fn coturn_log(&self) -> String {
        self.coturn.as_ref().map(Coturn::log).unwrap_or_default()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        drop(self.coturn.take());
        for ns in [&self.client, &self.nat, &self.public] {
            // Whatever still runs in our namespaces was started by this test
            // (the exporter, coturn); a process would keep the namespace alive.
            if let Ok(out) = Command::new("ip").args(["netns", "pids", ns]).output() {
                for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                    let _ = Command::new("kill").args(["-9", pid]).status();
                }
            }
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}
