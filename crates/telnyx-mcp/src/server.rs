//! The one module that speaks MCP (through `rmcp`): the tool catalog as MCP tools, a call as a
//! `CallToolResult`, and the stdio and streamable HTTP transports. Everything else in the crate
//! is plain async functions over the `telnyx` SDK.

use std::borrow::Cow;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, JsonObject, ListToolsResult, PaginatedRequestParams, ProtocolVersion,
    ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::catalog::{Access, ToolSpec, Tools, UNKNOWN_TOOL};

/// The protocol versions served: the current one and the one before it.
pub const PROTOCOL_VERSIONS: [ProtocolVersion; 2] =
    [ProtocolVersion::V_2025_11_25, ProtocolVersion::V_2026_07_28];

/// What the server tells a host about itself.
pub const INSTRUCTIONS: &str = "Telnyx account billing tools. Read-only unless the server was \
started with --allow-writes or --allow-payments. Money is an exact decimal string with its \
currency; every answer echoes the period or filters it used. Lists return at most 20 rows by \
default: pass next_cursor back as cursor for more.";

/// The MCP server: the catalog of [`Tools`] behind rmcp's [`ServerHandler`].
#[derive(Debug, Clone)]
pub struct McpServer {
    tools: Tools,
    listed: Arc<Vec<Tool>>,
}

impl McpServer {
    /// A server for `tools`, listing the ones its policy enables.
    pub fn new(tools: Tools) -> McpServer {
        let listed = tools.listed().iter().map(to_mcp_tool).collect();
        McpServer {
            tools,
            listed: Arc::new(listed),
        }
    }
}

fn object(v: &Value) -> JsonObject {
    v.as_object().cloned().unwrap_or_default()
}

/// A catalog entry as an MCP tool: schemas, title and annotations.
pub fn to_mcp_tool(spec: &ToolSpec) -> Tool {
    let annotations = match spec.access {
        Access::Read => ToolAnnotations::with_title(spec.title)
            .read_only(true)
            .destructive(false)
            .idempotent(true)
            .open_world(true),
        Access::Write => ToolAnnotations::with_title(spec.title)
            .read_only(false)
            .destructive(false)
            .idempotent(true)
            .open_world(true),
        Access::Payment => ToolAnnotations::with_title(spec.title)
            .read_only(false)
            .destructive(true)
            .idempotent(true)
            .open_world(true),
    };
    Tool::new(
        spec.name,
        spec.description,
        Arc::new(object(&spec.input_schema)),
    )
    .with_title(spec.title)
    .with_raw_output_schema(Arc::new(object(&spec.output_schema)))
    .with_annotations(annotations)
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_protocol_version(ProtocolVersion::V_2025_11_25)
            .with_server_info(
                Implementation::new("telnyx-mcp", env!("CARGO_PKG_VERSION"))
                    .with_title("Telnyx billing"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Owned(PROTOCOL_VERSIONS.to_vec())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.listed.as_ref().clone(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let started = Instant::now();
        let name = request.name.to_string();
        let args = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let result = self.tools.call(&name, args).await;
        let ms = started.elapsed().as_millis();
        match result {
            Ok(value) => {
                tracing::info!(tool = %name, ms, "tool call answered");
                Ok(CallToolResult::structured(value).into())
            }
            Err(e) if e.kind == UNKNOWN_TOOL => Err(ErrorData::invalid_params(e.message, None)),
            Err(e) => {
                tracing::info!(tool = %name, ms, kind = e.kind, "tool call refused: {}", e.message);
                Ok(CallToolResult::error(vec![ContentBlock::text(e.to_json_text())]).into())
            }
        }
    }
}

/// A transport or bind failure.
#[derive(Debug)]
pub struct ServeError(String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServeError {}

/// Serves MCP over any byte stream pair (newline-delimited JSON-RPC) until the peer closes it.
pub async fn serve_io<R, W>(tools: Tools, read: R, write: W) -> Result<(), ServeError>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let running = McpServer::new(tools)
        .serve((read, write))
        .await
        .map_err(|e| ServeError(format!("MCP session did not start: {e}")))?;
    running
        .waiting()
        .await
        .map_err(|e| ServeError(format!("MCP session ended with an error: {e}")))?;
    Ok(())
}

/// Serves MCP over stdin/stdout until stdin closes. Nothing else may write to stdout.
pub async fn serve_stdio(tools: Tools) -> Result<(), ServeError> {
    let (read, write) = rmcp::transport::stdio();
    serve_io(tools, read, write).await
}

/// How the streamable HTTP transport accepts requests.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// Where to listen (127.0.0.1:0 picks a port).
    pub bind: Option<SocketAddr>,
    /// Every request must carry `Authorization: Bearer <token>` when set.
    pub bearer_token: Option<String>,
    /// Browser origins allowed besides the server's own (e.g. "http://localhost:6274").
    pub allowed_origins: Vec<String>,
    /// `Host` values allowed besides the loopback names and the bound address.
    pub allowed_hosts: Vec<String>,
}

/// The MCP endpoint's path.
pub const HTTP_PATH: &str = "/mcp";

/// A bound streamable HTTP server, not yet serving.
pub struct HttpServer {
    listener: tokio::net::TcpListener,
    router: axum::Router,
}

impl HttpServer {
    /// Binds (127.0.0.1 unless told otherwise) and prepares the endpoint at [`HTTP_PATH`]:
    /// `Host` must be a loopback name, the bound address or an allowed host; a present `Origin`
    /// must be the server's own or an allowed one (else 403); with a token, a request without
    /// `Authorization: Bearer <token>` gets 401.
    pub async fn bind(tools: Tools, options: HttpOptions) -> Result<HttpServer, ServeError> {
        let bind = options
            .bind
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| ServeError(format!("cannot listen on {bind}: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError(format!("cannot read the bound address: {e}")))?;
        let port = addr.port();
        let mut hosts = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
            addr.ip().to_string(),
        ];
        hosts.extend(options.allowed_hosts.iter().cloned());
        let mut origins = vec![
            format!("http://localhost:{port}"),
            format!("http://127.0.0.1:{port}"),
            format!("http://[::1]:{port}"),
        ];
        origins.extend(options.allowed_origins.iter().cloned());
        let config = StreamableHttpServerConfig::default()
            .with_allowed_hosts(hosts)
            .with_allowed_origins(origins)
            .enforce_origin_validation();
        let server = McpServer::new(tools);
        let service: StreamableHttpService<McpServer, LocalSessionManager> =
            StreamableHttpService::new(
                move || Ok(server.clone()),
                Arc::new(LocalSessionManager::default()),
                config,
            );
        let mut router = axum::Router::new().nest_service(HTTP_PATH, service);
        if let Some(token) = options.bearer_token.filter(|t| !t.is_empty()) {
            let expected: Arc<str> = Arc::from(format!("Bearer {token}"));
            router = router.layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    let expected = expected.clone();
                    async move { bearer_check(&expected, req, next).await }
                },
            ));
        }
        Ok(HttpServer { listener, router })
    }

    /// The bound address.
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        self.listener
            .local_addr()
            .map_err(|e| ServeError(format!("cannot read the bound address: {e}")))
    }

    /// Serves until `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| ServeError(format!("HTTP server failed: {e}")))
    }
}

async fn bearer_check(
    expected: &str,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let given = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        next.run(req).await
    } else {
        (
            axum::http::StatusCode::UNAUTHORIZED,
            [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
            "missing or wrong bearer token: send Authorization: Bearer <the token `telnyx mcp --http` was started with>",
        )
            .into_response()
    }
}

/// Compares without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
