use std::future::Future;
use std::time::Duration;

use odop_protocol::{
    ErrorBody, GiPublished, GiRegistry, Identity, PullQuery, PullResponse, PushRequest,
    PushResponse, PATH_GI_REGISTRY, PATH_PULL, PATH_PUSH, PATH_WHOAMI, PROTOCOL_VERSION,
    VERSION_HEADER,
};

use crate::SyncError;

/// The server as sync sees it. The HTTP implementation is [`HttpRemote`]; tests wrap it to drop
/// and repeat answers.
pub trait Remote: Send + Sync {
    fn whoami(&self) -> impl Future<Output = Result<Identity, SyncError>> + Send;
    fn push(
        &self,
        request: &PushRequest,
    ) -> impl Future<Output = Result<PushResponse, SyncError>> + Send;
    /// A page after the query's cursor.
    fn pull(
        &self,
        query: &PullQuery,
    ) -> impl Future<Output = Result<PullResponse, SyncError>> + Send;
    /// Sends the GI registry whole, for every desk (central accounts only).
    fn publish_gi(
        &self,
        registry: &GiRegistry,
    ) -> impl Future<Output = Result<GiPublished, SyncError>> + Send;
}

/// The central server over HTTP(S); answers come compressed, in zstd (or gzip).
#[derive(Debug, Clone)]
pub struct HttpRemote {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl HttpRemote {
    pub fn new(base: &str, token: &str) -> Result<HttpRemote, SyncError> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(SyncError::BadSetting {
                name: "server",
                reason: format!("{base:?} is not an http:// or https:// address"),
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| SyncError::Unreachable {
                url: base.clone(),
                reason: e.to_string(),
            })?;
        Ok(HttpRemote {
            base,
            token: token.trim().to_owned(),
            http,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, SyncError> {
        let response = request
            .bearer_auth(&self.token)
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
            .send()
            .await
            .map_err(|e| SyncError::Unreachable {
                url: self.base.clone(),
                reason: e.to_string(),
            })?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| SyncError::Unreachable {
            url: self.base.clone(),
            reason: e.to_string(),
        })?;
        if !status.is_success() {
            let body: Option<ErrorBody> = serde_json::from_slice(&bytes).ok();
            return Err(SyncError::Server {
                status: status.as_u16(),
                code: body.as_ref().map(|b| b.code.clone()).unwrap_or_default(),
                message: body.map(|b| b.message).unwrap_or_else(|| {
                    String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned()
                }),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| SyncError::Answer(e.to_string()))
    }
}

impl Remote for HttpRemote {
    async fn whoami(&self) -> Result<Identity, SyncError> {
        self.send(self.http.get(format!("{}{PATH_WHOAMI}", self.base)))
            .await
    }

    async fn push(&self, request: &PushRequest) -> Result<PushResponse, SyncError> {
        self.send(
            self.http
                .post(format!("{}{PATH_PUSH}", self.base))
                .json(request),
        )
        .await
    }

    async fn pull(&self, query: &PullQuery) -> Result<PullResponse, SyncError> {
        self.send(
            self.http
                .get(format!("{}{PATH_PULL}", self.base))
                .query(query),
        )
        .await
    }

    async fn publish_gi(&self, registry: &GiRegistry) -> Result<GiPublished, SyncError> {
        self.send(
            self.http
                .put(format!("{}{PATH_GI_REGISTRY}", self.base))
                .json(registry),
        )
        .await
    }
}
