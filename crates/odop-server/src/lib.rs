//! The ODOP central server's HTTP edge: authentication, rate limits, the sync endpoints and
//! their error answers.
//!
//! This crate owns the routes, what each HTTP status means, and turning [`LedgerError`]s into
//! `{code, message}` bodies. It must not know how rows are stored (that is a [`Ledger`]
//! backend's) or decide who may write what (that is `odop-ledger`'s shared rules); and it never
//! depends on the desktop's crates.

mod edge;
mod openapi;
mod rate;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use axum::Router;
use odop_ledger::Ledger;
use odop_protocol::{
    MAX_BODY_BYTES, PATH_GI_REGISTRY, PATH_HEALTH, PATH_OPENAPI, PATH_PULL, PATH_PUSH,
    PATH_REFUSALS, PATH_WHOAMI,
};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use openapi::document as openapi_document;
pub use rate::RateLimit;

/// Every route the server answers, with its method; the OpenAPI document covers each one.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", PATH_HEALTH),
    ("get", PATH_OPENAPI),
    ("get", PATH_WHOAMI),
    ("post", PATH_PUSH),
    ("get", PATH_PULL),
    ("get", PATH_REFUSALS),
    ("put", PATH_GI_REGISTRY),
];

/// How the server treats its callers.
#[derive(Debug, Clone)]
pub struct Config {
    pub rate: RateLimit,
    /// A request that takes longer is answered 408.
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            rate: RateLimit::default(),
            timeout: Duration::from_secs(30),
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
struct Shared {
    ledger: Arc<dyn Ledger>,
    limiter: Arc<rate::Limiter>,
}

/// The server's routes over `ledger`.
pub fn router(ledger: Arc<dyn Ledger>, config: &Config) -> Router {
    let shared = Shared {
        ledger,
        limiter: Arc::new(rate::Limiter::new(config.rate)),
    };
    Router::new()
        .route(PATH_HEALTH, get(edge::health))
        .route(PATH_OPENAPI, get(edge::openapi))
        .route(PATH_WHOAMI, get(edge::whoami))
        .route(PATH_PUSH, post(edge::push))
        .route(PATH_PULL, get(edge::pull))
        .route(PATH_REFUSALS, get(edge::refusals))
        .route(PATH_GI_REGISTRY, put(edge::publish_gi))
        .fallback(edge::not_found)
        .with_state(shared)
        // The limit applies to the body as handlers read it, after decompression, so a small
        // gzip bomb cannot grow past it.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestDecompressionLayer::new())
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            config.timeout,
        ))
        .layer(CatchPanicLayer::custom(edge::panicked))
        .layer(TraceLayer::new_for_http())
}

/// Serves `ledger` on an already bound listener until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    ledger: Arc<dyn Ledger>,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(ledger, config))
        .with_graceful_shutdown(shutdown)
        .await
}
