//! The HTTP side of `serve`: the built files, from memory, and a websocket
//! that tells open pages to reload. Nothing here reads the disk, so no URL
//! can reach a file the build did not produce.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::ops::Range;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts as _, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use http_range_header::{EndPosition, RangeUnsatisfiableError, StartPosition};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

use crate::markdown::escape;
use crate::render::OutputFile;
use crate::term;

/// Where the live-reload websocket is, on every server.
pub(crate) const EVENTS: &str = "/__partnerbook/live";

/// The reload message for "every page".
const ALL: &str = r#"{"all":true,"paths":[]}"#;

/// A built file, ready to send.
#[derive(Debug, Clone)]
struct File {
    /// What is sent: the built bytes, and for a page the live-reload
    /// script. Every response shares this memory; none copies it.
    body: Bytes,
    /// The `Content-Type`.
    kind: HeaderValue,
    /// Whether this is an HTML page, which gets the diagnostics panel and
    /// is never cached.
    page: bool,
    /// A digest of `body`, for the ETag.
    digest: u128,
}

impl File {
    fn new(path: &str, bytes: Vec<u8>) -> File {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        let page = mime.essence_str() == "text/html";
        let kind = if mime.type_() == mime_guess::mime::TEXT {
            format!("{}; charset=utf-8", mime.essence_str())
        } else {
            mime.essence_str().to_string()
        };
        let body = Bytes::from(if page { with_script(&bytes) } else { bytes });
        File {
            digest: xxhash_rust::xxh3::xxh3_128(&body),
            kind: HeaderValue::from_str(&kind)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            page,
            body,
        }
    }
}

/// The diagnostics shown on every page.
#[derive(Debug)]
struct Errors {
    /// The panel, as HTML.
    panel: String,
    /// A digest of the panel, so that a page's ETag changes with it.
    digest: u64,
}

/// What the server serves now.
#[derive(Debug, Default)]
struct Served {
    /// The output of the last good build, by path below the mount point.
    files: HashMap<String, File>,
    /// Whether a whole build without errors has been published. A build
    /// that failed after publishing some pages does not count: the panel
    /// must not call those pages a good build.
    built: bool,
    /// The diagnostics to show on every page, when the site has errors.
    errors: Option<Errors>,
    /// Where the site is mounted: `/`, or base_url's path (`/partners/`).
    mount: String,
}

/// The state shared between the rebuild loop and the server.
#[derive(Debug)]
pub(crate) struct Shared {
    served: RwLock<Served>,
    /// Reload messages to every open page.
    reload: broadcast::Sender<Utf8Bytes>,
}

impl Default for Shared {
    fn default() -> Shared {
        // a page more than this many messages behind reloads
        let (reload, _) = broadcast::channel(16);
        Shared {
            served: RwLock::default(),
            reload,
        }
    }
}

