//! File-system I/O shared by every stage that writes: temp file + rename. A file is written
//! to a temporary file beside its target, flushed to disk, then renamed over the target and
//! the folder synced, so a reader never sees half a file, even after a power loss.
//! [`commit`] renames a set of such files with a commit record last, so a reader can also
//! tell whether the set is whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Temporary files start with this, so a run can clear the ones a killed run left.
const TEMP_PREFIX: &str = ".thematic-tmp-";

fn write_error(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    |cause| Error::Write {
        path: path.to_path_buf(),
        cause,
    }
}

/// The folder a file is in (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Removes temporary files that an interrupted run left in `dir` (never anything else).
///
/// A run holds a lock on each of its temporary files for as long as it has them
/// ([`write_temp`]), and a killed run's locks go with it: a file no one holds is a
/// leftover, and one that is locked belongs to another run writing to the same folder (two
/// runs saving their models to `models/`), which must not lose it mid-write.
pub fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        // Removed while locked, so that a run that has just made the file and waits for
        // its lock finds it gone ([`write_temp`] then makes another).
        if let Ok(file) = std::fs::File::open(entry.path()) {
            if file.try_lock().is_ok() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Creates the output folder `dir` and proves that a file can be written in it, by writing
/// and removing a temporary file, and clears temporary files a killed run left there: a
/// run finds out that it cannot write its outputs before the fit, not after it.
pub fn prepare_output_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(write_error(dir))?;
    remove_stale_temp_files(dir);
    // Removed when dropped.
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(write_error(dir))?;
    Ok(())
}

/// Reads a UTF-8 text file (a settings or labels file), naming it in the error.
pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|cause| Error::Read {
        path: path.to_path_buf(),
        cause,
    })
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Like [`write_atomic`], with the content streamed by `write` into a buffered writer, so
/// a large output is never held in memory whole.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let (tmp, _, _) = write_temp(path, None, write)?;
    tmp.persist(path).map_err(|e| write_error(path)(e.error))?;
    sync_dir(parent(path))
}

/// Counts, and optionally hashes, the bytes on their way to the file. It sits under the
/// buffer, so it sees large chunks rather than serde's many small writes.
struct Tally<W> {
    inner: W,
    size: u64,
    digest: Option<Sha256>,
}

