//! The ledger's own connection pool: blocking callers borrow a connection, with the statements
//! already prepared on it, and give it back when done.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use odop_ledger::LedgerError;
use postgres::{Client, NoTls, Statement};

use crate::PostgresLedgerError;

/// At most this many connections are open at once; a caller beyond them waits for one.
const POOL_SIZE: usize = 16;

/// One connection and the statements prepared on it.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) statements: HashMap<&'static str, Statement>,
}

#[derive(Default)]
struct PoolState {
    idle: Vec<Conn>,
    /// Connections open, idle or lent.
    open: usize,
}

pub(crate) struct Pool {
    config: postgres::Config,
    /// Where the connections go, for messages.
    pub(crate) target: String,
    state: Mutex<PoolState>,
    returned: Condvar,
}

impl Drop for Pool {
    /// Closing a connection blocks on the client's own runtime, which panics on a thread
    /// that already drives async tasks; an async server may drop the last handle to the ledger
    /// on such a thread, so the connections close on a thread of their own.
    fn drop(&mut self) {
        let state = self
            .state
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let idle = std::mem::take(&mut state.idle);
        if idle.is_empty() {
            return;
        }
        let closer = std::thread::spawn(move || drop(idle));
        let _ = closer.join();
    }
}

impl Pool {
    /// An empty pool; connections are made when first needed.
    pub(crate) fn new(config: postgres::Config, target: String) -> Pool {
        Pool {
            config,
            target,
            state: Mutex::new(PoolState::default()),
            returned: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // The guarded state is a list and a count, each changed in one step, so a panic
        // elsewhere cannot leave it half-changed.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An idle connection, a new one while fewer than [`POOL_SIZE`] are open, or the next one
    /// given back.
    pub(crate) fn take(&self) -> Result<Lease<'_>, LedgerError> {
        let mut state = self.lock();
        loop {
            while let Some(conn) = state.idle.pop() {
                if !conn.client.is_closed() {
                    return Ok(Lease {
                        pool: self,
                        conn: Some(conn),
                    });
                }
                state.open -= 1;
            }
            if state.open < POOL_SIZE {
                state.open += 1;
                break;
            }
            state = self
                .returned
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        drop(state);
        match self.config.connect(NoTls) {
            Ok(client) => Ok(Lease {
                pool: self,
                conn: Some(Conn {
                    client,
                    statements: HashMap::new(),
                }),
            }),
            Err(source) => {
                self.lock().open -= 1;
                self.returned.notify_one();
                Err(PostgresLedgerError::Connect {
                    target: self.target.clone(),
                    source,
                }
                .into())
            }
        }
    }
}

/// A connection lent from the pool; it goes back when dropped, or is closed if it broke.
pub(crate) struct Lease<'p> {
    pool: &'p Pool,
    conn: Option<Conn>,
}

impl Lease<'_> {
    pub(crate) fn conn(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a lease holds its connection until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let mut state = self.pool.lock();
        if conn.client.is_closed() {
            state.open -= 1;
        } else {
            state.idle.push(conn);
        }
        drop(state);
        self.pool.returned.notify_one();
    }
}
