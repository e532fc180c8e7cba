//! The AppImage's own start: an ELF program with a squashfs folder tree appended to it (the
//! AppImage type 2 layout). It finds where the tree starts, unpacks it once into the user's cache
//! folder, and runs the tree's `AppRun` with the environment AppImage programs expect.
//!
//! It owns the image layout, both ways: [`pack`] writes an image, [`Image`] reads and unpacks
//! one. It must not know what the tree holds (that is the bundle recipe's business, in
//! `xtask`), nor anything of the app itself.

use std::fs;
use std::io::{self, BufReader, Read as _, Seek as _, SeekFrom, Write as _};
use std::os::unix::fs::{symlink, PermissionsExt as _};
use std::path::{Path, PathBuf};

use backhand::v4::compressor::Compressor;
use backhand::{FilesystemCompressor, FilesystemReader, FilesystemWriter, InnerNode, NodeHeader};

/// The bytes an AppImage type 2 carries at offset 8 of its ELF header, so that tools tell it
/// from an ordinary program.
pub const MAGIC: [u8; 3] = [0x41, 0x49, 0x02];
/// Where [`MAGIC`] goes: the ELF header's ABI version and padding bytes, which loaders ignore
/// for a program.
pub const MAGIC_AT: usize = 8;
/// What a squashfs superblock starts with.
const SQUASHFS: &[u8; 4] = b"hsqs";
/// The part of the superblock that names one build of the tree (its time, size and counts).
const SUPERBLOCK: usize = 96;

/// What can go wrong between starting the image and running the app.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot read the image {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("{path} is not a 64-bit little-endian ELF program, so it holds no AppImage")]
    NotElf { path: PathBuf },
    #[error("{path} has no squashfs tree at byte {offset} (it ends at byte {len})")]
    NoTree {
        path: PathBuf,
        offset: u64,
        len: u64,
    },
    #[error("the squashfs tree in {path} cannot be read: {message}")]
    Tree { path: PathBuf, message: String },
    #[error("cannot write {path} while unpacking: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("the tree holds an entry outside itself: {0}")]
    Escape(PathBuf),
    #[error("no cache folder: neither XDG_CACHE_HOME nor HOME is set")]
    NoCache,
    #[error("cannot pack {path} into the image: {message}")]
    Pack { path: PathBuf, message: String },
}

/// Where the appended tree starts: the end of the ELF file as its header describes it (the
/// section header table is the last thing a linker writes).
pub fn tree_offset(header: &[u8]) -> Option<u64> {
    if header.len() < 64 || &header[..4] != b"\x7fELF" || header[4] != 2 || header[5] != 1 {
        return None;
    }
    let u64_at = |at: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&header[at..at + 8]);
        u64::from_le_bytes(bytes)
    };
    let u16_at = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
    let table = u64_at(0x28);
    let entry = u64::from(u16_at(0x3A));
    let count = u64::from(u16_at(0x3C));
    table.checked_add(entry.checked_mul(count)?)
}

/// An AppImage file, read far enough to know where its tree is and which build it is.
#[derive(Debug)]
pub struct Image {
    pub path: PathBuf,
    pub offset: u64,
    /// A name for this build of the tree: a hash of its superblock, which holds the time the
    /// tree was packed (to the second) and where each of its tables starts, so builds made at
    /// different times or of different contents get different names.
    pub key: String,
}

impl Image {
    pub fn open(path: &Path) -> Result<Image, LaunchError> {
        let read = |source| LaunchError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut file = fs::File::open(path).map_err(read)?;
        let len = file.metadata().map_err(read)?.len();
        let mut header = [0u8; 64];
        file.read_exact(&mut header).map_err(read)?;
        let offset = tree_offset(&header).ok_or_else(|| LaunchError::NotElf {
            path: path.to_path_buf(),
        })?;
        let no_tree = || LaunchError::NoTree {
            path: path.to_path_buf(),
            offset,
            len,
        };
        if offset.saturating_add(SUPERBLOCK as u64) > len {
            return Err(no_tree());
        }
        file.seek(SeekFrom::Start(offset)).map_err(read)?;
        let mut superblock = [0u8; SUPERBLOCK];
        file.read_exact(&mut superblock).map_err(read)?;
        if &superblock[..4] != SQUASHFS {
            return Err(no_tree());
        }
        Ok(Image {
            path: path.to_path_buf(),
            offset,
            key: format!("{:016x}", fnv1a(&superblock)),
        })
    }

