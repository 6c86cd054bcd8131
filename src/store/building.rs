//! A new ledger file is built under a temporary name beside its final one and moved into
//! place whole, so that a command killed while building (`init`, `demo`) leaves either no
//! ledger or a whole one, and a temporary file left by a killed command never stands in the
//! way of the next.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::StoreError;

/// The temporary files end so; their names carry the id of the process building them.
const SUFFIX: &str = ".building";

/// A ledger being built under a temporary name. Dropped unfinished, its files are removed.
pub struct Building {
    target: PathBuf,
    temporary: PathBuf,
    finished: bool,
}

fn file_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::File {
        path: path.display().to_string(),
        source,
    }
}

/// The file itself and what SQLite may keep beside it.
fn with_companions(path: &Path) -> [PathBuf; 3] {
    let text = path.as_os_str().to_string_lossy();
    [
        path.to_path_buf(),
        PathBuf::from(format!("{text}-wal")),
        PathBuf::from(format!("{text}-shm")),
    ]
}

fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(file_error(path)(error)),
        _ => Ok(()),
    }
}

impl Building {
    /// Chooses the temporary name for `target`, removing what killed builds left.
    pub fn start(target: &Path) -> Result<Building, StoreError> {
        let directory = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_stale(&directory, &name);
        let temporary = directory.join(format!(".{name}.{}{SUFFIX}", std::process::id()));
        for file in with_companions(&temporary) {
            remove_if_present(&file)?;
        }
        Ok(Building {
            target: target.to_path_buf(),
            temporary,
            finished: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.temporary
    }

    /// Moves the built file to its final name. Without `replace` an existing file is never
    /// overwritten: returns false (and removes the built file) when one appeared meanwhile.
    pub fn finish(mut self, replace: bool) -> Result<bool, StoreError> {
        fs::File::open(&self.temporary)
            .and_then(|file| file.sync_all())
            .map_err(file_error(&self.temporary))?;
        if replace {
            // A write-ahead log left beside the old file must not be replayed into the new.
            for file in &with_companions(&self.target)[1..] {
                remove_if_present(file)?;
            }
            fs::rename(&self.temporary, &self.target).map_err(file_error(&self.target))?;
        } else {
            // A hard link never replaces a file that appeared meanwhile; where the file
            // system has none, a rename after looking is the best there is.
            match fs::hard_link(&self.temporary, &self.target) {
                Ok(()) => remove_if_present(&self.temporary)?,
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
                Err(_) if self.target.exists() => return Ok(false),
                Err(_) => {
                    fs::rename(&self.temporary, &self.target).map_err(file_error(&self.target))?
                }
            }
        }
        if let Some(directory) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            // The new name is durable once its directory is; not every system can say so.
            let _ = fs::File::open(directory).and_then(|d| d.sync_all());
        }
        self.finished = true;
        Ok(true)
    }
}

impl Drop for Building {
    fn drop(&mut self) {
        if !self.finished {
            for file in with_companions(&self.temporary) {
                let _ = fs::remove_file(file);
            }
        }
    }
}

/// Removes the temporary files of builds of `name` whose process is gone.
fn remove_stale(directory: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let Some((pid, tail)) = rest.split_once('.') else {
            continue;
        };
        let is_ours = ["building", "building-wal", "building-shm"].contains(&tail);
        match pid.parse::<u32>() {
            Ok(pid) if is_ours && !process_alive(pid) => {
                let _ = fs::remove_file(entry.path());
            }
            _ => {}
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid == 0 {
        return false;
    }
    // SAFETY: signal 0 only asks whether the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    // Without a way to ask, a file that might belong to a running build is left alone.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_temporary_file_is_removed_and_a_live_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        // No process has id 2^31 - 2 on an ordinary system.
        let stale = dir.path().join(".l.sqlite.2147483646.building");
        let live = dir
            .path()
            .join(format!(".l.sqlite.{}.building-wal", std::process::id()));
        let other = dir.path().join(".m.sqlite.2147483646.building");
        for file in [&stale, &live, &other] {
            fs::write(file, "x").unwrap();
        }
        remove_stale(dir.path(), "l.sqlite");
        assert!(!stale.exists());
        assert!(live.exists());
        assert!(other.exists());
    }

    #[test]
    fn an_unfinished_build_leaves_nothing_and_a_finished_one_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("l.sqlite");
        let building = Building::start(&target).unwrap();
        fs::write(building.path(), "new").unwrap();
        let temporary = building.path().to_path_buf();
        drop(building);
        assert!(!temporary.exists() && !target.exists());

        fs::write(&target, "theirs").unwrap();
        let building = Building::start(&target).unwrap();
        fs::write(building.path(), "new").unwrap();
        assert!(!building.finish(false).unwrap());
        assert_eq!(fs::read_to_string(&target).unwrap(), "theirs");
        let building = Building::start(&target).unwrap();
        fs::write(building.path(), "new").unwrap();
        assert!(building.finish(true).unwrap());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
