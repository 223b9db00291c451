//! Files under `--storage.path`: the probes' state survives a restart, and a crash or a full
//! disk while writing leaves the previous file, never a torn one.

use std::fs;
use std::io::Write as _;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file beside it and a rename. The directory must
/// exist.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Beside the target, so the rename stays on one filesystem; the PID keeps two exporters
    // sharing a directory from writing one temporary file.
    let temp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // The rename itself is durable once the directory is synced.
        if let Some(dir) = path.parent() {
            fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
