//! The tracker's state in a small JSON file under `--storage.path`, so an
//! exporter restart neither resets the downtime clock nor the restart count.
//!
//! Written only when the state changes (a transition or a restart), never
//! on a quiet round, through a temporary file and a rename so a crash leaves
//! the old file or the new one. A file that is missing, cut short or not
//! ours is a warning and a fresh start: losing history beats not running.

use crate::storage::write_atomically;
use std::fs;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::tracker::TrackedState;

pub const FILE_NAME: &str = "connector-state.json";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    version: u32,
    /// /proc/sys/kernel/random/boot_id when written: PIDs and start ticks
    /// only mean something within one boot.
    boot_id: Option<String>,
    state: TrackedState,
}

pub struct StateStore {
    dir: PathBuf,
}

/// A state read back, and whether it was written during this boot.
pub struct Loaded {
    pub state: TrackedState,
    pub same_boot: bool,
}

impl StateStore {
    pub fn new(dir: impl Into<PathBuf>) -> StateStore {
        StateStore { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// `None` for a fresh start; problems are logged as warnings.
    pub fn load(&self, boot_id: Option<&str>) -> Option<Loaded> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::info!(path = %path.display(), "no connector state file yet; starting fresh");
                return None;
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), "cannot read the connector state file, starting fresh: {e}");
                return None;
            }
        };
        match parse(&text) {
            Ok(file) => {
                let same_boot = matches!((boot_id, &file.boot_id), (Some(a), Some(b)) if a == b);
                Some(Loaded {
                    state: file.state,
                    same_boot,
                })
            }
            Err(problem) => {
                tracing::warn!(path = %path.display(), "connector state file is unusable, starting fresh: {problem}");
                None
            }
        }
    }

    pub fn save(&self, state: &TrackedState, boot_id: Option<&str>) -> std::io::Result<()> {
        let file = StateFile {
            version: VERSION,
            boot_id: boot_id.map(str::to_owned),
            state: state.clone(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
        fs::create_dir_all(&self.dir)?;
        write_atomically(&self.path(), text.as_bytes())
    }
}

fn parse(text: &str) -> Result<StateFile, String> {
    let file: StateFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if file.version != VERSION {
        return Err(format!("version {} (expected {VERSION})", file.version));
    }
    let s = &file.state;
    if !s.since.is_finite() || s.since <= 0.0 {
        return Err(format!("bad state change time {}", s.since));
    }
    Ok(file)
}

/// This boot's identity, or `None` where the kernel does not say.
pub fn boot_id() -> Option<String> {
    fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::connector::tracker::Identity;

    fn state() -> TrackedState {
        TrackedState {
            up: false,
            since: 1_700_000_000.5,
            restarts: 3,
            seen_up: true,
            seen: true,
            last_up: Identity {
                process: Some((42, 12345)),
                unit: None,
                unit_restarts: Some(1),
            },
        }
    }

    #[test]
    fn saved_state_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(dir.path().join("nested"));
        assert!(
            store.load(Some("boot-a")).is_none(),
            "missing file: fresh start"
        );
        store.save(&state(), Some("boot-a")).unwrap();
        let loaded = store.load(Some("boot-a")).unwrap();
        assert_eq!(loaded.state, state());
        assert!(loaded.same_boot);
        assert!(!store.load(Some("boot-b")).unwrap().same_boot);
        assert!(!store.load(None).unwrap().same_boot);
        // Nothing left behind but the file itself.
        let names: Vec<_> = fs::read_dir(dir.path().join("nested"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
    }

    #[test]
    fn truncated_corrupt_or_foreign_files_are_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(dir.path());
        store.save(&state(), None).unwrap();
        let good = fs::read_to_string(store.path()).unwrap();
        let other_version = good.replace("\"version\": 1", "\"version\": 99");
        let bad_time = good.replace("1700000000.5", "-1.0");
        let cases = [
            good[..good.len() / 2].to_owned(),
            String::new(),
            "\u{0}\u{1}garbage".to_owned(),
            "{\"version\":1}".to_owned(),
            other_version,
            bad_time,
            "[1,2,3]".to_owned(),
        ];
        for text in cases {
            fs::write(store.path(), &text).unwrap();
            assert!(store.load(None).is_none(), "{text:?}");
        }
    }

    #[test]
    fn an_unwritable_directory_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, "").unwrap();
        let store = StateStore::new(blocker.join("sub"));
        assert!(store.save(&state(), None).is_err());
    }
}