    /// Unpacks the tree into `dest`, which must not exist yet.
    pub fn unpack(&self, dest: &Path) -> Result<(), LaunchError> {
        let read = |source| LaunchError::Read {
            path: self.path.clone(),
            source,
        };
        let tree = |e: backhand::BackhandError| LaunchError::Tree {
            path: self.path.clone(),
            message: e.to_string(),
        };
        let write = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LaunchError::Write { path, source }
        };
        let file = BufReader::new(fs::File::open(&self.path).map_err(read)?);
        let fs_tree = FilesystemReader::from_reader_with_offset(file, self.offset).map_err(tree)?;
        fs::create_dir_all(dest).map_err(write(dest))?;
        // Folders get their modes last, so a read-only folder can still be filled.
        let mut folders = Vec::new();
        for node in fs_tree.files() {
            let target = inside(dest, &node.fullpath)?;
            let mode = u32::from(node.header.permissions) & 0o7777;
            match &node.inner {
                InnerNode::Dir(_) => {
                    fs::create_dir_all(&target).map_err(write(&target))?;
                    folders.push((target, mode));
                }
                InnerNode::File(entry) => {
                    let mut out = fs::File::create(&target).map_err(write(&target))?;
                    let mut data = fs_tree.file(entry).reader();
                    io::copy(&mut data, &mut out).map_err(write(&target))?;
                    fs::set_permissions(&target, fs::Permissions::from_mode(mode))
                        .map_err(write(&target))?;
                }
                InnerNode::Symlink(link) => {
                    symlink(&link.link, &target).map_err(write(&target))?;
                }
                // A bundle has no devices, pipes or sockets; nothing to make for them.
                _ => {}
            }
        }
        for (folder, mode) in folders.into_iter().rev() {
            fs::set_permissions(&folder, fs::Permissions::from_mode(mode))
                .map_err(write(&folder))?;
        }
        Ok(())
    }

    /// The unpacked tree in the cache, unpacking it first if this build is not there yet. A tree
    /// is unpacked beside its final name and renamed into place, so a start that was stopped
    /// half-way leaves nothing that a later start would take for whole.
    pub fn unpacked(&self, cache: &Path) -> Result<PathBuf, LaunchError> {
        let done = cache.join(&self.key);
        if done.join("AppRun").exists() {
            return Ok(done);
        }
        let partial = cache.join(format!("{}.{}.partial", self.key, std::process::id()));
        if partial.exists() {
            let _ = fs::remove_dir_all(&partial);
        }
        if let Err(e) = self.unpack(&partial) {
            let _ = fs::remove_dir_all(&partial);
            return Err(e);
        }
        if let Err(source) = fs::rename(&partial, &done) {
            // Another start of the same image got there first: its tree is as good as ours.
            let _ = fs::remove_dir_all(&partial);
            if !done.join("AppRun").exists() {
                return Err(LaunchError::Write { path: done, source });
            }
        }
        sweep(cache, &done, &running_programs());
        Ok(done)
    }
}

/// How recent a folder in the cache must be to be left alone whatever runs: another start may
/// be unpacking into it, or about to run what it has just unpacked.
const SETTLING: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes the trees of other builds once a new build is unpacked, so that each update does not
/// leave its predecessor's few hundred megabytes behind; a tree that one of `running` (pids and
/// program paths) comes from, or that changed within [`SETTLING`], stays.
pub fn sweep(cache: &Path, keep: &Path, running: &[(u32, PathBuf)]) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(cache) else {
        return removed;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path == keep || running.iter().any(|(_, exe)| exe.starts_with(&path)) {
            continue;
        }
        let recent = entry
            .metadata()
            .and_then(|m| m.modified())
            .map(|at| at.elapsed().map_or(true, |age| age < SETTLING))
            .unwrap_or(true);
        if !recent && fs::remove_dir_all(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// The processes this user can see, with their program files.
pub fn running_programs() -> Vec<(u32, PathBuf)> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_str()?.parse().ok()?;
            // Processes come and go, and other users' may not be readable.
            let exe = fs::read_link(e.path().join("exe")).ok()?;
            Some((pid, exe))
        })
        .collect()
}

