//! Images made of the real `odop-launcher` and a small tree whose AppRun reports what it was
//! given: unpacked once, started with the AppImage environment, extracted on request, and refused
//! with a clear message when damaged.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use odop_launcher::pack;

const APP_RUN: &str = "#!/bin/sh\n\
printf 'args=%s\\n' \"$*\"\n\
printf 'appdir=%s\\n' \"$APPDIR\"\n\
printf 'appimage=%s\\n' \"$APPIMAGE\"\n\
printf 'owd=%s\\n' \"$OWD\"\n\
cat \"$APPDIR/usr/share/greeting\"\n";

struct Fixture {
    dir: tempfile::TempDir,
    image: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::with("नमस्ते from the tree\n")
    }

    fn with(greeting: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        fs::create_dir_all(tree.join("usr/share")).unwrap();
        fs::write(tree.join("AppRun"), APP_RUN).unwrap();
        fs::set_permissions(tree.join("AppRun"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(tree.join("usr/share/greeting"), greeting).unwrap();
        symlink("usr/share/greeting", tree.join("greeting")).unwrap();
        let launcher = fs::read(env!("CARGO_BIN_EXE_odop-launcher")).unwrap();
        let image = dir.path().join("Test.AppImage");
        pack(&launcher, &tree, &image).unwrap();
        Fixture { dir, image }
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn run(&self, image: &Path, args: &[&str], cwd: &Path) -> Output {
        Command::new(image)
            .args(args)
            .current_dir(cwd)
            .env("XDG_CACHE_HOME", self.cache())
            .output()
            .unwrap()
    }

    fn unpacked(&self) -> Vec<PathBuf> {
        let root = self.cache().join("odop-desk/appimage");
        let mut found: Vec<PathBuf> = fs::read_dir(&root)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        found.sort();
        found
    }
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn an_image_unpacks_once_and_runs_its_app_run_with_the_appimage_environment() {
    let f = Fixture::new();
    let here = f.dir.path();
    let text = stdout(&f.run(&f.image, &["one", "two words"], here));
    let unpacked = f.unpacked();
    assert_eq!(unpacked.len(), 1, "{unpacked:?}");
    let tree = &unpacked[0];
    assert!(text.contains("args=one two words\n"), "{text}");
    assert!(
        text.contains(&format!("appdir={}\n", tree.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("appimage={}\n", f.image.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("owd={}\n", here.display())),
        "{text}"
    );
    assert!(text.contains("नमस्ते from the tree"), "{text}");

    // A second start uses the tree already unpacked: what was left in it is still there.
    fs::write(tree.join("left-here"), "").unwrap();
    let again = stdout(&f.run(&f.image, &[], here));
    assert!(again.contains("नमस्ते"), "{again}");
    assert_eq!(f.unpacked(), unpacked);
    assert!(tree.join("left-here").exists());

    // Another build of the image gets a tree of its own beside the first, and runs from it. The
    // first was unpacked moments ago (another start may still be about to use it), so it stays.
    let g = Fixture::with("a later build\n");
    let later = stdout(&f.run(&g.image, &[], here));
    assert!(later.contains("a later build"), "{later}");
    assert_eq!(f.unpacked().len(), 2, "{:?}", f.unpacked());
}

fn age(path: &Path) {
    let status = Command::new("touch")
        .args(["-d", "2020-01-01"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_new_build_removes_older_trees_but_not_one_a_program_runs_from() {
    let first = Fixture::with("first\n");
    let here = first.dir.path().to_path_buf();
    stdout(&first.run(&first.image, &[], &here));
    let old = first.unpacked();
    assert_eq!(old.len(), 1);
    // A program left running from the first build's tree.
    fs::copy("/bin/sleep", old[0].join("usr/hold")).unwrap();
    let mut holding = Command::new(old[0].join("usr/hold"))
        .arg("30")
        .spawn()
        .unwrap();

    let second = Fixture::with("second, a longer text\n");
    stdout(&first.run(&second.image, &[], &here));
    let both = first.unpacked();
    assert_eq!(both.len(), 2, "{both:?}");
    for tree in &both {
        age(tree);
    }

    // A third build: the second's tree goes; the first's stays while its program runs.
    let third = Fixture::with("third, longer than the other two\n");
    let text = stdout(&first.run(&third.image, &[], &here));
    assert!(text.contains("third"), "{text}");
    let now = first.unpacked();
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(
        now.contains(&old[0]),
        "the tree a program runs from was removed: {now:?}"
    );
    let _ = holding.kill();
    let _ = holding.wait();

    // Once nothing runs from it, the next new build removes it too.
    age(&old[0]);
    let fourth = Fixture::with("fourth, the longest text of all four\n");
    stdout(&first.run(&fourth.image, &[], &here));
    let last = first.unpacked();
    assert!(!last.contains(&old[0]), "{last:?}");
    assert_eq!(
        last.len(),
        2,
        "the third's tree is recent and stays: {last:?}"
    );
}

#[test]
fn extract_writes_the_tree_into_the_working_folder_with_modes_and_links() {
    let f = Fixture::new();
    let cwd = f.dir.path().join("cwd");
    fs::create_dir_all(&cwd).unwrap();
    stdout(&f.run(&f.image, &["--appimage-extract"], &cwd));
    let root = cwd.join("squashfs-root");
    let mode = fs::metadata(root.join("AppRun"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    assert_eq!(
        fs::read_link(root.join("greeting")).unwrap(),
        PathBuf::from("usr/share/greeting")
    );
    assert_eq!(
        fs::read_to_string(root.join("greeting")).unwrap(),
        "नमस्ते from the tree\n"
    );
    assert!(
        f.unpacked().is_empty(),
        "extracting must not fill the cache"
    );
}

#[test]
fn the_offset_is_where_the_launcher_ends_and_the_image_is_marked() {
    let f = Fixture::new();
    let text = stdout(&f.run(&f.image, &["--appimage-offset"], f.dir.path()));
    let launcher = fs::metadata(env!("CARGO_BIN_EXE_odop-launcher"))
        .unwrap()
        .len();
    assert_eq!(text.trim().parse::<u64>().unwrap(), launcher);
    let bytes = fs::read(&f.image).unwrap();
    assert_eq!(&bytes[8..11], b"AI\x02");
    assert_eq!(&bytes[launcher as usize..launcher as usize + 4], b"hsqs");
}

#[test]
fn a_damaged_image_is_refused_with_its_name_and_leaves_no_tree() {
    let f = Fixture::new();
    let bytes = fs::read(&f.image).unwrap();
    let launcher = fs::metadata(env!("CARGO_BIN_EXE_odop-launcher"))
        .unwrap()
        .len() as usize;

    // Cut inside the tree: the superblock is there, the tables it points to are not.
    let cut = f.dir.path().join("Cut.AppImage");
    fs::write(&cut, &bytes[..launcher + 200]).unwrap();
    fs::set_permissions(&cut, fs::Permissions::from_mode(0o755)).unwrap();
    let out = f.run(&cut, &[], f.dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ODOP Desk cannot start"), "{err}");
    assert!(err.contains("Cut.AppImage"), "{err}");
    assert!(
        f.unpacked().is_empty(),
        "a damaged image left something in the cache: {:?}",
        f.unpacked()
    );

    // No tree at all: the launcher on its own.
    let bare = f.dir.path().join("Bare.AppImage");
    fs::write(&bare, &bytes[..launcher]).unwrap();
    fs::set_permissions(&bare, fs::Permissions::from_mode(0o755)).unwrap();
    let out = f.run(&bare, &[], f.dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no squashfs tree"), "{err}");
}

#[test]
fn packing_refuses_a_launcher_that_is_not_an_elf_program() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.AppImage");
    let err = pack(b"#!/bin/sh\n", dir.path(), &out).unwrap_err();
    assert!(err.to_string().contains("not a 64-bit"), "{err}");
    assert!(!out.exists());
}
