//! The `kaifang` binary: `serve`, `demo` and `sign`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use kaifang_platform::clock::Clock;
use kaifang_server::config::{FileSettings, Settings};
use kaifang_server::telemetry::{self, LogFormat};
use kaifang_wire::sign::{SignInput, SignMethod};

/// Kaifang: a self-hosted e-commerce open platform that speaks the Kuaishou open-platform protocol.
#[derive(Parser)]
#[command(name = "kaifang", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the platform.
    Serve(ServeArgs),
    /// Run the platform in sandbox mode with demo data (created on first start) and write DIR/demo.json.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Configure the demo app to push events to this URL.
        #[arg(long, env = "KAIFANG_PUSH_URL")]
        push_url: Option<String>,
    },
    /// Compute a request signature and show the exact string that was signed.
    Sign(SignArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KAIFANG_LISTEN")]
    listen: Option<SocketAddr>,
    /// Folder for the SQLite database, the vault key and demo.json [default: ./data].
    #[arg(long, env = "KAIFANG_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:pass@host/db); SQLite in the data dir when absent.
    #[arg(long, env = "KAIFANG_DATABASE_URL")]
    database_url: Option<String>,
    /// A TOML configuration file.
    #[arg(long, env = "KAIFANG_CONFIG")]
    config: Option<PathBuf>,
    /// Sandbox mode: loopback URLs, a movable clock, relaxed traffic limits.
    #[arg(long)]
    sandbox: bool,
    /// Log format.
    #[arg(long, value_enum, env = "KAIFANG_LOG_FORMAT")]
    log_format: Option<LogFormat>,
}

#[derive(Args)]
struct SignArgs {
    /// Print JSON {"string_to_sign", "sign"}.
    #[arg(long)]
    json: bool,
    #[arg(long)]
    appkey: Option<String>,
    #[arg(long)]
    method: Option<String>,
    #[arg(long = "access-token")]
    access_token: Option<String>,
    #[arg(long)]
    timestamp: Option<String>,
    #[arg(long)]
    version: Option<String>,
    /// MD5 or HMAC_SHA256.
    #[arg(long = "sign-method")]
    sign_method: String,
    #[arg(long = "sign-secret")]
    sign_secret: String,
    /// The business parameters exactly as sent (the raw JSON string).
    #[arg(long)]
    param: Option<String>,
}

impl ServeArgs {
    fn settings(&self, sandbox: bool) -> Result<Settings, String> {
        let file = FileSettings::load(self.config.as_deref())?;
        let mut s = Settings::new("data").with_file(file);
        if let Some(l) = self.listen {
            s.listen = l;
        }
        if let Some(d) = &self.data_dir {
            s.data_dir = d.clone();
        }
        if let Some(u) = &self.database_url {
            s.database_url = Some(u.clone());
        }
        if let Some(f) = self.log_format {
            s.log_format = f;
        }
        s.sandbox |= self.sandbox || sandbox;
        Ok(s)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sign(args) => sign(&args),
        Command::Serve(args) => run(&args, false, None),
        Command::Demo { serve, push_url } => run(&serve, true, Some(push_url)),
    }
}

fn sign(a: &SignArgs) -> ExitCode {
    let Ok(method) = a.sign_method.parse::<SignMethod>() else {
        eprintln!("--sign-method must be MD5 or HMAC_SHA256");
        return ExitCode::from(2);
    };
    let input = SignInput {
        appkey: a.appkey.as_deref(),
        method: a.method.as_deref(),
        access_token: a.access_token.as_deref(),
        version: a.version.as_deref(),
        sign_method: Some(a.sign_method.as_str()),
        timestamp: a.timestamp.as_deref(),
        param: a.param.as_deref(),
    };
    let string_to_sign = kaifang_wire::sign::string_to_sign(&input, &a.sign_secret);
    let signature = kaifang_wire::sign::sign(&input, &a.sign_secret, method);
    if a.json {
        println!(
            "{}",
            serde_json::json!({"string_to_sign": string_to_sign, "sign": signature})
        );
    } else {
        println!("string_to_sign: {string_to_sign}\nsign: {signature}");
    }
    ExitCode::SUCCESS
}

fn run(args: &ServeArgs, sandbox: bool, demo: Option<Option<String>>) -> ExitCode {
    let settings = match args.settings(sandbox) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init_logs(settings.log_format);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        let server = kaifang_server::start(&settings, Arc::new(Clock::system()))
            .await
            .map_err(|e| e.to_string())?;
        if let Some(push_url) = demo {
            let path = kaifang_server::demo::ensure(&server, &settings, push_url.as_deref())
                .await
                .map_err(|e| format!("demo data: {e}"))?;
            tracing::info!(path = %path.display(), "demo data ready");
            eprintln!(
                "Kaifang demo at {} — credentials in {}",
                server.base_url(),
                path.display()
            );
        }
        let platform = server.platform.clone();
        tokio::select! {
            r = server.wait() => r.map_err(|e| e.to_string()),
            _ = shutdown_signal() => {
                tracing::info!("shutting down");
                platform.db.close().await;
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "kaifang stopped");
            eprintln!("kaifang: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return ctrl_c.await.unwrap_or(()),
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await.unwrap_or(());
}
