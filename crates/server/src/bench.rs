//! `kaifang bench gateway`: what the gateway costs per call, against a bare server's ceiling.
//!
//! Two servers run as child processes of the bench, so their CPU time can be read from
//! `/proc/<pid>/stat` (utime + stime) apart from the load generator's:
//!
//! * the **gateway**: `kaifang demo` (sandbox, SQLite, statistics on, every limit checked with
//!   the QPS floor raised so nothing is rejected), called with a signed
//!   `open.user.seller.get` for the demo merchant;
//! * the **ceiling**: a bare axum server (`kaifang bench ceiling-server`) loaded with the very
//!   same request and answering the gateway's own response bytes, so the two differ only in
//!   what the gateway does between reading a request and writing its answer. Both run at once
//!   and are loaded in turn (saturated gateway-ceiling-ceiling-gateway, then paced
//!   ceiling-gateway-gateway-ceiling), so a drift in a shared machine's load falls on both
//!   alike.
//!
//! Each server serves with `--server-workers` threads (default 1): the load generator runs on
//! the same machine and needs a core of its own, as it would have on another machine. With two
//! server threads on a 2-core machine the kernel queues a server thread behind the generator
//! (measured with `perf sched`), which costs both servers throughput and adds milliseconds to
//! their tails.
//!
//! `--scenario cursor-list` measures `open.order.cursor.list` instead (see [`cursor_list`]): a
//! shop seeded with a million orders, each connection paging its own window by cursor, against
//! a ceiling that sends the same page; it also samples the server's resident memory.
//!
//! The in-tree load generator keeps N HTTP/1.1 keep-alive connections (see [`wire`]) busy for
//! a fixed time after a warm-up and records every latency. It prints req/s, server CPU µs per
//! request, p50/p99 latency for each, the ratios, its own CPU per request (on a shared
//! machine the generator's cost is part of every latency it measures), and the share of CPU
//! time the hypervisor stole during each target's phases (a virtual machine's tail latency is
//! the host's as much as the server's).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use wire::Wire;

mod wire;

/// Load settings.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// Concurrent keep-alive connections.
    pub connections: usize,
    /// Measured seconds (after one second of warm-up).
    pub seconds: u64,
    /// Requests per second, all connections together, of the latency phase.
    pub latency_rate: u64,
    /// Threads serving requests in each server.
    pub server_workers: usize,
}

/// How the load generator sends.
#[derive(Debug, Clone, Copy)]
enum Pace {
    /// Each connection sends its next request as soon as the last one is answered: the most
    /// a server can do (throughput, CPU per request).
    Saturate,
    /// Requests are sent on a fixed schedule, `rate` per second in all: latency at a load the
    /// server can carry. A request that waited for its connection is charged from its
    /// scheduled time, so a stalled server pays for the requests it delayed (no coordinated
    /// omission).
    Rate(u64),
}

/// One target's figures.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Measured seconds.
    pub seconds: f64,
    /// Server CPU (user + system) in the measured window, µs.
    pub cpu_us: f64,
    /// The load generator's own CPU in the measured window, µs: what it left of the machine.
    pub generator_cpu_us: f64,
    /// The machine's CPU ticks in the measured window (all CPUs), and those of them the
    /// hypervisor gave to another guest (`steal`): a phase with steal measured a busy host.
    pub machine_ticks: MachineTicks,
    /// The latency of every request completed in the measured window, µs, sorted.
    pub latencies_us: Vec<u32>,
    /// Responses that were not a success envelope.
    pub failures: u64,
}

impl Figures {
    /// Requests completed in the measured window.
    pub fn requests(&self) -> usize {
        self.latencies_us.len()
    }

    /// Requests per second.
    pub fn rps(&self) -> f64 {
        self.requests() as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }

    /// Server CPU per request, µs.
    pub fn cpu_us_per_req(&self) -> f64 {
        self.cpu_us / self.requests().max(1) as f64
    }

    /// The latency below which the fraction `p` of requests were answered, µs.
    pub fn percentile_us(&self, p: f64) -> u64 {
        let n = self.latencies_us.len();
        if n == 0 {
            return 0;
        }
        u64::from(self.latencies_us[((n as f64 * p) as usize).min(n - 1)])
    }