/// Writes an image: `launcher` (an ELF program that ends with its section table), marked as an
/// AppImage, then the folder `tree` as gzip'd squashfs, every entry owned by root with time 0.
/// The image is written beside `out` and renamed into place, so a failed build leaves nothing
/// that looks whole.
pub fn pack(launcher: &[u8], tree: &Path, out: &Path) -> Result<(), LaunchError> {
    let offset = tree_offset(launcher).ok_or_else(|| LaunchError::NotElf {
        path: out.to_path_buf(),
    })?;
    if offset != launcher.len() as u64 {
        return Err(LaunchError::NotElf {
            path: out.to_path_buf(),
        });
    }
    let mut head = launcher.to_vec();
    head[MAGIC_AT..MAGIC_AT + MAGIC.len()].copy_from_slice(&MAGIC);

    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |e: backhand::BackhandError| LaunchError::Pack {
            path,
            message: e.to_string(),
        }
    };
    let read = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LaunchError::Read { path, source }
    };
    let mut fs_tree = FilesystemWriter::default();
    fs_tree
        .set_compressor(FilesystemCompressor::new(Compressor::Gzip, None).map_err(failed(tree))?);
    // The build's time makes each build's superblock, and so its cache folder, its own.
    fs_tree.set_current_time();
    fs_tree.set_root_mode(0o755);
    let header = |mode: u32| NodeHeader::new((mode & 0o7777) as u16, 0, 0, 0);
    let mut stack = vec![tree.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&dir)
            .map_err(read(&dir))?
            .collect::<Result<_, _>>()
            .map_err(read(&dir))?;
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let inside = Path::new("/").join(path.strip_prefix(tree).unwrap_or(&path));
            let meta = fs::symlink_metadata(&path).map_err(read(&path))?;
            let mode = meta.permissions().mode();
            if meta.file_type().is_symlink() {
                let link = fs::read_link(&path).map_err(read(&path))?;
                fs_tree
                    .push_symlink(link, &inside, header(0o777))
                    .map_err(failed(&path))?;
            } else if meta.is_dir() {
                fs_tree
                    .push_dir(&inside, header(mode))
                    .map_err(failed(&path))?;
                stack.push(path);
            } else {
                fs_tree
                    .push_file_from_path(path.clone(), &inside, header(mode))
                    .map_err(failed(&path))?;
            }
        }
    }
    let write = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LaunchError::Write { path, source }
    };
    let dir = out.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(write(dir))?;
    let mut partial_name = out.file_name().unwrap_or_default().to_os_string();
    partial_name.push(".partial");
    let partial = dir.join(partial_name);
    let mut file = fs::File::create(&partial).map_err(write(&partial))?;
    file.write_all(&head).map_err(write(&partial))?;
    fs_tree
        .write_with_offset(&mut file, offset)
        .map_err(failed(tree))?;
    file.flush().map_err(write(&partial))?;
    drop(file);
    fs::set_permissions(&partial, fs::Permissions::from_mode(0o755)).map_err(write(&partial))?;
    fs::rename(&partial, out).map_err(write(out))?;
    Ok(())
}

/// The folder unpacked images live in: `$XDG_CACHE_HOME/odop-desk/appimage`.
pub fn cache_root(
    xdg_cache: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Result<PathBuf, LaunchError> {
    let base = xdg_cache
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".cache")))
        .ok_or(LaunchError::NoCache)?;
    Ok(base.join("odop-desk").join("appimage"))
}

/// `entry` (an absolute path inside the tree) under `dest`, refusing `..` and the like so that a
/// damaged or hostile image cannot write outside its folder.
fn inside(dest: &Path, entry: &Path) -> Result<PathBuf, LaunchError> {
    let mut out = dest.to_path_buf();
    for part in entry.components() {
        match part {
            std::path::Component::RootDir | std::path::Component::CurDir => {}
            std::path::Component::Normal(name) => out.push(name),
            _ => return Err(LaunchError::Escape(entry.to_path_buf())),
        }
    }
    Ok(out)
}

/// FNV-1a, 64 bits: enough to tell builds apart, with no dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(table: u64, entry: u16, count: u16) -> [u8; 64] {
        let mut h = [0u8; 64];
        h[..4].copy_from_slice(b"\x7fELF");
        h[4] = 2;
        h[5] = 1;
        h[0x28..0x30].copy_from_slice(&table.to_le_bytes());
        h[0x3A..0x3C].copy_from_slice(&entry.to_le_bytes());
        h[0x3C..0x3E].copy_from_slice(&count.to_le_bytes());
        h
    }

    #[test]
    fn the_tree_starts_where_the_section_table_ends() {
        assert_eq!(tree_offset(&header(1000, 64, 30)), Some(1000 + 64 * 30));
    }

    #[test]
    fn a_file_that_is_not_a_64_bit_elf_has_no_tree() {
        let mut h = header(1000, 64, 30);
        h[4] = 1;
        assert_eq!(tree_offset(&h), None);
        assert_eq!(tree_offset(b"#!/bin/sh\n"), None);
    }

    #[test]
    fn this_test_program_is_read_as_an_elf_that_ends_where_its_file_ends() {
        let exe = std::env::current_exe().unwrap();
        let bytes = fs::read(&exe).unwrap();
        assert_eq!(tree_offset(&bytes), Some(bytes.len() as u64));
        // Nothing is appended to it, so opening it as an image names the missing tree.
        let err = Image::open(&exe).unwrap_err();
        assert!(matches!(err, LaunchError::NoTree { .. }), "{err}");
    }

    #[test]
    fn entries_may_not_leave_the_folder() {
        let dest = Path::new("/tmp/x");
        assert_eq!(
            inside(dest, Path::new("/usr/bin/app")).unwrap(),
            PathBuf::from("/tmp/x/usr/bin/app")
        );
        assert!(inside(dest, Path::new("/usr/../../etc/passwd")).is_err());
    }

    #[test]
    fn the_cache_is_under_xdg_cache_home_else_home() {
        let xdg = cache_root(Some("/c".into()), Some("/h".into())).unwrap();
        assert_eq!(xdg, PathBuf::from("/c/odop-desk/appimage"));
        let home = cache_root(Some("relative".into()), Some("/h".into())).unwrap();
        assert_eq!(home, PathBuf::from("/h/.cache/odop-desk/appimage"));
        assert!(cache_root(None, None).is_err());
    }
}
