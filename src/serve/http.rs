//! The HTTP side of `serve`: the built files, from memory, and a stream of
//! reload events. Nothing here reads the disk, so no URL can reach a file
//! the build did not produce.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::markdown::escape;

/// Where the live-reload event stream is, on every server.
pub const EVENTS: &str = "/__partnerbook/live";

/// What the server serves now.
#[derive(Debug, Default)]
pub struct Served {
    /// The output of the last good build, by path below the mount point.
    pub files: HashMap<String, Arc<Vec<u8>>>,
    /// The diagnostics to show on every page, as the terminal shows them,
    /// when the site has errors.
    pub errors: Option<String>,
    /// Where the site is mounted: `/`, or base_url's path (`/partners/`).
    pub mount: String,
}

/// The state shared between the rebuild loop and the request threads.
#[derive(Debug, Default)]
pub struct Shared {
    /// What is served.
    pub served: RwLock<Served>,
    clients: Mutex<Vec<SyncSender<String>>>,
}

impl Shared {
    /// Tells every open page which pages changed (output paths below the
    /// mount point); `all` reloads every page.
    pub fn reload(&self, paths: &[String], all: bool) {
        let mount = self.mount();
        let urls: Vec<String> = paths.iter().map(|p| format!("{mount}{p}")).collect();
        let data = serde_json::json!({ "all": all, "paths": urls }).to_string();
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        // a client that went away (or is hopelessly behind) is dropped
        clients.retain(|c| c.try_send(data.clone()).is_ok());
    }

    fn mount(&self) -> String {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .mount
            .clone()
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::sync_channel(64);
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        rx
    }
}

/// Answers one request.
pub fn handle(shared: &Shared, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response =
            text(405, "only GET and HEAD are served\n").with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let path = match decode_path(request.url()) {
        Ok(path) => path,
        Err(why) => {
            let _ = request.respond(text(400, &format!("bad request: {why}\n")));
            return;
        }
    };
    if path == EVENTS {
        events(shared, request);
        return;
    }
    let head = *request.method() == Method::Head;
    let response = respond(shared, &path);
    let _ = if head {
        let (status, headers, _) = response;
        let mut r = Response::empty(status);
        for h in headers {
            r.add_header(h);
        }
        request.respond(r)
    } else {
        let (status, headers, body) = response;
        let mut r = Response::from_data(body).with_status_code(status);
        for h in headers {
            r.add_header(h);
        }
        request.respond(r)
    };
}

/// The status, headers and body for `path` (decoded, absolute).
fn respond(shared: &Shared, path: &str) -> (StatusCode, Vec<Header>, Vec<u8>) {
    let served = shared.served.read().unwrap_or_else(|e| e.into_inner());
    let mount = served.mount.as_str();
    let no_store = header("Cache-Control", "no-store");
    if served.files.is_empty() {
        // no good build yet: every page is the diagnostics
        return (
            StatusCode(500),
            vec![html_type(), no_store],
            inject(NOT_BUILT.as_bytes(), served.errors.as_deref()),
        );
    }
    // `/` and `/partners` for a site mounted at `/partners/`
    if path == "/" && mount != "/" || format!("{path}/") == mount {
        return redirect(mount);
    }
    let Some(rel) = path.strip_prefix(mount) else {
        return not_found(&served);
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    match served.files.get(&key) {
        Some(bytes) => {
            let kind = content_type(&key);
            let body = if kind.starts_with("text/html") {
                inject(bytes, served.errors.as_deref())
            } else {
                bytes.to_vec()
            };
            (
                StatusCode(200),
                vec![header("Content-Type", kind), no_store],
                body,
            )
        }
        None if served.files.contains_key(&format!("{key}/index.html")) => {
            redirect(&format!("{mount}{rel}/"))
        }
        None => not_found(&served),
    }
}

fn not_found(served: &Served) -> (StatusCode, Vec<Header>, Vec<u8>) {
    let body = match served.files.get("404.html") {
        Some(page) => inject(page, served.errors.as_deref()),
        None => b"404 page not found\n".to_vec(),
    };
    (
        StatusCode(404),
        vec![html_type(), header("Cache-Control", "no-store")],
        body,
    )
}

fn redirect(to: &str) -> (StatusCode, Vec<Header>, Vec<u8>) {
    (
        StatusCode(302),
        vec![header("Location", to), header("Cache-Control", "no-store")],
        Vec::new(),
    )
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn html_type() -> Header {
    header("Content-Type", "text/html; charset=utf-8")
}

/// The path of a request URL, percent-decoded. Refuses what could name a
/// file outside the output if this server ever read files: `..` and `.`
/// segments, backslashes, NUL, and paths that are not UTF-8.
pub fn decode_path(url: &str) -> Result<String, &'static str> {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    if !raw.starts_with('/') {
        return Err("the path must start with /");
    }
    let mut bytes = Vec::with_capacity(raw.len());
    let mut it = raw.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next(), it.next()];
            let value = match hex {
                [Some(h), Some(l)] => std::str::from_utf8(&[h, l])
                    .ok()
                    .and_then(|s| u8::from_str_radix(s, 16).ok()),
                _ => None,
            };
            bytes.push(value.ok_or("a malformed %-escape")?);
        } else {
            bytes.push(b);
        }
    }
    let path = String::from_utf8(bytes).map_err(|_| "the path is not UTF-8")?;
    if path.contains('\\') || path.contains('\0') {
        return Err("backslashes and NUL are not allowed in paths");
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err("`.` and `..` are not allowed in paths");
    }
    Ok(path)
}