    /// Two measurements of one target as one: requests, time and CPU add up, and the
    /// percentiles are those of both phases' requests together.
    fn and(mut self, other: Figures) -> Figures {
        self.seconds += other.seconds;
        self.cpu_us += other.cpu_us;
        self.generator_cpu_us += other.generator_cpu_us;
        self.machine_ticks.total += other.machine_ticks.total;
        self.machine_ticks.steal += other.machine_ticks.steal;
        self.failures += other.failures;
        self.latencies_us.extend(other.latencies_us);
        self.latencies_us.sort_unstable();
        self
    }

    /// One report line, labelled `name`.
    fn print(&self, name: &str) {
        println!(
            "{name:<9} {:>9.0} req/s  {:>7.1} µs CPU/req  p50 {:>6} µs  p99 {:>6} µs  ({} requests, {} failures; load generator {:.1} µs CPU/req; stolen {:.1} %)",
            self.rps(),
            self.cpu_us_per_req(),
            self.percentile_us(0.50),
            self.percentile_us(0.99),
            self.requests(),
            self.failures,
            self.generator_cpu_us / self.requests().max(1) as f64,
            self.machine_ticks.stolen_percent()
        );
    }
}

/// `kaifang bench ceiling-server`: the bare server, printing `LISTEN <addr>` when ready,
/// answering `body` (default: a small `open.user.seller.get` envelope) to every request. Both
/// scenarios pass an answer captured from the gateway, so the ceiling moves the same bytes.
pub async fn serve_ceiling_with(body: Option<Vec<u8>>) -> std::io::Result<()> {
    use axum::routing::any;
    const BODY: &str = r#"{"result":1,"error_msg":"","code":"1","msg":"","sub_code":"","sub_msg":"","data":{"name":"商家","sex":"U","head":"","bigHead":"","openId":"f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0","sellerId":2,"staffInfo":null},"requestId":"00000000000000000000"}"#;
    let body = body.map_or_else(
        || axum::body::Bytes::from_static(BODY.as_bytes()),
        axum::body::Bytes::from,
    );
    let app = axum::Router::new().route(
        "/{*rest}",
        any(move || {
            let body = body.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        kaifang_wire::envelope::CONTENT_TYPE,
                    )],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("LISTEN {}", listener.local_addr()?);
    // Connections as the gateway's: no Nagle delay.
    let listener = axum::serve::ListenerExt::tap_io(listener, crate::no_delay);
    axum::serve(listener, app).await
}

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// CPU ticks of the whole machine, from the `cpu` line of `/proc/stat`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MachineTicks {
    /// All ticks (user, nice, system, idle, iowait, irq, softirq, steal).
    pub total: u64,
    /// Ticks the hypervisor ran another guest while this one had work.
    pub steal: u64,
}

impl MachineTicks {
    fn now() -> MachineTicks {
        MachineTicks::parse(&std::fs::read_to_string("/proc/stat").unwrap_or_default())
    }

    /// The first line of a `/proc/stat` text: `cpu  user nice system idle iowait irq softirq
    /// steal ...` (guest time is already inside user and nice).
    fn parse(stat: &str) -> MachineTicks {
        let ticks: Vec<u64> = stat
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("cpu "))
            .map(|l| {
                l.split_whitespace()
                    .take(8)
                    .filter_map(|t| t.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        MachineTicks {
            total: ticks.iter().sum(),
            steal: ticks.get(7).copied().unwrap_or(0),
        }
    }

    fn since(self, earlier: MachineTicks) -> MachineTicks {
        MachineTicks {
            total: self.total.saturating_sub(earlier.total),
            steal: self.steal.saturating_sub(earlier.steal),
        }
    }

    /// Stolen ticks as a share of all, %.
    pub fn stolen_percent(&self) -> f64 {
        self.steal as f64 * 100.0 / self.total.max(1) as f64
    }
}

/// CPU time of a process so far, µs (utime + stime from `/proc/<pid>/stat`).
fn cpu_us(pid: u32) -> Result<f64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).ok_or("bad stat")?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().map_err(|e| e.to_string())?
        + f[12].parse::<f64>().map_err(|e| e.to_string())?;
    // SAFETY-free: the kernel's USER_HZ is 100 on every Linux we run on.
    Ok(ticks * 10_000.0)
}

