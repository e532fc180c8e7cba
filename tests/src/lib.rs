//! Drives the real `odop-desk` binary the way a person would, over WebDriver: a virtual display
//! (Xvfb), `tauri-driver` in front of WebKitWebDriver, and a fresh data folder per run. Used by
//! the end-to-end tests in `tests/` and by the `desk-measure` binary.
//!
//! It must not know the app's internals: it sees only what the window shows (elements by their
//! `data-testid`, text, and the few figures the page publishes for measurement).

use std::io::{BufRead as _, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long one wait for the window may take before the step fails.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long creating a session (starting the app) may take; without a display it would hang.
const SESSION_TIMEOUT: Duration = Duration::from_secs(90);
/// How often a condition is looked at while waiting for it.
const POLL: Duration = Duration::from_millis(40);

/// The repository root: the folder above the package whose test is running (`tests/` or
/// `src-tauri/`), asked of cargo at run time, since a test built from another checkout that
/// shares the target directory would otherwise read that checkout's files.
pub fn repo_root() -> PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    package
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// The public data beside the repository.
pub fn shared_data() -> PathBuf {
    repo_root().join("../shared/data")
}

/// Cargo's target folder: `CARGO_TARGET_DIR` when set, else `target/` in the repository.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Where screenshots go: `<target>/e2e-screenshots/<run>/`.
pub fn screenshot_dir(run: &str) -> Result<PathBuf> {
    let dir = target_dir().join("e2e-screenshots").join(run);
    // Pictures of an earlier run would pass for this one's.
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

/// Builds the app with Cargo (a no-op when it is up to date) and returns the binary's path.
pub fn build_app(release: bool) -> Result<PathBuf> {
    build_program("odop-desk", release)
}

/// Builds a workspace package's program of the same name with Cargo (a no-op when it is up to
/// date) and returns its path.
pub fn build_program(package: &str, release: bool) -> Result<PathBuf> {
    build_bin(package, package, release)
}

/// Builds one program of a package (as [`build_program`]) and gives its path.
pub fn build_bin(package: &str, bin: &str, release: bool) -> Result<PathBuf> {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .current_dir(repo_root());
    if release {
        cargo.arg("--release");
    }
    let status = cargo
        .status()
        .with_context(|| format!("cannot run cargo to build {bin}"))?;
    if !status.success() {
        bail!("building {bin} of {package} failed ({status})");
    }
    let binary = target_dir()
        .join(if release { "release" } else { "debug" })
        .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        bail!("{bin} was built but {} is missing", binary.display());
    }
    Ok(binary)
}

/// A child process that is stopped when dropped: SIGTERM first, so that it can stop its own
/// children (tauri-driver stops WebKitWebDriver only then).
#[derive(Debug)]
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// An X server without a screen; the app's window is drawn into it.
#[derive(Debug)]
pub struct Display {
    _server: Stopped,
    pub name: String,
}

impl Display {
    /// Starts Xvfb on a display number it picks itself, ready when it has said which.
    pub fn start() -> Result<Display> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x720x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start Xvfb (Debian package xvfb)")?;
        let stdout = child.stdout.take().context("Xvfb has no stdout")?;
        let server = Stopped(child);
        // Xvfb writes the display number once it accepts connections, or exits.
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading Xvfb's display number")?;
        let number = line.trim();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            bail!("Xvfb did not start (it said {line:?})");
        }
        Ok(Display {
            name: format!(":{number}"),
            _server: server,
        })
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn tauri_driver() -> PathBuf {
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    match in_cargo_home {
        Some(path) if path.is_file() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

/// A display, tauri-driver and a private home for the app (database, settings, web storage).
#[derive(Debug)]
pub struct Harness {
    // Dropped in this order: the driver (and with it the app) before the display.
    _driver: Stopped,
    _display: Display,
    port: u16,
    app: PathBuf,
    home: tempfile::TempDir,
}

impl Harness {
    /// Starts a display and tauri-driver for `app`, with an empty data folder.
    pub fn start(app: &Path) -> Result<Harness> {
        let display = Display::start()?;
        let home = tempfile::tempdir()?;
        let port = free_port()?;
        let native_port = free_port()?;
        // Under Xvfb no PDF viewer should start: a stand-in for the desktop's opener, first on
        // the PATH the app inherits, writes down each file the app hands it.
        let bin = home.path().join("bin");
        std::fs::create_dir_all(&bin)?;
        let opener = bin.join("xdg-open");
        std::fs::write(
            &opener,
            format!(
                "#!/bin/sh\nenv > '{}'\nprintf '%s\\n' \"$1\" >> '{}'\n",
                home.path().join("opened-env").display(),
                home.path().join("opened").display()
            ),
        )?;
        std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
        // The person's documents folder, as the desktop names it, inside this run too.
        let config = home.path().join("config");
        std::fs::create_dir_all(&config)?;
        std::fs::create_dir_all(home.path().join("documents"))?;
        std::fs::write(
            config.join("user-dirs.dirs"),
            format!(
                "XDG_DOCUMENTS_DIR=\"{}\"\n",
                home.path().join("documents").display()
            ),
        )?;
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))?;
        let child = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display.name)
            .env("PATH", path)
            .env("ODOP_DATA_DIR", home.path().join("data"))
            // Settings, window state and web storage stay inside this run.
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("share"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            // No session bus: the single-instance lock would otherwise span test runs.
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start tauri-driver (cargo install tauri-driver --locked)")?;
        let driver = Stopped(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > STEP_TIMEOUT {
                bail!("tauri-driver did not listen on port {port}");
            }
            std::thread::sleep(POLL);
        }
        Ok(Harness {
            _driver: driver,
            _display: display,
            port,
            app: app.to_path_buf(),
            home,
        })
    }

    /// The app's data folder in this run.
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    /// The documents folder the app sees in this run.
    pub fn documents(&self) -> PathBuf {
        self.home.path().join("documents")
    }

    /// The cache folder the app (and an AppImage unpacking itself) sees in this run.
    pub fn cache_dir(&self) -> PathBuf {
        self.home.path().join("cache")
    }

    /// The files the app has asked the desktop to open so far, waiting up to a step's time for
    /// at least `count` (the opener runs apart from the app).
    pub fn opened(&self, count: usize) -> Result<Vec<PathBuf>> {
        let record = self.home.path().join("opened");
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&record).unwrap_or_default();
            let files: Vec<PathBuf> = text.lines().map(PathBuf::from).collect();
            if files.len() >= count || started.elapsed() > STEP_TIMEOUT {
                return Ok(files);
            }
            std::thread::sleep(POLL);
        }
    }

    /// The environment the desktop's opener was last started with, as `NAME=value` lines
    /// (written before the file's name, so it is there once [`Harness::opened`] has seen that).
    pub fn opener_env(&self) -> Result<Vec<String>> {
        let path = self.home.path().join("opened-env");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("the opener never ran ({})", path.display()))?;
        Ok(text.lines().map(str::to_owned).collect())
    }

    /// A scratch folder for files the test writes (exports).
    pub fn scratch(&self) -> Result<PathBuf> {
        let dir = self.home.path().join("scratch");
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// Starts the app and opens a WebDriver session on its window.
    pub async fn open(&self) -> Result<Window> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": self.app.to_string_lossy() }),
        );
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut builder = ClientBuilder::native();
        builder.capabilities(caps);
        let client = tokio::time::timeout(SESSION_TIMEOUT, builder.connect(&url))
            .await
            .map_err(|_| anyhow!("the app's window did not open within {SESSION_TIMEOUT:?}"))?
            .context("WebDriver session")?;
        Ok(Window { client })
    }
}