impl Shared {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Served> {
        self.served.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Served> {
        self.served.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets where the site is mounted.
    pub(crate) fn set_mount(&self, mount: String) {
        self.write().mount = mount;
    }

    /// Whether a build without errors has been published.
    pub(crate) fn has_good_build(&self) -> bool {
        self.read().built
    }

    /// Puts rendered files in place and takes down the files in `gone`.
    /// They come from a build without errors, so the diagnostics go.
    /// [`Shared::recover`] says when the whole build is in place. Returns the paths whose content changed, new and gone ones
    /// included: a page rendered again the same need not reload.
    pub(crate) fn publish(&self, files: Vec<OutputFile>, gone: &[String]) -> Vec<String> {
        // the digests and the script are done before taking the lock
        let files: Vec<(String, File)> = files
            .into_iter()
            .map(|f| {
                let file = File::new(&f.path, f.bytes);
                (f.path, file)
            })
            .collect();
        let mut changed = Vec::new();
        let mut served = self.write();
        for (path, file) in files {
            if served
                .files
                .get(&path)
                .is_none_or(|old| old.body != file.body)
            {
                changed.push(path.clone());
            }
            served.files.insert(path, file);
        }
        for path in gone {
            if served.files.remove(path).is_some() {
                changed.push(path.clone());
            }
        }
        served.errors = None;
        changed
    }

    /// Shows `report` on every page.
    pub(crate) fn fail(&self, report: &Report) {
        let mut served = self.write();
        let panel = panel(report, served.built);
        served.errors = Some(Errors {
            digest: xxhash_rust::xxh3::xxh3_64(panel.as_bytes()),
            panel,
        });
    }

    /// Takes the diagnostics off the pages: a whole build without errors
    /// is in place.
    pub(crate) fn recover(&self) {
        let mut served = self.write();
        served.errors = None;
        served.built = true;
    }

    /// Tells every open page which pages changed (output paths below the
    /// mount point); `all` reloads every page.
    pub(crate) fn reload(&self, paths: &[String], all: bool) {
        let message = if all {
            ALL.to_string()
        } else {
            let mount = self.read().mount.clone();
            let urls: Vec<String> = paths.iter().map(|p| format!("{mount}{p}")).collect();
            serde_json::json!({ "all": false, "paths": urls }).to_string()
        };
        // an error only means that no page is open
        let _ = self.reload.send(Utf8Bytes::from(message));
    }

    /// The response for `path` (decoded, absolute), given the request's
    /// headers.
    fn respond(&self, path: &str, request: &HeaderMap) -> Response {
        let served = self.read();
        if !served.built {
            let panel = served.errors.as_ref().map_or("", |e| e.panel.as_str());
            let page = with_panel(&with_script(NOT_BUILT.as_bytes()), panel);
            return html(StatusCode::INTERNAL_SERVER_ERROR, page.into());
        }
        let mount = served.mount.as_str();
        // `/` and `/partners` for a site mounted at `/partners/`
        if path == "/" && mount != "/" || format!("{path}/") == mount {
            return redirect(mount);
        }
        let Some(rel) = path.strip_prefix(mount) else {
            return served.not_found();
        };
        let key = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        };
        let Some(file) = served.files.get(&key) else {
            if served.files.contains_key(&format!("{key}/index.html")) {
                return redirect(&format!("{mount}{rel}/"));
            }
            return served.not_found();
        };
        let (body, etag) = match &served.errors {
            Some(errors) if file.page => (
                Bytes::from(with_panel(&file.body, &errors.panel)),
                format!("\"{:032x}-{:016x}\"", file.digest, errors.digest),
            ),
            _ => (file.body.clone(), format!("\"{:032x}\"", file.digest)),
        };
        let (kind, page) = (file.kind.clone(), file.page);
        drop(served);
        send(body, kind, page, &etag, request)
    }
}

impl Served {
    /// The site's own 404 page, with the diagnostics when there are some.
    fn not_found(&self) -> Response {
        match self.files.get("404.html") {
            Some(page) => {
                let body = match &self.errors {
                    Some(errors) => with_panel(&page.body, &errors.panel).into(),
                    None => page.body.clone(),
                };
                html(StatusCode::NOT_FOUND, body)
            }
            None => text(StatusCode::NOT_FOUND, "404 page not found\n"),
        }
    }
}

/// The whole of `body`, or the part a `Range` header asks for, or nothing
/// when the client's copy is current.
fn send(body: Bytes, kind: HeaderValue, page: bool, etag: &str, request: &HeaderMap) -> Response {
    let etag_value = HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\""));
    // Pages are never stored: the browser asks again on every visit,
    // back and forward included, so no tab shows a page from an older
    // build. Other files are revalidated against their ETag, so reloading
    // a page does not fetch its unchanged images and videos again.
    let cache = HeaderValue::from_static(if page { "no-store" } else { "no-cache" });
    let header_str = |name| {
        request
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let mut response = Response::builder()
        .header(header::ETAG, etag_value)
        .header(header::CACHE_CONTROL, cache);
    if header_str(header::IF_NONE_MATCH).is_some_and(|tags| etag_matches(tags, etag)) {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default();
    }
    response = response
        .header(header::CONTENT_TYPE, kind)
        .header(header::ACCEPT_RANGES, "bytes");
    let len = body.len();
    // `If-Range` with another ETag asks for the whole file
    let range = header_str(header::RANGE)
        .filter(|_| header_str(header::IF_RANGE).is_none_or(|tag| tag == etag))
        .and_then(|value| byte_range(value, len));
    match range {
        None => response.status(StatusCode::OK).body(Body::from(body)),
        Some(Ok(part)) => response
            .status(StatusCode::PARTIAL_CONTENT)
            .header(
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{len}", part.start, part.end - 1),
            )
            .body(Body::from(body.slice(part))),
        Some(Err(Unsatisfiable)) => response
            .status(StatusCode::RANGE_NOT_SATISFIABLE)
            .header(header::CONTENT_RANGE, format!("bytes */{len}"))
            .body(Body::empty()),
    }
    .unwrap_or_default()
}

