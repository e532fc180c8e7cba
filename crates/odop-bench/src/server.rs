//! The central server as the server benchmarks meet it: the real `odop-server` binary in a
//! process of its own (so its memory can be read from `/proc`), accounts made through its own
//! command line, and a TCP proxy that counts the bytes a client and the server exchange.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Where the `odop-server` binary is: `explicit`, or beside this program in the same target
/// folder, which is where `cargo build --release -p odop-server -p odop-bench` puts both.
pub fn binary(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        if !path.is_file() {
            bail!("--server-bin {} is not a file", path.display());
        }
        return Ok(path.to_owned());
    }
    let me = std::env::current_exe().context("cannot find this program's own path")?;
    // Test binaries live one folder deeper, in `deps`.
    let mut dir = me.parent().map(Path::to_owned).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(format!("odop-server{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        bail!(
            "{} is missing: build it beside the bench with \
             `cargo build --release -p odop-server -p odop-bench` (or pass --server-bin PATH)",
            path.display()
        );
    }
    Ok(path)
}

/// Runs one `odop-server` administration command on the ledger at `db`, `what` naming it in
/// the error, and gives what it printed.
fn administer(bin: &Path, db: &str, args: &[&std::ffi::OsStr], what: &str) -> Result<String> {
    let out = Command::new(bin)
        .args(["--db", db])
        .args(args)
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !out.status.success() {
        bail!(
            "odop-server {what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// Adds an account with `odop-server user add` and returns the token it prints.
pub fn add_account(
    bin: &Path,
    db: &str,
    name: &str,
    role: &str,
    state: Option<u16>,
) -> Result<String> {
    let state = state.map(|s| s.to_string());
    let mut args = vec!["user", "add", "--name", name, "--role", role];
    if let Some(s) = &state {
        args.extend(["--state", s]);
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    let token = administer(bin, db, &args, &format!("user add {name}"))?
        .trim()
        .to_owned();
    if token.is_empty() {
        bail!("odop-server user add {name} printed no token");
    }
    Ok(token)
}

/// Loads the LGD lists into a server's ledger as an administrator does (`places import`), so
/// that every write is checked against them and every desk's pull compares its copy's tag.
pub fn load_places(bin: &Path, db: &str, states: &Path, districts: &Path) -> Result<()> {
    let args = [
        "places".as_ref(),
        "import".as_ref(),
        "--states".as_ref(),
        states.as_os_str(),
        "--districts".as_ref(),
        districts.as_os_str(),
    ];
    administer(bin, db, &args, "places import").map(drop)
}

/// The server's resident memory as the kernel reports it, in kB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// VmRSS: resident now.
    pub rss_kb: u64,
    /// VmHWM: the highest resident size so far.
    pub peak_kb: u64,
}

/// A running `odop-server serve`. Dropping it kills the process if `stop` was not called.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub addr: SocketAddr,
    // Held open so the server never writes into a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl ServerProcess {
    /// Starts the server on a free loopback port with rate limits far above any load, and
    /// returns once it has said where it listens (it prints that line after binding).
    pub fn start(bin: &Path, db: &str) -> Result<ServerProcess> {
        let mut child = Command::new(bin)
            .args(["--db", db, "serve", "--listen", "127.0.0.1:0"])
            .args(["--rate", "1000000000", "--burst", "1000000000"])
            // Only problems are logged, so logging costs the server nothing under load.
            .env("ODOP_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("the server's output")?;
        let mut stdout = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            if stdout.read_line(&mut line)? == 0 {
                let status = child.wait()?;
                bail!("odop-server stopped before listening ({status})");
            }
            if let Some((_, addr)) = line.trim().split_once("listening on http://") {
                let addr: SocketAddr = addr
                    .parse()
                    .with_context(|| format!("odop-server said {line:?}"))?;
                return Ok(ServerProcess {
                    child,
                    base: format!("http://{addr}"),
                    addr,
                    _stdout: stdout,
                });
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn memory(&self) -> Result<Memory> {
        let path = format!("/proc/{}/status", self.pid());
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
        let field = |name: &str| -> u64 {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        Ok(Memory {
            rss_kb: field("VmRSS:"),
            peak_kb: field("VmHWM:"),
        })
    }

    /// Asks the server to finish (SIGTERM, as a service manager would) and waits for it; kills
    /// it after 20 s. Says whether it stopped cleanly.
    pub fn stop(mut self) -> Result<bool> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status.success());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(false)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A loopback TCP proxy that counts every byte each way: what an HTTP client sends (request
/// lines, headers and bodies) and what the server answers (status lines, headers and bodies as
/// sent, compressed or not). TCP/IP framing is not counted.
#[derive(Debug)]
pub struct CountingProxy {
    pub addr: SocketAddr,
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl CountingProxy {
    pub fn start(upstream: SocketAddr) -> Result<CountingProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let up = Arc::new(AtomicU64::new(0));
        let down = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (u, d, s) = (Arc::clone(&up), Arc::clone(&down), Arc::clone(&stop));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
                    continue;
                };
                let (u, d) = (Arc::clone(&u), Arc::clone(&d));
                std::thread::spawn(move || pipe(client, server, &u));
                std::thread::spawn(move || pipe(s2, c2, &d));
            }
        });
        Ok(CountingProxy {
            addr,
            up,
            down,
            stop,
        })
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Bytes sent to the server and bytes received from it since the last reset.
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.up.load(Ordering::SeqCst),
            self.down.load(Ordering::SeqCst),
        )
    }

    pub fn reset(&self) {
        self.up.store(0, Ordering::SeqCst);
        self.down.store(0, Ordering::SeqCst);
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, count: &AtomicU64) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                // Counted before it is passed on, so a client that has its answer reads a
                // count that includes it.
                count.fetch_add(n as u64, Ordering::SeqCst);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The proxy passes every byte through unchanged and counts each direction.
    #[test]
    fn the_proxy_counts_both_ways() {
        let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = upstream.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = upstream.accept().unwrap();
            let mut asked = [0u8; 11];
            conn.read_exact(&mut asked).unwrap();
            conn.write_all(b"seventeen bytes!!").unwrap();
            asked
        });
        let proxy = CountingProxy::start(addr).unwrap();
        let mut client = TcpStream::connect(proxy.addr).unwrap();
        client.write_all(b"hello there").unwrap();
        let mut answer = [0u8; 17];
        client.read_exact(&mut answer).unwrap();
        assert_eq!(&server.join().unwrap(), b"hello there");
        assert_eq!(&answer, b"seventeen bytes!!");
        assert_eq!(proxy.bytes(), (11, 17));
        proxy.reset();
        assert_eq!(proxy.bytes(), (0, 0));
    }
}
