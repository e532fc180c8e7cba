use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use odop_ledger::{token_hash, Account, Ledger, LedgerError};
use odop_protocol::{
    ErrorBody, GiPublished, GiRegistry, Identity, PullQuery, PullResponse, PushRequest,
    PushResponse, Refusal, PROTOCOL_VERSION, VERSION_HEADER,
};
use serde::Deserialize;

use crate::Shared;

/// An error answer: a status and a `{code, message}` body.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<Duration>,
}

impl Failure {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_owned(),
            message: self.message,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs().max(1).to_string();
            if let Ok(v) = HeaderValue::from_str(&secs) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Failure {
        let status = match &e {
            LedgerError::ClientTaken { .. } => StatusCode::FORBIDDEN,
            LedgerError::ResyncRequired { .. } => StatusCode::GONE,
            LedgerError::AccountExists { .. } | LedgerError::Diverged { .. } => {
                StatusCode::CONFLICT
            }
            LedgerError::NoSuchAccount { .. } => StatusCode::NOT_FOUND,
            LedgerError::BadAccount { .. } | LedgerError::BadGiRegistry { .. } => {
                StatusCode::BAD_REQUEST
            }
            LedgerError::NotCentral { .. } => StatusCode::FORBIDDEN,
            LedgerError::TooNew { .. } | LedgerError::Corrupt { .. } | LedgerError::Storage(_) => {
                // The details are for the operator's log, not the caller.
                tracing::error!(error = %e, "ledger failed");
                return Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    e.code(),
                    "the server could not complete the request; its log has the details",
                );
            }
        };
        Failure::new(status, e.code(), e.to_string())
    }
}

/// Runs a blocking ledger call off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LedgerError> + Send + 'static,
) -> Result<T, Failure> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(Failure::from),
        Err(e) => {
            tracing::error!(error = %e, "ledger task failed");
            Err(Failure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the server could not complete the request; its log has the details",
            ))
        }
    }
}

/// The authenticated caller of a `/v1` route.
pub(crate) struct Caller(Account);

impl FromRequestParts<Shared> for Caller {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, shared: &Shared) -> Result<Caller, Failure> {
        if let Some(v) = parts.headers.get(VERSION_HEADER) {
            let spoken = v.to_str().unwrap_or_default();
            if spoken != PROTOCOL_VERSION.to_string() {
                return Err(Failure::new(
                    StatusCode::BAD_REQUEST,
                    "protocol_mismatch",
                    format!(
                        "this server speaks sync protocol {PROTOCOL_VERSION}, the client {spoken:?}; update the client"
                    ),
                ));
            }
        }
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Failure::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "send the account's token as 'Authorization: Bearer TOKEN'",
                )
            })?;
        let hash = token_hash(token);
        if let Err(wait) = shared.limiter.take(&hash) {
            let mut f = Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "too many requests with this token; try again in {} s",
                    wait.as_secs().max(1)
                ),
            );
            f.retry_after = Some(wait);
            return Err(f);
        }
        let ledger = Arc::clone(&shared.ledger);
        match blocking(move || ledger.account_for(&hash)).await? {
            Some(account) => Ok(Caller(account)),
            None => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the token is unknown or revoked",
            )),
        }
    }
}

pub(crate) async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "protocol": PROTOCOL_VERSION }))
}

pub(crate) async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

pub(crate) async fn whoami(Caller(who): Caller) -> Json<Identity> {
    Json(who.identity())
}

pub(crate) async fn push(
    State(shared): State<Shared>,
    Caller(who): Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushResponse>, Failure> {
    let request: PushRequest = json_body(body, "the push body is not a valid push")?;
    if request.client.trim().is_empty() || request.client.len() > 100 {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the push must name its client in 1 to 100 characters",
        ));
    }
    if request.mutations.len() > odop_protocol::MAX_PUSH_MUTATIONS {
        return Err(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_mutations",
            format!(
                "a push holds at most {} mutations, this one {}; send the rest in the next push",
                odop_protocol::MAX_PUSH_MUTATIONS,
                request.mutations.len()
            ),
        ));
    }
    let ledger: Arc<dyn Ledger> = Arc::clone(&shared.ledger);
    let response = blocking(move || ledger.push(&who, &request)).await?;
    Ok(Json(response))
}

pub(crate) async fn pull(
    State(shared): State<Shared>,
    Caller(who): Caller,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullResponse>, Failure> {
    let Query(q) = query.map_err(|e| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!(
                "pull takes ?cursor=N&limit=N&horizon=N (and epoch=E&client=C&acked=N) with \
                 whole numbers: {e}"
            ),
        )
    })?;
    let ledger = Arc::clone(&shared.ledger);
    let page = blocking(move || ledger.pull_with(&who, &q)).await?;
    Ok(Json(page))
}

#[derive(Debug, Deserialize)]
pub(crate) struct RefusalQuery {
    limit: Option<u32>,
}

pub(crate) async fn refusals(
    State(shared): State<Shared>,
    Caller(who): Caller,
    query: Result<Query<RefusalQuery>, QueryRejection>,
) -> Result<Json<Vec<Refusal>>, Failure> {
    let Query(q) = query.map_err(|e| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("refusals takes ?limit=N: {e}"),
        )
    })?;
    let limit = q.limit.unwrap_or(100).min(1000);
    let ledger = Arc::clone(&shared.ledger);
    Ok(Json(blocking(move || ledger.refusals(&who, limit)).await?))
}

/// Takes the GI registry a central account sends, whole, for every desk's next pull.
pub(crate) async fn publish_gi(
    State(shared): State<Shared>,
    Caller(who): Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<GiPublished>, Failure> {
    let registry: GiRegistry = json_body(body, "the body is not a GI registry")?;
    let ledger: Arc<dyn Ledger> = Arc::clone(&shared.ledger);
    let published = blocking(move || odop_ledger::publish_gi(&*ledger, &who, &registry)).await?;
    tracing::info!(tag = %published.tag, entries = published.entries, "GI registry taken");
    Ok(Json(published))
}

pub(crate) async fn not_found() -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; /openapi.json lists them",
    )
}

/// A request body read whole and parsed as JSON; `not` says what it failed to be.
fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    not: &str,
) -> Result<T, Failure> {
    let body = body.map_err(|e| body_failure(&e))?;
    serde_json::from_slice(&body).map_err(|e| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{not}: {e}"),
        )
    })
}

fn body_failure(e: &BytesRejection) -> Failure {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the body is larger than {} bytes (after decompression)",
                odop_protocol::MAX_BODY_BYTES
            ),
        )
    } else {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            format!("the body could not be read: {e}"),
        )
    }
}

/// A handler that panicked still answers in the protocol's shape.
// The panic layer hands the payload over by value.
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn panicked(err: Box<dyn Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %what, "a request handler panicked");
    Failure::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server could not complete the request; its log has the details",
    )
    .into_response()
}