/// Whether an `If-None-Match` list names `etag` (weakly, as RFC 9110 asks).
fn etag_matches(list: &str, etag: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// A `Range` no byte of the file satisfies: 416.
#[derive(Debug, PartialEq)]
struct Unsatisfiable;

/// The bytes a `Range` header asks for in a file of `len` bytes: `None`
/// to send the whole file (no header we understand, or several ranges,
/// which RFC 9110 lets a server answer with the whole file).
fn byte_range(value: &str, len: usize) -> Option<Result<Range<usize>, Unsatisfiable>> {
    let len = len as u64;
    let ranges = match http_range_header::parse_range_header(value) {
        Ok(parsed) => parsed.ranges,
        // `bytes=-0`: the last zero bytes
        Err(RangeUnsatisfiableError::ZeroSuffix) => return Some(Err(Unsatisfiable)),
        Err(_) => return None,
    };
    let [range] = ranges.as_slice() else {
        return None;
    };
    let (start, end) = match (&range.start, &range.end) {
        (StartPosition::FromLast(n), _) => (len.saturating_sub(*n), len),
        (StartPosition::Index(start), EndPosition::LastByte) => (*start, len),
        (StartPosition::Index(start), EndPosition::Index(last)) if last < start => return None,
        (StartPosition::Index(start), EndPosition::Index(last)) => {
            (*start, last.saturating_add(1).min(len))
        }
    };
    if start >= len {
        return Some(Err(Unsatisfiable));
    }
    // both fit in usize: they are at most `len`
    Some(Ok(start as usize..end as usize))
}

/// A page that is never cached.
fn html(status: StatusCode, body: Bytes) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn text(status: StatusCode, body: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => text(StatusCode::BAD_REQUEST, "bad request: not a path\n"),
    }
}

/// The site and the live-reload socket, for any method and path.
pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

/// Serves `router(shared)` on `listener` until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let listener = Accept {
        inner: listener,
        warned: None,
    };
    // axum::serve only returns when accepting fails, and `Accept` never
    // does
    let _ = axum::serve(listener, router(shared)).await;
}

/// Answers one request.
async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    if parts.method != Method::GET && parts.method != Method::HEAD {
        let mut response = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = match decode_path(parts.uri.path()) {
        Ok(path) => path,
        Err(why) => {
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("bad request: {why}\n"),
            )
                .into_response();
        }
    };
    if path == EVENTS {
        if !same_origin(&parts.headers) {
            return text(
                StatusCode::FORBIDDEN,
                "live reload is only for pages of this server\n",
            );
        }
        return match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
            Ok(upgrade) => {
                // subscribed before the handshake ends, so that no reload
                // sent after it is missed
                let news = shared.reload.subscribe();
                upgrade.on_upgrade(move |socket| live(socket, news))
            }
            Err(rejection) => rejection.into_response(),
        };
    }
    // axum drops the body of a HEAD response and keeps its Content-Length
    shared.respond(&path, &parts.headers)
}

/// Whether a websocket request comes from a page of this server, or from
/// no page at all. Browsers let any site open a websocket to any host, so
/// without this a page elsewhere could follow which partner pages change.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = origin.to_str().ok();
    let origin_host = origin.and_then(|o| o.strip_prefix("http://").or(o.strip_prefix("https://")));
    origin_host.is_some() && origin_host == host
}