impl<W: Write> Write for Tally<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.size += n as u64;
        if let Some(digest) = &mut self.digest {
            digest.update(&buf[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A temporary file beside its target, flushed to disk, with its size and (when asked for)
/// the digest of its bytes.
type Written = (tempfile::NamedTempFile, u64, Option<Sha256>);

/// Writes a temporary file beside `path` and flushes it to disk.
fn write_temp(
    path: &Path,
    digest: Option<Sha256>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Written> {
    let error = write_error(path);
    let dir = parent(path);
    std::fs::create_dir_all(dir).map_err(&error)?;
    // Outputs are for sharing: 0644 like any file a tool writes, not tempfile's 0600.
    #[cfg(unix)]
    let permissions = std::os::unix::fs::PermissionsExt::from_mode(0o644);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    builder.permissions(permissions);
    let tmp = loop {
        let tmp = builder.tempfile_in(dir).map_err(&error)?;
        // Held until the file is renamed or dropped: another run clears only the temporary
        // files no live run holds ([`remove_stale_temp_files`]). One that took the lock
        // between the file's creation and this line has removed it: make another.
        tmp.as_file().lock().map_err(&error)?;
        if tmp.path().exists() {
            break tmp;
        }
    };
    let tally = Tally {
        inner: tmp,
        size: 0,
        digest,
    };
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, tally);
    write(&mut writer).map_err(&error)?;
    let Tally {
        inner,
        size,
        digest,
    } = writer.into_inner().map_err(|e| error(e.into_error()))?;
    inner.as_file().sync_all().map_err(&error)?;
    Ok((inner, size, digest))
}

/// Makes the renames and removals in `dir` durable: without it a power loss can undo a
/// rename whose file content is already on disk.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let error = write_error(dir);
        let result = std::fs::File::open(dir).and_then(|d| d.sync_all());
        match result {
            Ok(()) => {}
            // Some file systems (certain network and FUSE mounts) cannot sync a folder and
            // say so with EINVAL or ENOTSUP; the renames are then as durable as they can
            // make them, and refusing to write would help nobody.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Unsupported
                ) => {}
            Err(e) => return Err(error(e)),
        }
    }
    // Elsewhere (Windows) std cannot open a folder to sync it; NTFS journals the rename.
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A file written and flushed to disk under a temporary name beside its target, not yet
/// renamed into place. Dropping it removes it.
#[derive(Debug)]
pub struct StagedFile {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
    size: u64,
    sha256: String,
}

impl StagedFile {
    /// Where [`commit`] will put it.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Its SHA-256, in lowercase hex as `sha256sum` prints it.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Renames it over its target (the folder is not synced: the caller does, once).
    fn persist(self) -> Result<()> {
        let Self { tmp, target, .. } = self;
        tmp.persist(&target)
            .map_err(|e| write_error(&target)(e.error))?;
        Ok(())
    }
}

/// Writes what `write` streams to a temporary file beside `path`, flushed to disk, with its
/// size and SHA-256; [`commit`] later puts it in place.
pub fn stage(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<StagedFile> {
    let (tmp, size, digest) = write_temp(path, Some(Sha256::new()), write)?;
    let digest = digest.expect("a digest was given").finalize();
    Ok(StagedFile {
        tmp,
        target: path.to_path_buf(),
        size,
        sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
    })
}

/// Puts a set of staged files in place so that whenever `record` exists, every file of
/// the set beside it is the one staged with it:
///
/// 1. the old record is removed (and the removal synced), so from here on the folder says
///    it holds an interrupted set;
/// 2. the files in `remove` (outputs of an earlier set that this one does not have) are
///    removed, so none can pass for part of this set;
/// 3. `files` are renamed over their targets, and their folders synced;
/// 4. `record` is renamed into place last, and its folder synced.
///
/// Every file is already whole on disk when this starts ([`stage`]), so a kill or a power
/// loss at any point leaves either the new record beside the new set, or no record.
pub fn commit(files: Vec<StagedFile>, record: StagedFile, remove: &[PathBuf]) -> Result<()> {
    commit_observed(files, record, remove, |_| {})
}

/// [`commit`], calling `observe` after each change to the folder, so a test can check
/// the folder at every point where a kill could land.
fn commit_observed(
    files: Vec<StagedFile>,
    record: StagedFile,
    remove: &[PathBuf],
    mut observe: impl FnMut(&Path),
) -> Result<()> {
    let record_dir = parent(&record.target).to_path_buf();
    remove_if_present(&record.target)?;
    sync_dir(&record_dir)?;
    observe(&record.target);
    let mut dirs = vec![record_dir.clone()];
    for path in remove {
        remove_if_present(path)?;
        observe(path);
        dirs.push(parent(path).to_path_buf());
    }
    for file in files {
        let (dir, target) = (parent(&file.target).to_path_buf(), file.target.clone());
        file.persist()?;
        observe(&target);
        dirs.push(dir);
    }
    // The set must be durable before the record that vouches for it.
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        sync_dir(dir)?;
    }
    let target = record.target.clone();
    record.persist()?;
    sync_dir(&record_dir)?;
    observe(&target);
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(write_error(path)(e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage_text(path: &Path, text: &str) -> StagedFile {
        stage(path, |w| w.write_all(text.as_bytes())).unwrap()
    }

    /// Regression: a run cleared every temporary file in its output folders, so two runs
    /// saving models to one folder deleted each other's files mid-write ("cannot write
    /// x.json: No such file or directory"). A file a live run holds stays.
    #[test]
    fn only_temporary_files_no_run_holds_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let staged = stage_text(&dir.path().join("model.json"), "{}");
        let left = dir.path().join(format!("{TEMP_PREFIX}killed"));
        std::fs::write(&left, "x").unwrap();
        std::fs::write(dir.path().join("old-output.json"), "x").unwrap();
        let live = names(dir.path());
        assert_eq!(live.len(), 3, "{live:?}");
        remove_stale_temp_files(dir.path());
        let kept = names(dir.path());
        assert!(!kept.iter().any(|n| n.ends_with("killed")), "{kept:?}");
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert!(kept.contains(&"old-output.json".to_string()));
        // The staged file is still there to be renamed into place.
        staged.persist().unwrap();
        assert!(names(dir.path()).contains(&"model.json".to_string()));
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A record names its files and their content, one `name=content` a line.
    fn record_text(files: &[(&str, &str)]) -> String {
        files.iter().map(|(n, c)| format!("{n}={c}\n")).collect()
    }

    /// The folder is consistent if it has no record, or every file the record lists has
    /// the listed content and no other known file is there.
    fn assert_consistent(dir: &Path, known: &[&str], when: &str) {
        let Ok(record) = std::fs::read_to_string(dir.join("record")) else {
            return;
        };
        let listed: Vec<(&str, &str)> =
            record.lines().map(|l| l.split_once('=').unwrap()).collect();
        for name in known {
            let content = std::fs::read_to_string(dir.join(name)).ok();
            let expected = listed.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
            assert_eq!(
                expected,
                content.as_deref(),
                "{when}: {name} beside record {record:?}"
            );
        }
    }

    /// At every step of a commit (each point a kill could land), either there is no
    /// record, or every file beside it is from its set; an output the new set does not
    /// have is gone before the new record appears.
    #[test]
    fn a_commit_never_shows_a_record_beside_files_of_another_set() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let known = ["a", "b", "extra"];
        let old = [("a", "old a"), ("b", "old b"), ("extra", "old extra")];
        for (name, content) in old {
            std::fs::write(dir.join(name), content).unwrap();
        }
        std::fs::write(dir.join("record"), record_text(&old)).unwrap();
        assert_consistent(dir, &known, "before");

        let new = [("a", "new a"), ("b", "new b")];
        let files: Vec<StagedFile> = new
            .iter()
            .map(|(n, c)| stage_text(&dir.join(n), c))
            .collect();
        let record = stage_text(&dir.join("record"), &record_text(&new));
        let mut steps = Vec::new();
        commit_observed(files, record, &[dir.join("extra")], |path| {
            let step = path.file_name().unwrap().to_string_lossy().into_owned();
            assert_consistent(dir, &known, &format!("after step {step}"));
            steps.push((step, dir.join("record").exists()));
        })
        .unwrap();

        let expected: Vec<(String, bool)> = [
            ("record", false),
            ("extra", false),
            ("a", false),
            ("b", false),
            ("record", true),
        ]
        .iter()
        .map(|(s, r)| (s.to_string(), *r))
        .collect();
        assert_eq!(expected, steps, "steps (file changed, record present)");
        assert_eq!(
            vec!["a", "b", "record"],
            names(dir),
            "no temporary file left"
        );
        assert_consistent(dir, &known, "after");
    }

    /// A rename that fails stops the commit with no record in the folder (it says the set
    /// is interrupted) and no temporary file left behind.
    #[test]
    fn a_failed_rename_leaves_no_record() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("record"), "a=old a\n").unwrap();
        // A non-empty folder cannot be renamed over.
        std::fs::create_dir_all(dir.join("b").join("inside")).unwrap();
        let files = vec![
            stage_text(&dir.join("a"), "new a"),
            stage_text(&dir.join("b"), "new b"),
        ];
        let record = stage_text(&dir.join("record"), "a=new a\nb=new b\n");
        let err = commit(files, record, &[]).unwrap_err();
        assert!(
            matches!(&err, Error::Write { path, .. } if path == &dir.join("b")),
            "{err:?}"
        );
        assert_eq!(vec!["a", "b"], names(dir));
    }

    /// What `stage` reports is what lands: size and the SHA-256 that `sha256sum` prints.
    #[test]
    fn stage_reports_size_and_sha256() {
        let tmp = tempfile::tempdir().unwrap();
        let staged = stage_text(&tmp.path().join("x"), "abc");
        assert_eq!(3, staged.size());
        assert_eq!(
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            staged.sha256()
        );
        let record = stage_text(&tmp.path().join("record"), "x");
        commit(vec![staged], record, &[]).unwrap();
        assert_eq!(
            "abc",
            std::fs::read_to_string(tmp.path().join("x")).unwrap()
        );
    }
}
