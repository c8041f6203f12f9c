//! Kaifang's HTTP surfaces and process wiring.
//!
//! [`start`] opens the database, applies migrations, builds the [`http`] router and serves it;
//! the `kaifang` binary (`main.rs`) and the integration tests both go through it, so tests run
//! the real server on a real socket.

pub mod bench;
pub mod config;
pub mod console;
pub mod demo;
pub mod gateway;
pub mod http;
pub mod push_bench;
pub mod telemetry;

use std::net::SocketAddr;
use std::sync::Arc;

use kaifang_platform::Platform;
use kaifang_platform::clock::Clock;
use kaifang_platform::crypto::Vault;
use kaifang_platform::notifications::Mailer;
use kaifang_store::Db;
use tokio::sync::oneshot;

use crate::config::Settings;

/// A running server.
pub struct Server {
    /// The address it listens on (useful when started on port 0).
    pub addr: SocketAddr,
    /// The shared platform handles.
    pub platform: Arc<Platform>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    push: Option<kaifang_push::Worker>,
    gateway: Arc<gateway::Gateway>,
}

impl Server {
    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes in-flight requests, writes the last call statistics and
    /// quota usage, closes the database.
    pub async fn stop(mut self) {
        if let Some(w) = self.push.take() {
            w.stop().await;
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
        self.gateway.recorder.flush().await;
        self.platform.db.close().await;
    }

    /// Stops the push worker alone, the HTTP side serving on (what [`Server::stop`] does first).
    pub async fn stop_push(&mut self) {
        if let Some(w) = self.push.take() {
            w.stop().await;
        }
    }

    /// Serves until `signal` completes (Ctrl-C or SIGTERM in the binary), then stops as
    /// [`Server::stop`] does, so the last second of call statistics is written too.
    pub async fn run_until(
        mut self,
        signal: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        let stopped = tokio::select! {
            served = &mut self.task => Some(served),
            () = signal => None,
        };
        match stopped {
            Some(served) => {
                self.gateway.recorder.flush().await;
                served.map_err(std::io::Error::other)?
            }
            None => {
                tracing::info!("shutting down");
                self.stop().await;
                Ok(())
            }
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory could not be created or read.
    #[error("data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    /// The database could not be opened or migrated.
    #[error("{0}")]
    Store(#[from] kaifang_store::Error),
    /// The configuration is not usable.
    #[error("configuration: {0}")]
    Config(String),
    /// The listen address is taken or not allowed.
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
}

/// Opens the platform (database, vault, mailer) described by `settings`.
pub async fn open_platform(settings: &Settings, clock: Arc<Clock>) -> Result<Platform, StartError> {
    open_platform_for(settings, clock, false).await
}

/// As [`open_platform`]; with `bulk_load` an SQLite database opens tuned for a one-off bulk
/// load (`kaifang seed`, see [`Db::open_sqlite_bulk`]), not for serving.
pub async fn open_platform_for(
    settings: &Settings,
    clock: Arc<Clock>,
    bulk_load: bool,
) -> Result<Platform, StartError> {
    let dir = &settings.data_dir;
    std::fs::create_dir_all(dir).map_err(|e| StartError::DataDir(dir.display().to_string(), e))?;
    let db = Db::open_for(
        settings.database_url.as_deref(),
        &dir.join("kaifang.db"),
        bulk_load,
    )
    .await?;
    db.migrate().await?;
    let vault = match &settings.vault_key {
        Some(k) => Vault::from_base64(k).map_err(|e| StartError::Config(e.message))?,
        None => load_or_create_vault_key(dir)?,
    };
    let mailer = match (&settings.smtp_url, &settings.mail_from) {
        (Some(url), Some(from)) => {
            Some(Mailer::new(url, from).map_err(|e| StartError::Config(e.message))?)
        }
        (Some(_), None) => {
            return Err(StartError::Config(
                "smtp_url needs mail_from as well".into(),
            ));
        }
        _ => None,
    };
    let platform = Platform::new(db, clock, vault, settings.rules(), mailer);
    let rendered = kaifang_commerce::orders::view::backfill(&platform.db)
        .await
        .map_err(|e| StartError::Config(format!("rendering stored order views: {e}")))?;
    if rendered > 0 {
        tracing::info!(orders = rendered, "rendered the views of older orders");
    }
    if let Some((login, password)) = &settings.operator {
        ensure_operator(&platform, login, password).await?;
    }
    Ok(platform)
}

/// Creates the configured first operator unless its login exists.
async fn ensure_operator(p: &Platform, login: &str, password: &str) -> Result<(), StartError> {
    use kaifang_platform::accounts::{self, NewAccount, Role};
    let config =
        |e: kaifang_platform::Error| StartError::Config(format!("operator {login}: {}", e.message));
    if accounts::find_by_login(p, login)
        .await
        .map_err(config)?
        .is_none()
    {
        let new = NewAccount {
            login,
            password,
            name: "Operator",
            role: Role::Operator,
            main_account_id: None,
        };
        accounts::create(p, new).await.map_err(config)?;
        tracing::info!(login, "created the first operator");
    }
    Ok(())
}

/// The vault key lives beside the database unless configured: generated on first start,
/// readable by the owner only.
fn load_or_create_vault_key(dir: &std::path::Path) -> Result<Vault, StartError> {
    let path = dir.join("vault.key");
    let io = |e| StartError::DataDir(path.display().to_string(), e);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Vault::generate_key();
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            use std::io::Write;
            opts.open(&path)
                .and_then(|mut f| f.write_all(key.as_bytes()))
                .map_err(io)?;
            key
        }
        Err(e) => return Err(io(e)),
    };
    Vault::from_base64(&text)
        .map_err(|e| StartError::Config(format!("{}: {}", path.display(), e.message)))
}

/// Starts serving on `settings.listen` with the given clock.
pub async fn start(settings: &Settings, clock: Arc<Clock>) -> Result<Server, StartError> {
    // One TLS provider in the whole process: ring.
    kaifang_push::tls::install_default_provider();
    let platform = Arc::new(open_platform(settings, clock).await?);
    serve(settings, platform).await
}

/// Turns Nagle's algorithm off on an accepted connection: an answer goes out whole at once
/// instead of its last segment waiting for the client's (possibly delayed) ACK of the one
/// before, a stall of up to 40 ms on a multi-segment answer such as an order page.
pub fn no_delay(tcp: &mut tokio::net::TcpStream) {
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(error = %e, "could not set TCP_NODELAY on a connection");
    }
}

/// Serves an already opened platform.
pub async fn serve(settings: &Settings, platform: Arc<Platform>) -> Result<Server, StartError> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| StartError::Listen(settings.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Listen(settings.listen, e))?;
    let listener = axum::serve::ListenerExt::tap_io(listener, no_delay);
    let metrics = telemetry::metrics_handle();
    telemetry::spawn_metrics_upkeep(metrics.clone());
    let ctx = http::Ctx::new(platform.clone(), metrics);
    let gateway = Arc::new(gateway::Gateway::new(platform.clone()).map_err(StartError::Config)?);
    let service = http::Service::new(ctx, gateway.clone());
    let push = kaifang_push::Worker::start(platform.clone())
        .await
        .map_err(|e| StartError::Config(format!("push worker: {}", e.message)))?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            axum::ServiceExt::<axum::extract::Request>::into_make_service(service),
        )
        .with_graceful_shutdown(async move {
            let _ = rx.await;
        })
        .await
    });
    tracing::info!(%addr, sandbox = platform.rules.sandbox, backend = ?platform.db.backend(), "kaifang listening");
    Ok(Server {
        addr,
        platform,
        shutdown: Some(tx),
        task,
        push: Some(push),
        gateway,
    })
}
