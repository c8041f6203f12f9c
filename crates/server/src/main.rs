//! The `kaifang` binary: `serve`, `demo`, `sign` and `seed`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use kaifang_platform::clock::Clock;
use kaifang_server::config::{FileSettings, Settings};
use kaifang_server::telemetry::{self, LogFormat};
use kaifang_wire::sign::{SignInput, SignMethod};

/// mimalloc instead of glibc malloc: the gateway's call path allocates many small, short-lived
/// buffers, and `kaifang bench gateway` measured glibc's malloc and free at about 15 % of the
/// server's CPU per call.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Fill a merchant's shop with generated orders (bulk load for trying and load-testing).
    Seed(SeedArgs),
    /// Benchmarks; build with --release first.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Args)]
struct SeedArgs {
    /// Folder of the SQLite database and the vault key [default: ./data].
    #[arg(long, env = "KAIFANG_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL; SQLite in the data dir when absent.
    #[arg(long, env = "KAIFANG_DATABASE_URL")]
    database_url: Option<String>,
    /// A TOML configuration file (for the vault key).
    #[arg(long, env = "KAIFANG_CONFIG")]
    config: Option<PathBuf>,
    /// The merchant (seller) user id whose shop gets the orders [default: the demo merchant
    /// `demo-merchant`, created when missing, so `kaifang demo` on the same data dir serves
    /// the seeded shop].
    #[arg(long)]
    merchant_user_id: Option<i64>,
    /// How many orders to write.
    #[arg(long)]
    orders: u64,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// The gateway's CPU per call and throughput against a bare server (see src/bench.rs).
    Gateway {
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Measured seconds per target and phase.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Requests per second of the latency phase (all connections together); the saturated
        /// phase's latency is mostly queueing (64 connections / throughput), so p99 is also
        /// measured at a load the server carries.
        #[arg(long, default_value_t = 10_000)]
        latency_rate: u64,
        /// What to call: `seller-get` (open.user.seller.get on the demo data) or `cursor-list`
        /// (open.order.cursor.list, pageSize 50, over a shop seeded with --orders orders;
        /// saturated only).
        #[arg(long, value_enum, default_value_t = Scenario::SellerGet)]
        scenario: Scenario,
        /// cursor-list: orders in the shop.
        #[arg(long, default_value_t = 1_000_000)]
        orders: u64,
        /// cursor-list: keep the seeded database here and reuse it on the next run
        /// [default: a temporary folder, removed afterwards].
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Threads serving requests in each server (gateway and ceiling alike). One leaves the
        /// other core of a 2-core machine to the load generator, as if it ran elsewhere.
        #[arg(long, default_value_t = 1)]
        server_workers: usize,
    },
    /// End-to-end push deliveries/s and created->received latency (see src/push_bench.rs).
    Push {
        /// Events of the throughput phase.
        #[arg(long, default_value_t = 50_000)]
        events: u64,
        /// Events per second of the latency phase.
        #[arg(long, default_value_t = 1000)]
        rate: u64,
        /// Seconds of the latency phase.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// PostgreSQL URL; a fresh SQLite file when absent.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// The bare server the gateway is compared with (started by `bench gateway`).
    #[command(hide = true)]
    CeilingServer {
        /// Answer with this file's bytes instead of a small fixed envelope.
        #[arg(long)]
        body_file: Option<PathBuf>,
        /// Threads serving requests [default: one per core].
        #[arg(long)]
        workers: Option<usize>,
    },
}

/// `kaifang bench gateway --scenario`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    /// open.user.seller.get on the demo data.
    SellerGet,
    /// open.order.cursor.list pages over a seeded shop.
    CursorList,
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
        if s.workers == Some(0) {
            return Err("workers: set at least 1 thread, or leave it out for one per core".into());
        }
        Ok(s)
    }
}

/// The async runtime: `workers` threads (at least one), or one per core.
fn runtime(workers: Option<usize>) -> std::io::Result<tokio::runtime::Runtime> {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = workers {
        b.worker_threads(n.max(1));
    }
    b.enable_all().build()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sign(args) => sign(&args),
        Command::Seed(args) => seed(&args),
        Command::Bench(b) => bench(b),
        Command::Serve(args) => run(&args, false, None),
        Command::Demo { serve, push_url } => run(&serve, true, Some(push_url)),
    }
}

fn bench(b: BenchCommand) -> ExitCode {
    let result = match b {
        BenchCommand::Gateway {
            connections,
            seconds,
            latency_rate,
            scenario,
            orders,
            data_dir,
            server_workers,
        } => {
            let spec = kaifang_server::bench::LoadSpec {
                connections,
                seconds,
                latency_rate,
                server_workers: server_workers.max(1),
            };
            match scenario {
                Scenario::SellerGet => kaifang_server::bench::gateway(&spec),
                Scenario::CursorList => kaifang_server::bench::cursor_list(
                    &spec,
                    &kaifang_server::bench::CursorScenario { orders, data_dir },
                ),
            }
        }
        BenchCommand::Push {
            events,
            rate,
            seconds,
            database_url,
        } => kaifang_server::push_bench::run(&kaifang_server::push_bench::PushBenchSpec {
            events,
            rate,
            seconds,
            database_url,
        }),
        BenchCommand::CeilingServer { body_file, workers } => body_file
            .map(std::fs::read)
            .transpose()
            .map_err(|e| format!("--body-file: {e}"))
            .and_then(|body| {
                runtime(workers).map_err(|e| e.to_string()).and_then(|rt| {
                    rt.block_on(kaifang_server::bench::serve_ceiling_with(body))
                        .map_err(|e| e.to_string())
                })
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kaifang bench: {e}");
            ExitCode::FAILURE
        }
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

fn seed(a: &SeedArgs) -> ExitCode {
    let serve = ServeArgs {
        listen: None,
        data_dir: a.data_dir.clone(),
        database_url: a.database_url.clone(),
        config: a.config.clone(),
        sandbox: false,
        log_format: None,
    };
    let settings = match serve.settings(false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let rt = match runtime(settings.workers) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        let platform =
            kaifang_server::open_platform_for(&settings, Arc::new(Clock::system()), true)
                .await
                .map_err(|e| e.to_string())?;
        let bar = indicatif::ProgressBar::new(a.orders);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} orders ({per_sec}, eta {eta})",
            )
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
        );
        let merchant = match a.merchant_user_id {
            Some(id) => id,
            None => {
                kaifang_server::demo::demo_merchant(&platform)
                    .await
                    .map_err(|e| e.message)?
                    .id
            }
        };
        let started = std::time::Instant::now();
        let stats = kaifang_commerce::seed::bulk_orders(&platform, merchant, a.orders, |n| {
            bar.set_position(n)
        })
        .await
        .map_err(|e| e.to_string())?;
        bar.finish();
        let secs = started.elapsed().as_secs_f64();
        platform.db.close().await;
        Ok::<_, String>((stats, secs, merchant))
    });
    match result {
        Ok((stats, secs, merchant)) => {
            println!(
                "wrote {} orders and {} logistics packages for merchant {merchant} in {secs:.1} s ({:.0} orders/s)",
                stats.orders,
                stats.packages,
                stats.orders as f64 / secs.max(0.001)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kaifang seed: {e}");
            ExitCode::FAILURE
        }
    }
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
    let rt = match runtime(settings.workers) {
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
        server
            .run_until(shutdown_signal())
            .await
            .map_err(|e| e.to_string())
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
