//! Throwaway PostgreSQL clusters for tests: made with the installed server's `initdb`, started
//! on a free port of 127.0.0.1 with its socket inside its own temporary folder, stopped and
//! removed when dropped.
//!
//! This crate owns only the starting and stopping of a test cluster. It must not know about the
//! ledger's schema or any other crate's tables, and it is never a dependency of shipped code.
//!
//! initdb refuses to run as root, so under root the cluster runs as the `postgres` system user
//! (through `runuser`), in a folder that user owns.

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use thiserror::Error;

/// The superuser every throwaway cluster is made with.
const SUPERUSER: &str = "postgres";

/// How often a start is tried on a fresh port: another process may take the port between
/// finding it free and the server binding it.
const START_TRIES: usize = 3;

/// Why a test cluster could not be had.
#[derive(Debug, Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL's server programs (initdb, pg_ctl) were not found in \
         /usr/lib/postgresql/*/bin nor on PATH; install the Debian package `postgresql` \
         (scripts/setup does), or your system's PostgreSQL server package (13 or newer)"
    )]
    NotInstalled,

    #[error(
        "the tests run as root and PostgreSQL refuses to; they run it as the `postgres` system \
         user, which is missing ({0}); install the Debian package `postgresql`, which makes it"
    )]
    NoPostgresUser(String),

    #[error("could not run {program}: {source}")]
    Run {
        program: String,
        source: std::io::Error,
    },

    #[error("{program} failed ({status}):\n{output}")]
    Failed {
        program: String,
        status: String,
        output: String,
    },

    #[error("could not prepare the cluster's folder: {0}")]
    Folder(std::io::Error),

    #[error("the cluster on port {port} does not answer: {}", full(.source))]
    Connect { port: u16, source: postgres::Error },

    #[error("could not create database {name:?}: {}", full(.source))]
    CreateDatabase {
        name: String,
        source: postgres::Error,
    },
}

/// A running throwaway cluster. Dropping it stops the server and removes its folder.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
    // Dropped after `drop` has stopped the server.
    _dir: tempfile::TempDir,
}

impl Cluster {
    /// Makes and starts a cluster, and returns once it accepts connections.
    pub fn start() -> Result<Cluster, ClusterError> {
        let bin = server_programs()?;
        let as_postgres = running_as_root()?;
        let dir = tempfile::Builder::new()
            .prefix("odop-pg")
            .tempdir()
            .map_err(ClusterError::Folder)?;
        if as_postgres {
            run(Command::new("chown")
                .arg(format!("{SUPERUSER}:"))
                .arg(dir.path()))
            .map_err(|e| match e {
                ClusterError::Failed { output, .. } => ClusterError::NoPostgresUser(output),
                other => other,
            })?;
        }
        let data = dir.path().join("data");
        let mut cluster = Cluster {
            bin,
            data,
            port: 0,
            as_postgres,
            _dir: dir,
        };
        run(cluster
            .program("initdb")
            .arg("--pgdata")
            .arg(&cluster.data)
            .args(["--username", SUPERUSER, "--auth", "trust"])
            .args(["--encoding", "UTF8", "--locale", "C", "--no-sync"]))?;
        cluster.start_on_a_free_port()?;
        Ok(cluster)
    }

    fn start_on_a_free_port(&mut self) -> Result<(), ClusterError> {
        let socket_dir = self.data.parent().unwrap_or(&self.data).to_owned();
        let mut last = None;
        for _ in 0..START_TRIES {
            self.port = free_port()?;
            // A throwaway cluster needs no durability, so it skips every flush to disk.
            let settings = format!(
                "\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
                 fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n",
                self.port,
                socket_dir.display()
            );
            append(&self.data.join("postgresql.conf"), &settings)?;
            // `-w` returns once the server accepts connections, or fails saying why not.
            let started = run(self
                .program("pg_ctl")
                .arg("--pgdata")
                .arg(&self.data)
                .arg("--log")
                .arg(self.data.join("server.log"))
                .args(["-w", "-t", "60", "start"]));
            match started {
                Ok(_) => {
                    self.connect("postgres")?;
                    return Ok(());
                }
                Err(ClusterError::Failed {
                    program,
                    status,
                    output,
                }) => {
                    // pg_ctl only says to look at the log; the log says why.
                    let log =
                        std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default();
                    last = Some(ClusterError::Failed {
                        program,
                        status,
                        output: format!("{output}\nserver log:\n{log}"),
                    });
                }
                Err(e) => last = Some(e),
            }
            self.port = 0;
        }
        Err(last.unwrap_or(ClusterError::NotInstalled))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address of database `db` in this cluster.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{db}", self.port)
    }

    /// A connection to database `db` as the superuser.
    pub fn connect(&self, db: &str) -> Result<postgres::Client, ClusterError> {
        postgres::Client::connect(&self.url(db), postgres::NoTls).map_err(|source| {
            ClusterError::Connect {
                port: self.port,
                source,
            }
        })
    }

    /// Creates an empty database and returns its address.
    pub fn create_database(&self, name: &str) -> Result<String, ClusterError> {
        let mut admin = self.connect("postgres")?;
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        admin
            .batch_execute(&format!("CREATE DATABASE {quoted}"))
            .map_err(|source| ClusterError::CreateDatabase {
                name: name.to_owned(),
                source,
            })?;
        Ok(self.url(name))
    }

    /// One of the server's programs, run as the user that owns the cluster.
    fn program(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", SUPERUSER, "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.port == 0 {
            return;
        }
        let stopped = run(self
            .program("pg_ctl")
            .arg("--pgdata")
            .arg(&self.data)
            .args(["-w", "-m", "fast", "stop"]));
        if let Err(e) = stopped {
            eprintln!("the test cluster on port {} did not stop: {e}", self.port);
        }
    }
}

/// The newest installed server's program folder: Debian keeps each major version apart.
fn server_programs() -> Result<PathBuf, ClusterError> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((major, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return Ok(bin);
    }
    // Other systems put the programs on PATH.
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
        .ok_or(ClusterError::NotInstalled)
}

fn running_as_root() -> Result<bool, ClusterError> {
    let out = run(Command::new("id").arg("-u"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// A port nobody listens on now; the listener is closed again before the server binds it.
fn free_port() -> Result<u16, ClusterError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(ClusterError::Folder)?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(ClusterError::Folder)
}

fn append(path: &Path, text: &str) -> Result<(), ClusterError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(ClusterError::Folder)?;
    file.write_all(text.as_bytes())
        .map_err(ClusterError::Folder)
}

/// The client's error with what the server said: its own message is only "db error".
fn full(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Runs a program to its end; a failure carries everything it printed.
fn run(command: &mut Command) -> Result<Output, ClusterError> {
    let program = format!("{:?}", command.get_program());
    let out = command.output().map_err(|source| ClusterError::Run {
        program: program.clone(),
        source,
    })?;
    if out.status.success() {
        return Ok(out);
    }
    Err(ClusterError::Failed {
        program,
        status: out.status.to_string(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_takes_databases_and_is_gone_when_dropped() {
        let cluster = Cluster::start().unwrap_or_else(|e| panic!("{e}"));
        let url = cluster.create_database("first-check").unwrap();
        assert!(url.ends_with("/first-check"), "{url}");
        let mut client = cluster.connect("first-check").unwrap();
        let one: i32 = client.query_one("SELECT 1", &[]).unwrap().get(0);
        assert_eq!(one, 1);
        let again = cluster.create_database("first-check");
        assert!(
            matches!(again, Err(ClusterError::CreateDatabase { .. })),
            "{again:?}"
        );
        let folder = cluster.data.clone();
        drop(client);
        drop(cluster);
        assert!(!folder.exists(), "the cluster's folder is removed");
    }
}