/// Forwards reload messages to one open page until it goes away.
async fn live(mut socket: WebSocket, mut news: broadcast::Receiver<Utf8Bytes>) {
    loop {
        tokio::select! {
            message = news.recv() => {
                let message = match message {
                    Ok(message) => message,
                    // too far behind to say what changed
                    Err(broadcast::error::RecvError::Lagged(_)) => Utf8Bytes::from_static(ALL),
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if socket.send(Message::Text(message)).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                // the page sends nothing; axum answers pings itself
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    }
}

/// The listening socket. Accepting fails when the process is out of file
/// descriptors (`ulimit -n`); then it waits a little and tries again, so a
/// burst of connections slows `serve` down but never stops it.
struct Accept {
    inner: TcpListener,
    /// When the last warning was printed.
    warned: Option<Instant>,
}

impl axum::serve::Listener for Accept {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // small responses go out at once
                    let _ = stream.set_nodelay(true);
                    return (stream, addr);
                }
                // the client gave up before we took the connection
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionAborted
                            | std::io::ErrorKind::ConnectionReset
                            | std::io::ErrorKind::ConnectionRefused
                    ) => {}
                Err(e) => {
                    if self
                        .warned
                        .is_none_or(|at| at.elapsed() > Duration::from_secs(10))
                    {
                        term::status(&format!(
                            "warning: cannot take new connections for now ({e}); waiting for some to close\n  help: `ulimit -n` limits the open files and connections; raise it (say `ulimit -n 4096`) before `partnerbook serve`"
                        ));
                        self.warned = Some(Instant::now());
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// The path of a request URL, percent-decoded. Refuses what could name a
/// file outside the output if this server ever read files: `..` and `.`
/// segments, backslashes, NUL, and paths that are not UTF-8; and
/// malformed `%`-escapes, which the decoder would pass through.
pub(crate) fn decode_path(url: &str) -> Result<String, &'static str> {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    if !raw.starts_with('/') {
        return Err("the path must start with /");
    }
    let malformed = raw.split('%').skip(1).any(|after| {
        !after
            .as_bytes()
            .get(..2)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if malformed {
        return Err("a malformed %-escape");
    }
    let path = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "the path is not UTF-8")?;
    if path.contains('\\') || path.contains('\0') {
        return Err("backslashes and NUL are not allowed in paths");
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err("`.` and `..` are not allowed in paths");
    }
    Ok(path.into_owned())
}

/// The live-reload script every served page gets (never the built files).
/// It asks the server which pages changed over a websocket, which, unlike
/// an event stream, does not hold one of the six connections a browser
/// allows a host, so any number of tabs load. When the server goes away it
/// tries again, waiting longer each time, and reloads once it is back.
const LIVE_RELOAD: &str = concat!(
    "<script>/* partnerbook serve: live reload */(function(){",
    "if(!window.WebSocket)return;var wait=250,open=false;",
    "function connect(){",
    "var s=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'/__partnerbook/live');",
    "s.onopen=function(){if(open)location.reload();open=true;wait=250;};",
    "s.onmessage=function(e){var d=JSON.parse(e.data),p=decodeURIComponent(location.pathname);",
    "if(p.slice(-1)==='/')p+='index.html';if(d.all||d.paths.indexOf(p)>=0)location.reload();};",
    "s.onclose=function(){setTimeout(connect,wait);wait=Math.min(wait*2,5000);};}",
    "connect();})();</script>"
);

/// `page` with the live-reload script before its last `</body>`.
fn with_script(page: &[u8]) -> Vec<u8> {
    let at = rfind_ignore_case(page, b"</body").unwrap_or(page.len());
    [&page[..at], LIVE_RELOAD.as_bytes(), &page[at..]].concat()
}

/// `page` with `panel` just inside its `<body>`.
fn with_panel(page: &[u8], panel: &str) -> Vec<u8> {
    let at = find_ignore_case(page, b"<body")
        .and_then(|at| {
            page[at..]
                .iter()
                .position(|&b| b == b'>')
                .map(|end| at + end + 1)
        })
        .unwrap_or(0);
    [&page[..at], panel.as_bytes(), &page[at..]].concat()
}

/// What a failed build shows on every page.
#[derive(Debug)]
pub(crate) struct Report {
    /// The diagnostics as the terminal shows them.
    pub text: String,
    /// How many there are, as words: "7 errors, 0 warnings".
    pub summary: String,
    /// How many diagnostics `text` holds.
    pub count: usize,
}

/// Up to this many diagnostics, the panel starts open: they are read at
/// once. More are a list to work through, and start folded to one line,
/// so that the page stays readable.
const OPEN_UP_TO: usize = 3;

/// The diagnostics panel: plain HTML and inline styles, so it shows with
/// any theme and without JavaScript. Its one line says how many errors
/// there are and what the page under it is; the list folds under it
/// (`<details>`) and scrolls on its own, at most 40% of the window high.
fn panel(report: &Report, built: bool) -> String {
    let state = if built {
        "this page is from the last good build"
    } else {
        "the site has not been built yet"
    };
    // before the first good build there is no page to keep in view
    let open = if !built || report.count <= OPEN_UP_TO {
        " open"
    } else {
        ""
    };
    format!(
        concat!(
            r#"<div id="partnerbook-diagnostics" role="alert" style="position:sticky;top:0;z-index:2147483647;margin:0;background:#fff4f4;color:#5c0000;border-bottom:3px solid #b00020;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left">"#,
            r#"<details{open} style="margin:0">"#,
            r#"<summary style="cursor:pointer;padding:.5rem 1rem;font-weight:bold">partnerbook: {summary}; {state}</summary>"#,
            r#"<pre tabindex="0" style="white-space:pre-wrap;margin:0;padding:0 1rem 1rem;max-height:40vh;overflow:auto;font:inherit;color:inherit;background:none">{text}</pre>"#,
            r#"</details></div>"#
        ),
        open = open,
        summary = escape(&report.summary),
        state = state,
        text = escape(report.text.trim_end())
    )
}

/// The page every URL shows before the first good build, under the
/// diagnostics, whose line already says that the site is not built: this
/// page says what to do.
const NOT_BUILT: &str = concat!(
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    "<title>partnerbook: not built yet</title></head>",
    "<body style=\"font:16px/1.5 system-ui,sans-serif;margin:0\">",
    "<main style=\"max-width:40rem;padding:1rem\"><h1>Fix the errors to see the site</h1>",
    "<p>Fix the errors listed above in your editor and save. This page then shows the site: ",
    "it reloads by itself, or reload it yourself.</p>",
    "<p>In a terminal, <code>partnerbook check</code> lists the same errors.</p>",
    "</main></body></html>"
);

fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_output_are_refused() {
        assert_eq!(decode_path("/a/b.html?x=1").unwrap(), "/a/b.html");
        assert_eq!(decode_path("/caf%C3%A9/").unwrap(), "/café/");
        assert_eq!(decode_path("/a%20b/").unwrap(), "/a b/");
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a/%2E%2E/b",
            "/a%2f..%2fb",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a/%00",
            "/%ff",
            "/%zz",
            "/%4",
            "/a%",
            "relative",
            "/./a",
        ] {
            assert!(decode_path(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        let ok = |v: &str, len| byte_range(v, len).map(|r| r.unwrap());
        assert_eq!(ok("bytes=0-9", 100), Some(0..10));
        assert_eq!(ok("bytes=90-", 100), Some(90..100));
        assert_eq!(ok("bytes=90-1000", 100), Some(90..100));
        assert_eq!(ok("bytes=-10", 100), Some(90..100));
        // a suffix longer than the file is the whole file
        assert_eq!(ok("bytes=-1000", 100), Some(0..100));
        assert_eq!(ok("bytes=99-99", 100), Some(99..100));
        for unsatisfiable in ["bytes=100-", "bytes=100-200", "bytes=-0"] {
            assert_eq!(
                byte_range(unsatisfiable, 100),
                Some(Err(Unsatisfiable)),
                "{unsatisfiable}"
            );
        }
        assert_eq!(byte_range("bytes=0-", 0), Some(Err(Unsatisfiable)));
        assert_eq!(byte_range("bytes=-5", 0), Some(Err(Unsatisfiable)));
        // ignored: the whole file is sent
        for whole in [
            "bytes=9-0",
            "bytes=0-1,5-6",
            "items=0-9",
            "bytes=x-y",
            "bytes= 0-9",
            "",
        ] {
            assert_eq!(byte_range(whole, 100), None, "{whole}");
        }
    }

    #[test]
    fn if_none_match_compares_weakly() {
        assert!(etag_matches("\"a\"", "\"a\""));
        assert!(etag_matches("\"x\", W/\"a\"", "\"a\""));
        assert!(etag_matches("*", "\"a\""));
        assert!(!etag_matches("\"b\"", "\"a\""));
        assert!(!etag_matches("a", "\"a\""));
    }

    #[test]
    fn content_types_come_from_the_extension() {
        for (path, kind) in [
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("search.js", "text/javascript; charset=utf-8"),
            ("partners.json", "application/json"),
            ("logo.svg", "image/svg+xml"),
            ("talk.mp4", "video/mp4"),
            ("fonts/a.woff2", "font/woff2"),
            ("CNAME", "application/octet-stream"),
        ] {
            assert_eq!(File::new(path, Vec::new()).kind, kind, "{path}");
        }
    }

    /// A report of `count` diagnostics, each `text`.
    fn report(text: &str, count: usize) -> Report {
        Report {
            text: format!("{text}\n\n").repeat(count),
            summary: format!("{count} errors, 0 warnings"),
            count,
        }
    }

    #[test]
    fn injection_keeps_the_page_and_adds_the_panel_and_script() {
        let page = b"<!DOCTYPE html><html><body class=\"x\"><p>hi</p></body></html>";
        let plain = String::from_utf8(with_script(page)).unwrap();
        assert!(plain.contains("<p>hi</p><script>"));
        assert!(plain.ends_with("</script></body></html>"));
        let failed = String::from_utf8(with_panel(
            plain.as_bytes(),
            &panel(&report("error: <bad>", 1), true),
        ))
        .unwrap();
        let at = failed.find("partnerbook-diagnostics").unwrap();
        assert!(failed.find("<body class=\"x\">").unwrap() < at);
        assert!(at < failed.find("<p>hi</p>").unwrap());
        assert!(failed.contains("error: &lt;bad&gt;"));
        assert!(failed.contains("this page is from the last good build"));
        // a page without <body> still gets both
        let bare = with_panel(&with_script(b"<p>x</p>"), "PANEL");
        assert!(bare.starts_with(b"PANEL<p>x</p><script>"));
    }

    #[test]
    fn the_panel_shows_diagnostics_as_text() {
        let errors = "error: `</pre><script>alert(1)</script>` \" onmouseover=\"x' &amp; <!--";
        let page = with_panel(
            &with_script(b"<html><body></body></html>"),
            &panel(&report(errors, 1), false),
        );
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.contains(concat!(
                "error: `&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;` ",
                "&quot; onmouseover=&quot;x&#39; &amp;amp; &lt;!--</pre>"
            )),
            "{page}"
        );
        assert!(page.contains("the site has not been built yet"), "{page}");
        assert!(!page.contains("last good build"), "{page}");
        // the live-reload script is the page's only script
        assert_eq!(page.matches("<script").count(), 1, "{page}");
    }

    #[test]
    fn the_panel_folds_many_errors_to_one_line_and_shows_a_few() {
        let is_open = |count, built| {
            let panel = panel(&report("error: x", count), built);
            assert_eq!(panel.matches("<summary").count(), 1, "{panel}");
            assert!(panel.contains("max-height:40vh;overflow:auto"), "{panel}");
            panel.contains("<details open")
        };
        assert!(is_open(1, true));
        assert!(is_open(OPEN_UP_TO, true));
        assert!(!is_open(OPEN_UP_TO + 1, true));
        assert!(!is_open(7, true));
        // before the first good build the errors are all there is to see
        assert!(is_open(7, false));
    }

    #[test]
    fn pages_published_by_a_build_that_then_failed_are_not_a_good_build() {
        let shared = Shared::default();
        shared.set_mount("/".to_string());
        let page = |path: &str| OutputFile {
            path: path.to_string(),
            bytes: b"<html><body><p>page</p></body></html>".to_vec(),
        };
        // the first phase is published, the next one fails
        shared.publish(vec![page("index.html")], &[]);
        shared.fail(&report("error: x", 1));
        assert!(!shared.has_good_build());
        let response = shared.respond("/", &HeaderMap::new());
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        // once a whole build is in place, it is the last good build
        shared.publish(vec![page("index.html")], &[]);
        shared.recover();
        shared.fail(&report("error: x", 1));
        assert!(shared.has_good_build());
        let response = shared.respond("/", &HeaderMap::new());
        assert_eq!(response.status(), StatusCode::OK);
        let panel = &shared.read().errors.as_ref().unwrap().panel.clone();
        assert!(
            panel.contains("this page is from the last good build"),
            "{panel}"
        );
    }
}
