//! Test data for every crate's tests and benchmarks, used only as a dev-dependency: the
//! read-only shared data folder (`../shared` next to the repository) that pol.is conversations
//! are read from, and a fresh database per test (SQLite, or PostgreSQL when
//! `INSPRAAK_TEST_DATABASE` names a server).

pub mod database;

use std::path::{Path, PathBuf};

/// The environment variable that names the shared data folder.
pub const SHARED_DIR_ENV: &str = "INSPRAAK_SHARED_DIR";

/// The sub-folder that marks a usable shared folder.
const MARKER: &str = "data/polis";

/// Where the shared folder was looked for, in order: `INSPRAAK_SHARED_DIR`, then `../shared`
/// next to the repository.
fn candidates() -> Vec<PathBuf> {
    let beside_repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    std::env::var_os(SHARED_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .chain([beside_repository])
        .collect()
}

/// The shared data folder, or an error that says where it was looked for and what to set.
pub fn try_shared_dir() -> Result<PathBuf, String> {
    let candidates = candidates();
    if let Some(found) = candidates.iter().find(|p| p.join(MARKER).is_dir()) {
        return Ok(found.clone());
    }
    let tried = candidates
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Err(format!(
        "the shared data folder (../shared next to the repository, with {MARKER}) is missing; \
         set {SHARED_DIR_ENV} to it (looked in: {tried})"
    ))
}

/// The shared data folder; panics with [`try_shared_dir`]'s message when it is missing.
/// Missing data is an error, never a skip.
pub fn shared_dir() -> PathBuf {
    try_shared_dir().unwrap_or_else(|message| panic!("{message}"))
}

/// `data/polis/NAME` in the shared folder (a conversation in pol.is's openData format);
/// panics with a helpful message when it is missing.
pub fn polis_dir(name: &str) -> PathBuf {
    let dir = shared_dir().join(MARKER).join(name);
    assert!(
        dir.is_dir(),
        "the shared openData conversation {name} is missing at {}; set {SHARED_DIR_ENV} to a complete shared folder",
        dir.display()
    );
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_names_the_variable_and_the_folders() {
        let message = match try_shared_dir() {
            Ok(found) => {
                assert!(found.join(MARKER).is_dir());
                return;
            }
            Err(message) => message,
        };
        assert!(message.contains(SHARED_DIR_ENV), "{message}");
        assert!(message.contains("shared"), "{message}");
    }
}