/// One request on a fresh connection (set-up calls): the status and the body's JSON.
async fn request(
    addr: &str,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: &str,
) -> Result<(u16, Value), String> {
    let bearer = bearer.map(|b| format!("Bearer {b}"));
    let mut headers = vec![("content-type", "application/json")];
    headers.extend(bearer.as_deref().map(|b| ("authorization", b)));
    let (status, bytes) = once(addr, method, path, &headers, body.as_bytes()).await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

/// One request on a fresh connection: the status and the body's bytes.
async fn once(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, Vec<u8>), String> {
    let mut wire = Wire::connect(addr).await?;
    let (status, bytes) = wire.request(method, path, headers, body).await?;
    Ok((status, bytes.to_vec()))
}

/// What one connection sends: the next request's path and query, given the previous response
/// body (`None` before the first).
pub trait Script: Send + 'static {
    /// The next path with its query string.
    fn next_path(&mut self, previous: Option<&[u8]>) -> String;
}

/// The same request every time.
struct Fixed(String);

impl Script for Fixed {
    fn next_path(&mut self, _previous: Option<&[u8]>) -> String {
        self.0.clone()
    }
}

/// Loads `path` over `spec.connections` connections at `pace`; returns figures for the server
/// `pid`.
async fn load(
    addr: &str,
    path: &str,
    pid: u32,
    spec: &LoadSpec,
    pace: Pace,
) -> Result<Figures, String> {
    let scripts = (0..spec.connections)
        .map(|_| Box::new(Fixed(path.to_string())) as Box<dyn Script>)
        .collect();
    load_scripted(addr, scripts, pid, spec, pace, None).await
}