/// The content type for a file name.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "yaml" | "yml" => "application/yaml",
        _ => "application/octet-stream",
    }
}

/// The live-reload script every served page gets (never the built files).
const LIVE_RELOAD: &str = r#"<script>/* partnerbook serve: live reload */(function(){if(!window.EventSource)return;var s=new EventSource("/__partnerbook/live");s.addEventListener("reload",function(e){var d=JSON.parse(e.data),p=decodeURIComponent(location.pathname);if(p.slice(-1)==="/")p+="index.html";if(d.all||d.paths.indexOf(p)>=0)location.reload();});})();</script>"#;

/// A served HTML page: the built page, with the diagnostics at the top
/// when the site has errors, and the live-reload script at the end.
pub fn inject(page: &[u8], errors: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(page);
    let mut out = String::with_capacity(html.len() + 1024);
    let body_open = find_ignore_case(&html, "<body")
        .and_then(|at| html[at..].find('>').map(|end| at + end + 1));
    match (errors, body_open) {
        (Some(errors), Some(at)) => {
            out.push_str(&html[..at]);
            out.push_str(&overlay(errors));
            out.push_str(&html[at..]);
        }
        (Some(errors), None) => {
            out.push_str(&overlay(errors));
            out.push_str(&html);
        }
        (None, _) => out.push_str(&html),
    }
    match rfind_ignore_case(&out, "</body") {
        Some(at) => out.insert_str(at, LIVE_RELOAD),
        None => out.push_str(LIVE_RELOAD),
    }
    out.into_bytes()
}

/// The diagnostics panel: plain HTML and inline styles, so it shows with
/// any theme and without JavaScript.
fn overlay(errors: &str) -> String {
    format!(
        concat!(
            r#"<div id="partnerbook-diagnostics" role="alert" style="position:sticky;top:0;z-index:2147483647;margin:0;padding:1rem;background:#fff4f4;color:#5c0000;border-bottom:3px solid #b00020;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;max-height:70vh;overflow:auto;text-align:left">"#,
            r#"<p style="margin:0;font-weight:bold">partnerbook: the site has errors; this is the last good build.</p>"#,
            r#"<pre style="white-space:pre-wrap;margin:.75rem 0 0;font:inherit;color:inherit;background:none">{}</pre></div>"#
        ),
        escape(errors)
    )
}

/// The page every URL shows before the first good build, under the
/// diagnostics `inject` puts on top.
const NOT_BUILT: &str = concat!(
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    "<title>partnerbook: the site has errors</title></head><body>",
    "<p>The site has not built yet: fix the errors above and it appears here.</p>",
    "</body></html>"
);

fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn rfind_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Holds the request open as a stream of server-sent events until the
/// client goes away.
fn events(shared: &Shared, request: Request) {
    let rx = shared.subscribe();
    let mut out = request.into_writer();
    let head = concat!(
        "HTTP/1.1 200 OK\r\n",
        "Content-Type: text/event-stream\r\n",
        "Cache-Control: no-store\r\n",
        "Connection: close\r\n",
        "\r\n",
        "retry: 500\n\n"
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(data) => format!("event: reload\ndata: {data}\n\n"),
            // a comment now and then finds clients that went away
            Err(RecvTimeoutError::Timeout) => ": still here\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(chunk.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_output_are_refused() {
        assert_eq!(decode_path("/a/b.html?x=1").unwrap(), "/a/b.html");
        assert_eq!(decode_path("/caf%C3%A9/").unwrap(), "/café/");
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
            "relative",
            "/./a",
        ] {
            assert!(decode_path(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn injection_keeps_the_page_and_adds_the_panel_and_script() {
        let page = b"<!DOCTYPE html><html><body class=\"x\"><p>hi</p></body></html>";
        let plain = String::from_utf8(inject(page, None)).unwrap();
        assert!(plain.contains("<p>hi</p><script>"));
        assert!(!plain.contains("partnerbook-diagnostics"));
        let failed = String::from_utf8(inject(page, Some("error: <bad>"))).unwrap();
        let panel = failed.find("partnerbook-diagnostics").unwrap();
        assert!(failed.find("<body class=\"x\">").unwrap() < panel);
        assert!(panel < failed.find("<p>hi</p>").unwrap());
        assert!(failed.contains("error: &lt;bad&gt;"));
    }

    #[test]
    fn the_panel_shows_diagnostics_as_text() {
        let errors = "error: `</pre><script>alert(1)</script>` \" onmouseover=\"x' &amp; <!--";
        let page = String::from_utf8(inject(b"<html><body></body></html>", Some(errors))).unwrap();
        assert!(
            page.contains(concat!(
                "error: `&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;` ",
                "&quot; onmouseover=&quot;x&#39; &amp;amp; &lt;!--</pre>"
            )),
            "{page}"
        );
        // the live-reload script is the page's only script
        assert_eq!(page.matches("<script").count(), 1, "{page}");
    }
}