/// The app's window in a WebDriver session.
#[derive(Debug)]
pub struct Window {
    pub client: Client,
}

fn css(testid: &str) -> String {
    if testid.contains(['[', '.', '#', ' ', '>']) {
        testid.to_owned()
    } else {
        format!("[data-testid=\"{testid}\"]")
    }
}

impl Window {
    /// Runs a script and returns its value.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Waits until `expression` (JavaScript) is true; `what` names the condition in the error.
    pub async fn wait_until(&self, expression: &str, what: &str) -> Result<()> {
        let script = format!("return Boolean({expression});");
        let started = Instant::now();
        loop {
            if self.eval(&script, vec![]).await? == Value::Bool(true) {
                return Ok(());
            }
            if started.elapsed() > STEP_TIMEOUT {
                let body = self
                    .eval("return document.body.innerText.slice(0, 600);", vec![])
                    .await
                    .unwrap_or_default();
                bail!("timed out waiting for {what}; the window shows: {body}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits for an element (a `data-testid`, or any CSS selector) to be present and shown.
    pub async fn find(&self, selector: &str) -> Result<Element> {
        let selector = css(selector);
        let quoted = serde_json::to_string(&selector)?;
        self.wait_until(
            &format!(
                "(() => {{ const e = document.querySelector({quoted}); \
                 return e && e.getClientRects().length > 0; }})()"
            ),
            &format!("{selector} to show"),
        )
        .await?;
        Ok(self.client.find(Locator::Css(&selector)).await?)
    }

    /// Clicks an element; tries again while a redraw has just replaced it.
    pub async fn click(&self, selector: &str) -> Result<()> {
        let started = Instant::now();
        loop {
            let element = self.find(selector).await?;
            // Into the middle of its scrolling box, clear of sticky table headers.
            self.client
                .execute(
                    "arguments[0].scrollIntoView({ block: 'center' });",
                    vec![serde_json::to_value(&element)?],
                )
                .await?;
            match element.click().await {
                Ok(()) => return Ok(()),
                Err(error) if started.elapsed() > STEP_TIMEOUT => {
                    return Err(anyhow!("clicking {selector}: {error:?}"));
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Replaces the text of an input, as typing would (each key an `input` event).
    pub async fn type_into(&self, selector: &str, text: &str) -> Result<()> {
        let input = self.find(selector).await?;
        input
            .clear()
            .await
            .with_context(|| format!("clearing {selector}"))?;
        if text.is_empty() {
            // Clearing sends no `input` event; a person deleting the text would.
            self.client
                .execute(
                    "arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
                    vec![serde_json::to_value(&input)?],
                )
                .await?;
        } else {
            input
                .send_keys(text)
                .await
                .with_context(|| format!("typing into {selector}"))?;
        }
        Ok(())
    }

    /// Chooses an option of a `select` by its value, as a person would (one `change` event).
    pub async fn select(&self, selector: &str, value: &str) -> Result<()> {
        let element = self.find(selector).await?;
        let chosen = self
            .client
            .execute(
                "const [select, value] = arguments; \
                 if (![...select.options].some((o) => o.value === value)) return false; \
                 select.value = value; \
                 select.dispatchEvent(new Event('change', { bubbles: true })); \
                 return true;",
                vec![serde_json::to_value(&element)?, json!(value)],
            )
            .await?;
        if chosen != Value::Bool(true) {
            bail!("{selector} has no option {value:?}");
        }
        Ok(())
    }

    /// The text an element shows; tries again while a redraw has just replaced it (a screen
    /// that follows the periodic sync draws itself anew between finding and reading).
    pub async fn text(&self, selector: &str) -> Result<String> {
        let started = Instant::now();
        loop {
            let element = self.find(selector).await?;
            match element.text().await {
                Ok(text) => return Ok(text),
                Err(error) if started.elapsed() > STEP_TIMEOUT => {
                    return Err(anyhow!("reading the text of {selector}: {error:?}"));
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// How many elements match.
    pub async fn count(&self, selector: &str) -> Result<usize> {
        let quoted = serde_json::to_string(&css(selector))?;
        let n = self
            .eval(
                &format!("return document.querySelectorAll({quoted}).length;"),
                vec![],
            )
            .await?;
        Ok(n.as_u64().unwrap_or(0) as usize)
    }

    /// Goes to a screen by its navigation link and waits until it has drawn.
    pub async fn go(&self, route: &str) -> Result<()> {
        self.click(&format!("nav-{route}")).await?;
        self.shown(route).await
    }

    /// Waits until the screen of `route` is shown and has finished drawing.
    pub async fn shown(&self, route: &str) -> Result<()> {
        self.wait_until(
            &format!(
                "document.getElementById('view').dataset.route === '{route}' && \
                 document.getElementById('view').dataset.state === 'ready'"
            ),
            &format!("the {route} screen"),
        )
        .await
    }

    /// Waits until the screen shown has finished drawing.
    pub async fn settled(&self) -> Result<()> {
        self.wait_until(
            "document.getElementById('view').dataset.state === 'ready'",
            "the screen to finish drawing",
        )
        .await
    }

    /// Loads the built-in sample from the first-run screen and waits for the dashboard it opens.
    pub async fn load_sample(&self) -> Result<()> {
        self.click("load-sample").await?;
        self.wait_until(
            "document.body.dataset.ready === 'true' && document.body.dataset.route === 'dashboard'",
            "the dashboard after loading the sample",
        )
        .await
    }

    /// Waits for the brochure screen to finish typesetting and to draw its first page; returns
    /// how many pages it shows.
    pub async fn brochure_shown(&self) -> Result<u64> {
        self.wait_until(
            "document.getElementById('view').dataset.route === 'brochure' && \
             document.getElementById('view').dataset.state === 'ready' && \
             !document.getElementById('view').dataset.busy && \
             document.querySelector('[data-testid=brochure-page]')?.dataset.state === 'ready'",
            "the brochure's first page",
        )
        .await?;
        let pages = self
            .eval(
                "return document.querySelectorAll('[data-testid=brochure-page]').length;",
                vec![],
            )
            .await?;
        pages.as_u64().context("no page count")
    }

    /// Saves the brochure shown to the path in its field and waits until the screen says so.
    pub async fn save_brochure(&self) -> Result<()> {
        self.eval(
            "document.querySelector('[data-testid=brochure-saved]').textContent = '';",
            vec![],
        )
        .await?;
        self.click("brochure-save").await?;
        self.wait_until(
            "/KB/.test(document.querySelector('[data-testid=brochure-saved]').textContent)",
            "the brochure to be saved",
        )
        .await
    }

    /// Saves a PNG of the window as `<dir>/<name>.png`, after two animation frames so that it
    /// shows the latest frame rather than the one before.
    pub async fn shot(&self, dir: &Path, name: &str) -> Result<PathBuf> {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }

    /// Ends the session, which closes the app.
    pub async fn close(self) -> Result<()> {
        self.client.close().await?;
        Ok(())
    }
}
