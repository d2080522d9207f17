//! The odd corpus (`../shared/corpus/odd`): where it is, its files, and the ones its
//! MANIFEST marks as bombs. Shared by the integration tests and `tests/bombs_alloc.rs`.
#![allow(dead_code)] // each test binary uses part of it

use std::path::{Path, PathBuf};

/// The odd corpus, relative to the crate root.
pub fn odd_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/odd")
}

/// Every data file under `dir`, recursively, sorted (README and MANIFEST skipped).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if !matches!(
                p.file_name().and_then(|n| n.to_str()),
                Some("README.md" | "MANIFEST.tsv")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The odd-corpus files the MANIFEST marks as bombs or huge pictures.
pub fn corpus_bombs() -> Vec<PathBuf> {
    let dir = odd_dir();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|name| {
            let n = name.to_ascii_lowercase();
            ["bomb", "huge", "large", "big", "_dos", "oom"]
                .iter()
                .any(|w| n.contains(w))
        })
        .map(|name| dir.join(name))
        .collect()
}