/// Keeps one connection per script busy at `pace`; returns figures for the server `pid`,
/// sampling its memory into `rss` while measuring when given.
async fn load_scripted(
    addr: &str,
    scripts: Vec<Box<dyn Script>>,
    pid: u32,
    spec: &LoadSpec,
    pace: Pace,
    rss: Option<&mut Rss>,
) -> Result<Figures, String> {
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let connections = scripts.len();
    let start = tokio::time::Instant::now();
    for (n, mut script) in scripts.into_iter().enumerate() {
        let mut wire = Wire::connect(addr).await?;
        let (measuring, stop) = (measuring.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat: Vec<u32> = Vec::with_capacity(1 << 16);
            let mut failures = 0u64;
            let mut path = script.next_path(None);
            let mut answered = Instant::now();
            let mut schedule = match pace {
                Pace::Saturate => None,
                Pace::Rate(rate) => {
                    let period = Duration::from_secs_f64(connections as f64 / rate.max(1) as f64);
                    // Staggered: connection n's turns fall n/connections of a period after
                    // the first's, so the load arrives spread out, not in bursts of one
                    // request per connection.
                    let offset = period.mul_f64(n as f64 / connections as f64);
                    let mut tick = tokio::time::interval_at(start + offset, period);
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                    Some(tick)
                }
            };
            while !stop.load(Ordering::Relaxed) {
                let t = match schedule.as_mut() {
                    // A request whose time came while this connection still waited for the
                    // last answer is charged from its scheduled time; one the timer woke late
                    // for (tokio's timer ticks in milliseconds) from when it was sent.
                    Some(tick) => {
                        let due = tick.tick().await.into_std();
                        if due < answered { due } else { Instant::now() }
                    }
                    None => Instant::now(),
                };
                let Ok((status, body)) = wire.get(&path).await else {
                    failures += 1;
                    break;
                };
                answered = Instant::now();
                if measuring.load(Ordering::Relaxed) {
                    lat.push(answered.duration_since(t).as_micros() as u32);
                    if status != 200 || !body.starts_with(br#"{"result":1,"#) {
                        failures += 1;
                    }
                }
                path = script.next_path(Some(body));
            }
            (lat, failures)
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let me = std::process::id();
    let (cpu0, generator0, machine0) = (cpu_us(pid)?, cpu_us(me)?, MachineTicks::now());
    let t0 = Instant::now();
    measuring.store(true, Ordering::Relaxed);
    match rss {
        Some(rss) => {
            // Sample the server's memory ten times a second while measuring.
            let until = t0 + Duration::from_secs(spec.seconds);
            while Instant::now() < until {
                rss.sample(pid);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            rss.sample(pid);
        }
        None => tokio::time::sleep(Duration::from_secs(spec.seconds)).await,
    }
    measuring.store(false, Ordering::Relaxed);
    let elapsed = t0.elapsed().as_secs_f64();
    let (cpu1, generator1, machine1) = (cpu_us(pid)?, cpu_us(me)?, MachineTicks::now());
    stop.store(true, Ordering::Relaxed);
    let mut all: Vec<u32> = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (lat, f) = t.await.map_err(|e| e.to_string())?;
        all.extend(lat);
        failures += f;
    }
    all.sort_unstable();
    Ok(Figures {
        seconds: elapsed,
        cpu_us: cpu1 - cpu0,
        generator_cpu_us: generator1 - generator0,
        machine_ticks: machine1.since(machine0),
        latencies_us: all,
        failures,
    })
}

fn wait_for_file(path: &Path, child: &mut Child) -> Result<(), String> {
    for _ in 0..600 {
        if path.exists() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("server exited early: {status}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("{} did not appear", path.display()))
}

/// Starts `kaifang bench ceiling-server` (answering `body_file`'s bytes when given) and waits
/// for its `LISTEN <addr>` line.
fn start_ceiling(
    exe: &Path,
    body_file: Option<&Path>,
    workers: usize,
) -> Result<(Guard, String), String> {
    let mut cmd = Command::new(exe);
    cmd.args(["bench", "ceiling-server", "--workers", &workers.to_string()]);
    if let Some(f) = body_file {
        cmd.arg("--body-file").arg(f);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    {
        use std::io::BufRead;
        let out = child.stdout.take().ok_or("no stdout")?;
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
    }
    let guard = Guard(child);
    let addr = line
        .trim()
        .strip_prefix("LISTEN ")
        .ok_or("no LISTEN line")?
        .to_string();
    Ok((guard, addr))
}

/// Runs both measurements and prints the report.
pub fn gateway(spec: &LoadSpec) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    // The gateway: `kaifang demo` in a temporary data dir.
    let dir = std::env::temp_dir().join(format!("kaifang-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let addr = free_addr()?;
    let server = start_demo(&exe, &dir, &addr, spec.server_workers)?;
    let (app_key, sign_secret, token) = demo_credentials(&rt, &dir, &addr)?;
    let query = signed_query(
        "open.user.seller.get",
        &app_key,
        &sign_secret,
        &token,
        "{}",
        now_ms(),
    );
    let path = format!("/open/user/seller/get?{query}");
    let (status, answer) = rt.block_on(once(&addr, "GET", &path, &[], b""))?;
    if status != 200 || !answer.starts_with(br#"{"result":1,"#) {
        return Err(format!(
            "the signed call failed: HTTP {status}, {}",
            String::from_utf8_lossy(&answer)
        ));
    }

    // The ceiling: the same request in, the gateway's own answer out, and nothing between.
    let body_file = dir.join("bench-ceiling-body.json");
    std::fs::write(&body_file, &answer).map_err(|e| e.to_string())?;
    let (ceiling, ceiling_addr) = start_ceiling(&exe, Some(&body_file), spec.server_workers)?;
    let ceiling_pid = ceiling.0.id();

    // Saturated in the order gateway, ceiling, ceiling, gateway, then paced in the order
    // ceiling, gateway, gateway, ceiling: a drift in the shared machine's load falls on both
    // alike, and each target's paced phases follow one idle spell and one paced phase of its
    // own (neither is measured straight after its saturated run).
    let gateway_pid = server.0.id();
    let saturated =
        |addr: &str, pid: u32| rt.block_on(load(addr, &path, pid, spec, Pace::Saturate));
    let gateway_figs = saturated(&addr, gateway_pid)?;
    let ceiling_figs =
        saturated(&ceiling_addr, ceiling_pid)?.and(saturated(&ceiling_addr, ceiling_pid)?);
    let gateway_figs = gateway_figs.and(saturated(&addr, gateway_pid)?);
    let paced = |addr: &str, pid: u32| {
        rt.block_on(load(addr, &path, pid, spec, Pace::Rate(spec.latency_rate)))
    };
    let ceiling_paced = paced(&ceiling_addr, ceiling_pid)?;
    let gateway_paced = paced(&addr, gateway_pid)?.and(paced(&addr, gateway_pid)?);
    let ceiling_paced = ceiling_paced.and(paced(&ceiling_addr, ceiling_pid)?);
    drop(server);
    drop(ceiling);
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "kaifang bench gateway: {} connections, {} s measured after 1 s warm-up per phase, loopback keep-alive, {} thread(s) per server",
        spec.connections, spec.seconds, spec.server_workers
    );
    println!(
        "saturated (each connection sends again as soon as it is answered; two phases each, gateway-ceiling-ceiling-gateway):"
    );
    ceiling_figs.print("ceiling");
    gateway_figs.print("gateway");
    println!(
        "paced at {} req/s (latency from each request's scheduled time; two phases each, ceiling-gateway-gateway-ceiling):",
        spec.latency_rate
    );
    ceiling_paced.print("ceiling");
    gateway_paced.print("gateway");
    println!(
        "ratio     CPU/req gateway/ceiling = {:.2}x (bar <= 1.6x)   req/s gateway/ceiling = {:.2}x (bar >= 0.62x)   gateway p99 at {} connections = {:.2} ms (bar < 2 ms), paced at {} req/s = {:.2} ms",
        gateway_figs.cpu_us_per_req() / ceiling_figs.cpu_us_per_req().max(f64::MIN_POSITIVE),
        gateway_figs.rps() / ceiling_figs.rps().max(f64::MIN_POSITIVE),
        spec.connections,
        gateway_figs.percentile_us(0.99) as f64 / 1000.0,
        spec.latency_rate,
        gateway_paced.percentile_us(0.99) as f64 / 1000.0
    );
    let failures = gateway_figs.failures + gateway_paced.failures;
    if failures > 0 {
        return Err(format!("{failures} gateway calls failed"));
    }
    Ok(())
}

/// The server's memory, from `/proc/<pid>/status`, kB.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rss {
    /// Largest VmRSS sampled.
    pub max_rss_kb: u64,
    /// VmHWM (the kernel's peak resident set) at the last sample.
    pub hwm_kb: u64,
}

impl Rss {
    fn sample(&mut self, pid: u32) {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            return;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        };
        if let Some(v) = field("VmRSS:") {
            self.max_rss_kb = self.max_rss_kb.max(v);
        }
        if let Some(v) = field("VmHWM:") {
            self.hwm_kb = v;
        }
    }
}

/// `kaifang bench gateway --scenario cursor-list`: `open.order.cursor.list` pages over a shop
/// with `orders` orders.
#[derive(Debug, Clone)]
pub struct CursorScenario {
    /// Orders in the shop.
    pub orders: u64,
    /// Where the seeded database lives; reused when it already holds this many orders
    /// (seeding a million takes a while). A temporary folder, removed afterwards, when absent.
    pub data_dir: Option<std::path::PathBuf>,
}

/// One ERP connection paging through a 7-day window: each request carries the cursor of the
/// previous response; after `"nomore"` it starts again.
struct CursorWalk {
    app_key: String,
    sign_secret: String,
    token: String,
    begin: i64,
    end: i64,
    cursor: String,
}

/// The `"cursor"` value of a cursor-list response, found without parsing the whole page
/// (the load generator shares the machine with the server).
fn cursor_of(body: &[u8]) -> Option<&str> {
    const KEY: &[u8] = br#""cursor":""#;
    let at = body.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let len = body[at..].iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&body[at..at + len]).ok()
}

impl Script for CursorWalk {
    fn next_path(&mut self, previous: Option<&[u8]>) -> String {
        if let Some(body) = previous {
            self.cursor = match cursor_of(body) {
                Some(kaifang_commerce::orders::query::NO_MORE) | None => String::new(),
                Some(c) => c.to_string(),
            };
        }
        let param = format!(
            r#"{{"orderViewStatus":1,"pageSize":50,"sort":1,"queryType":1,"beginTime":{},"endTime":{},"cpsType":0,"cursor":"{}"}}"#,
            self.begin, self.end, self.cursor
        );
        let query = signed_query(
            "open.order.cursor.list",
            &self.app_key,
            &self.sign_secret,
            &self.token,
            &param,
            now_ms(),
        );
        format!("/open/order/cursor/list?{query}")
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Starts `kaifang demo` on `dir` and waits until it has written demo.json.
fn start_demo(exe: &Path, dir: &Path, addr: &str, workers: usize) -> Result<Guard, String> {
    // demo.json from an earlier run would make the wait return before the server listens.
    let _ = std::fs::remove_file(dir.join("demo.json"));
    let mut child = Command::new(exe)
        .args(["demo", "--listen", addr, "--data-dir"])
        .arg(dir)
        .env("KAIFANG_RULES__QPS_FLOOR", "1000000")
        .env("KAIFANG_WORKERS", workers.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    wait_for_file(&dir.join("demo.json"), &mut child)?;
    Ok(Guard(child))
}

/// A free loopback address.
fn free_addr() -> Result<String, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    Ok(format!("127.0.0.1:{port}"))
}

/// The demo app's credentials and a fresh test-user token for the demo merchant.
fn demo_credentials(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    addr: &str,
) -> Result<(String, String, String), String> {
    let demo: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("demo.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let user_id = demo["merchant"]["user_id"].as_i64().unwrap_or(0);
    let app_key = s(&demo["app"]["app_key"]);
    let (status, tok) = rt.block_on(request(
        addr,
        "POST",
        &format!("/api/apps/{app_key}/test-users/{user_id}/token"),
        Some(&s(&demo["developer"]["api_token"])),
        "{}",
    ))?;
    if status != 200 {
        return Err(format!("minting a test-user token: {status} {tok}"));
    }
    Ok((
        app_key,
        s(&demo["app"]["sign_secret"]),
        s(&tok["access_token"]),
    ))
}

/// Runs the cursor-list scenario and prints its report.
pub fn cursor_list(spec: &LoadSpec, scenario: &CursorScenario) -> Result<(), String> {
    const DAY: i64 = 24 * 3600 * 1000;
    const BAR_RPS: f64 = 5000.0;
    const BAR_RSS_MB: f64 = 200.0;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let temporary = scenario.data_dir.is_none();
    let dir = scenario.data_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("kaifang-bench-cursor-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let marker = dir.join("bench-seeded-orders");
    let seeded = std::fs::read_to_string(&marker).ok();
    if seeded.as_deref().map(str::trim) == Some(scenario.orders.to_string().as_str()) {
        println!(
            "reusing {} with {} seeded orders",
            dir.display(),
            scenario.orders
        );
    } else if seeded.is_some() || dir.join("kaifang.db").exists() {
        return Err(format!(
            "{} holds another data set: pass an empty or new --data-dir",
            dir.display()
        ));
    } else {
        let started = Instant::now();
        let status = Command::new(&exe)
            .args([
                "seed",
                "--orders",
                &scenario.orders.to_string(),
                "--data-dir",
            ])
            .arg(&dir)
            .env("RUST_LOG", "warn")
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("kaifang seed failed: {status}"));
        }
        println!(
            "seeded {} orders in {:.1} s",
            scenario.orders,
            started.elapsed().as_secs_f64()
        );
        std::fs::write(&marker, scenario.orders.to_string()).map_err(|e| e.to_string())?;
    }

    // The gateway.
    let addr = free_addr()?;
    let server = start_demo(&exe, &dir, &addr, spec.server_workers)?;
    let (app_key, sign_secret, token) = demo_credentials(&rt, &dir, &addr)?;
    let now = now_ms();
    // Each connection pages through its own 7-day window of the last 56 days.
    let walk = |c: usize| CursorWalk {
        app_key: app_key.clone(),
        sign_secret: sign_secret.clone(),
        token: token.clone(),
        begin: now - (c as i64 % 8 + 1) * 7 * DAY,
        end: now - (c as i64 % 8) * 7 * DAY,
        cursor: String::new(),
    };
    let first = walk(0).next_path(None);
    let (status, page_bytes) = rt.block_on(once(&addr, "GET", &first, &[], b""))?;
    let page: Value = serde_json::from_slice(&page_bytes).unwrap_or(Value::Null);
    let listed = page["data"]["orderList"].as_array().map_or(0, Vec::len);
    if status != 200 || page["result"] != 1 || listed != 50 {
        return Err(format!(
            "the first page should hold 50 orders: HTTP {status}, result {}, {listed} orders, {}",
            page["result"], page["error_msg"]
        ));
    }
    let mut rss = Rss::default();
    rss.sample(server.0.id());
    let idle_rss = rss.max_rss_kb;
    let scripts = (0..spec.connections)
        .map(|c| Box::new(walk(c)) as Box<dyn Script>)
        .collect();
    let gateway_figs = rt.block_on(load_scripted(
        &addr,
        scripts,
        server.0.id(),
        spec,
        Pace::Saturate,
        Some(&mut rss),
    ))?;
    drop(server);

    // The ceiling: a bare server answering the same page.
    let body_file = dir.join("bench-ceiling-body.json");
    std::fs::write(&body_file, &page_bytes).map_err(|e| e.to_string())?;
    let (ceiling, ceiling_addr) = start_ceiling(&exe, Some(&body_file), spec.server_workers)?;
    let ceiling_figs = rt.block_on(load(
        &ceiling_addr,
        "/open/order/cursor/list",
        ceiling.0.id(),
        spec,
        Pace::Saturate,
    ))?;
    drop(ceiling);
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }

    println!(
        "kaifang bench gateway --scenario cursor-list: {} orders, pageSize 50 (~{} kB a page), {} connections each paging its own 7-day window, {} s measured after 1 s warm-up, loopback keep-alive",
        scenario.orders,
        page_bytes.len() / 1024,
        spec.connections,
        spec.seconds
    );
    ceiling_figs.print("ceiling");
    gateway_figs.print("gateway");
    let mb = |kb: u64| kb as f64 / 1024.0;
    println!(
        "ratio     req/s gateway/ceiling = {:.2}x   CPU/req gateway/ceiling = {:.2}x   gateway {:.0} req/s (bar >= {BAR_RPS:.0}): {}",
        gateway_figs.rps() / ceiling_figs.rps().max(f64::MIN_POSITIVE),
        gateway_figs.cpu_us_per_req() / ceiling_figs.cpu_us_per_req().max(f64::MIN_POSITIVE),
        gateway_figs.rps(),
        if gateway_figs.rps() >= BAR_RPS {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "memory    server VmRSS idle {:.0} MB, max under load {:.0} MB, VmHWM {:.0} MB (bar <= {BAR_RSS_MB:.0} MB): {}",
        mb(idle_rss),
        mb(rss.max_rss_kb),
        mb(rss.hwm_kb),
        if mb(rss.hwm_kb) <= BAR_RSS_MB {
            "met"
        } else {
            "NOT met"
        }
    );
    if gateway_figs.failures > 0 {
        return Err(format!("{} gateway calls failed", gateway_figs.failures));
    }
    Ok(())
}

/// The signed query string of one call (MD5).
fn signed_query(
    method: &str,
    app_key: &str,
    sign_secret: &str,
    token: &str,
    param: &str,
    ts: i64,
) -> String {
    use kaifang_wire::sign::{SignInput, SignMethod, sign};
    let ts = ts.to_string();
    let input = SignInput {
        appkey: Some(app_key),
        method: Some(method),
        access_token: Some(token),
        version: Some("1"),
        sign_method: Some("MD5"),
        timestamp: Some(&ts),
        param: Some(param),
    };
    let signature = sign(&input, sign_secret, SignMethod::Md5);
    // What the SDKs' form encoders leave as it is (Java's URLEncoder, Python's urlencode):
    // letters, digits and `-._`; so the token's `_` arrives unencoded, as from a real client.
    const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_');
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, FORM).to_string();
    format!(
        "appkey={}&method={method}&access_token={}&version=1&signMethod=MD5&timestamp={ts}&param={}&sign={signature}",
        enc(app_key),
        enc(token),
        enc(param)
    )
}

#[cfg(test)]
mod tests {
    use super::MachineTicks;

    #[test]
    fn machine_ticks_count_the_eight_fields_and_steal() {
        let earlier = MachineTicks::parse("cpu  100 0 50 800 10 0 5 35 900 0\ncpu0 1 2 3\n");
        assert_eq!((earlier.total, earlier.steal), (1000, 35));
        let later = MachineTicks::parse("cpu  150 0 60 1560 10 0 10 55 0 0\n");
        let phase = later.since(earlier);
        assert_eq!((phase.total, phase.steal), (845, 20));
        assert!((phase.stolen_percent() - 20.0 * 100.0 / 845.0).abs() < 1e-9);
        assert_eq!(MachineTicks::parse("").stolen_percent(), 0.0);
    }
}
