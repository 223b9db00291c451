//! Controller-side uptime and downtime: when each connector last went
//! ALIVE or stopped being ALIVE, kept in `controller-state.json` under
//! `--storage.path` so an exporter restart does not reset them.
//!
//! The same rules as the host side's file: written only on a change (a
//! transition, a connector appearing or disappearing), through a temporary
//! file and a rename; a file that is unusable is a warning and a fresh start.

use crate::storage::write_atomically;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::query::{ControllerState, Node};

pub const FILE_NAME: &str = "controller-state.json";
const VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tracked {
    pub up: bool,
    /// Unix time `up` last changed, or the first sighting's best estimate.
    pub since: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u32,
    /// By connector id: names can be changed in the admin console.
    connectors: BTreeMap<String, Tracked>,
}

pub struct Tracker {
    connectors: BTreeMap<String, Tracked>,
    path: Option<PathBuf>,
}

impl Tracker {
    /// Loads the saved state from `dir`, if given.
    pub fn new(dir: Option<&Path>) -> Tracker {
        let path = dir.map(|d| d.join(FILE_NAME));
        let connectors = path.as_deref().map(load).unwrap_or_default();
        Tracker { connectors, path }
    }

    /// Applies one fleet read at `now` and returns each node's tracked state,
    /// in the order given.
    pub fn update(&mut self, nodes: &[Node], now: f64) -> Vec<Tracked> {
        let mut changed = false;
        let mut seen = HashSet::with_capacity(nodes.len());
        let out = nodes
            .iter()
            .map(|n| {
                seen.insert(n.id.as_str());
                let up = n.state.is_alive();
                match self.connectors.get_mut(&n.id) {
                    Some(t) if t.up == up => *t,
                    Some(t) => {
                        *t = Tracked { up, since: now };
                        changed = true;
                        *t
                    }
                    None => {
                        let t = Tracked {
                            up,
                            since: first_since(n, now),
                        };
                        self.connectors.insert(n.id.clone(), t);
                        changed = true;
                        t
                    }
                }
            })
            .collect();
        let before = self.connectors.len();
        // A connector removed in the console is forgotten.
        self.connectors.retain(|id, _| seen.contains(id.as_str()));
        changed |= self.connectors.len() != before;
        if changed {
            self.save();
        }
        out
    }

    fn save(&self) {
        let Some(path) = &self.path else { return };
        let file = StateFile {
            version: VERSION,
            connectors: self.connectors.clone(),
        };
        let result = serde_json::to_vec(&file)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir)?;
                }
                write_atomically(path, &bytes)
            });
        if let Err(e) = result {
            tracing::warn!(path = %path.display(), "cannot save the controller state: {e}");
        }
    }
}

/// A connector seen for the first time: one that is not ALIVE has been
/// down at least since its last heartbeat, which the controller gives;
/// when one went ALIVE is not said, so that clock starts now.
fn first_since(n: &Node, now: f64) -> f64 {
    match (n.state, n.last_heartbeat_timestamp_seconds) {
        (ControllerState::Alive, _) => now,
        (_, Some(heartbeat)) if heartbeat > 0.0 && heartbeat <= now => heartbeat,
        _ => now,
    }
}

fn load(path: &Path) -> BTreeMap<String, Tracked> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return BTreeMap::new(),
        Err(e) => {
            tracing::warn!(path = %path.display(), "cannot read the controller state, starting fresh: {e}");
            return BTreeMap::new();
        }
    };
    let parsed = serde_json::from_str::<StateFile>(&text)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            if f.version != VERSION {
                return Err(format!("version {} (expected {VERSION})", f.version));
            }
            if f.connectors
                .values()
                .any(|t| !t.since.is_finite() || t.since <= 0.0)
            {
                return Err("a state change time is not a positive number".to_owned());
            }
            Ok(f.connectors)
        });
    parsed.unwrap_or_else(|problem| {
        tracing::warn!(path = %path.display(), "controller state file is unusable, starting fresh: {problem}");
        BTreeMap::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, state: ControllerState, heartbeat: Option<f64>) -> Node {
        Node {
            id: id.to_owned(),
            name: id.to_owned(),
            state,
            last_heartbeat_timestamp_seconds: heartbeat,
            hostname: None,
            version: None,
            public_ip: None,
            private_ips: Vec::new(),
            remote_network_id: String::new(),
            remote_network: String::new(),
        }
    }

    #[test]
    fn transitions_survive_a_restart_and_removed_connectors_are_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = Tracker::new(Some(dir.path()));
        let dead = node("b", ControllerState::DeadNoRelays, Some(900.0));
        let got = t.update(
            &[node("a", ControllerState::Alive, Some(999.0)), dead.clone()],
            1000.0,
        );
        assert_eq!(
            got[0],
            Tracked {
                up: true,
                since: 1000.0
            }
        );
        assert_eq!(
            got[1],
            Tracked {
                up: false,
                since: 900.0
            },
            "down since its last heartbeat"
        );
        // Dead in another way: still down, same since.
        let got = t.update(
            &[node("a", ControllerState::DeadHeartbeatTooOld, None), dead],
            1060.0,
        );
        assert_eq!(
            got[0],
            Tracked {
                up: false,
                since: 1060.0
            }
        );
        assert_eq!(got[1].since, 900.0);
        let mut again = Tracker::new(Some(dir.path()));
        let got = again.update(&[node("a", ControllerState::DeadNoHeartbeat, None)], 1120.0);
        assert_eq!(
            got[0],
            Tracked {
                up: false,
                since: 1060.0
            },
            "kept across a restart"
        );
        let text = fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(
            !text.contains("\"b\""),
            "removed connector forgotten: {text}"
        );
    }

    #[test]
    fn an_unusable_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        for text in [
            "",
            "{",
            "{\"version\":9,\"connectors\":{}}",
            "{\"version\":1,\"connectors\":{\"a\":{\"up\":true,\"since\":-1}}}",
        ] {
            fs::write(dir.path().join(FILE_NAME), text).unwrap();
            let mut t = Tracker::new(Some(dir.path()));
            let got = t.update(&[node("a", ControllerState::Alive, None)], 50.0);
            assert_eq!(got[0].since, 50.0, "{text:?}");
        }
    }
}
