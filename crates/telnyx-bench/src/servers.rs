//! The server processes the bench spawns from its own binary: a bare axum hello world
//! (the baseline) and the emulator. Both bind 127.0.0.1, print `READY <url>` on stdout
//! once listening, and exit when their stdin closes (so they never outlive the bench).

use std::io::Read;
use std::net::SocketAddr;

/// Exit the process when stdin reaches EOF (the parent closed it or died).
pub fn exit_on_stdin_eof() {
    std::thread::spawn(|| {
        let mut buf = [0u8; 64];
        let mut stdin = std::io::stdin();
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => std::process::exit(0),
                Ok(_) => {}
            }
        }
    });
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// The bare axum hello world: `GET /` answers `Hello, World!`.
pub fn hello_router() -> axum::Router {
    axum::Router::new().route("/", axum::routing::get(|| async { "Hello, World!" }))
}

/// Bind the hello world on 127.0.0.1:`port` (0 = any) and serve it in the background.
pub async fn start_hello(port: u16) -> Result<(SocketAddr, tokio::task::JoinHandle<()>), String> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, hello_router()).await;
    });
    Ok((addr, handle))
}

pub fn serve_hello(port: u16, threads: usize) -> Result<(), String> {
    exit_on_stdin_eof();
    runtime(threads)?.block_on(async move {
        let (addr, handle) = start_hello(port).await?;
        println!("READY http://{addr}");
        let _ = handle.await;
        Ok(())
    })
}

/// A webhook receiver: answers `200 ok` to any POST and counts requests and body bytes,
/// shown by `GET /_sink/stats`.
pub fn serve_sink(port: u16, threads: usize) -> Result<(), String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    exit_on_stdin_eof();
    runtime(threads)?.block_on(async move {
        let counts: Arc<(AtomicU64, AtomicU64)> = Arc::default();
        let c = counts.clone();
        let app = axum::Router::new()
            .route(
                "/_sink/stats",
                axum::routing::get(move || {
                    let c = c.clone();
                    async move {
                        axum::Json(serde_json::json!({
                            "requests": c.0.load(Ordering::Relaxed),
                            "bytes": c.1.load(Ordering::Relaxed),
                        }))
                    }
                }),
            )
            .fallback(move |body: axum::body::Bytes| {
                let c = counts.clone();
                async move {
                    c.0.fetch_add(1, Ordering::Relaxed);
                    c.1.fetch_add(body.len() as u64, Ordering::Relaxed);
                    "ok"
                }
            });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("READY http://{addr}");
        axum::serve(listener, app).await.map_err(|e| e.to_string())
    })
}

#[cfg(feature = "emulator")]
pub fn serve_emulator(port: u16, threads: usize, rate_limit: Option<u32>) -> Result<(), String> {
    exit_on_stdin_eof();
    runtime(threads)?.block_on(async move {
        let config = telnyx_emulator::EmulatorConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], port)),
            rate_limit,
            ..Default::default()
        };
        let emu = telnyx_emulator::Emulator::start(config)
            .await
            .map_err(|e| e.to_string())?;
        println!("READY {}", emu.base_url());
        // Serve until killed or stdin closes.
        std::future::pending::<()>().await;
        drop(emu);
        Ok(())
    })
}

#[cfg(not(feature = "emulator"))]
pub fn serve_emulator(_port: u16, _threads: usize, _rate_limit: Option<u32>) -> Result<(), String> {
    Err("telnyx-bench was built without the `emulator` feature".into())
}
