// What the browser tests share: the crawler that opens every page of a
// site in headless Chromium (with axe-core, and every request to another
// host refused), nginx serving built sites under sub-paths, Debian's
// Chromium and the W3C Nu HTML checker.

import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const VNU = require.resolve("vnu-jar/build/dist/vnu.jar");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export function htmlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return htmlFiles(p);
    return e.name.endsWith(".html") ? [p] : [];
  });
}

/**
 * Starts nginx on `port`, serving `www` with each of `mounts` (sub-paths
 * such as `/intranet/partners/`) answering a missing page with its own
 * `404.html`; resolves once it answers. Temporary files go to `tmp`.
 */
export async function startNginx({ tmp, www, port, mounts }) {
  const origin = `http://127.0.0.1:${port}`;
  const conf = path.join(tmp, "nginx.conf");
  const locations = mounts
    .map((mount) => `    location ${mount} { error_page 404 ${mount}404.html; }`)
    .join("\n");
  fs.writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? "user root;" : ""}
worker_processes 1;
daemon off;
pid ${tmp}/nginx.pid;
error_log ${tmp}/nginx-error.log;
events { worker_connections 128; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${www};
${locations}
  }
}
`,
  );
  const nginx = spawn("nginx", ["-c", conf, "-p", tmp, "-e", `${tmp}/nginx-error.log`], { stdio: "inherit" });
  for (let i = 0; ; i++) {
    try {
      await fetch(`${origin}/`);
      break;
    } catch (e) {
      if (i > 100) throw new Error(`nginx did not start: ${e}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return nginx;
}

/**
 * Opens every page reachable from `start` and returns what went wrong.
 * `sameSite(url)` says which links are followed; any request anywhere
 * else is a problem (and is never made).
 */
export async function crawl(browser, start, { width = 1280, javaScript = true, axe = () => true, allowed, sameSite, workers = 2 }) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: javaScript });
  if (javaScript) await context.addInitScript({ content: AXE });
  const problems = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (!allowed(url)) {
      problems.push(`${route.request().frame()?.url() ?? "?"}: asked for ${url}, outside the site`);
      return route.abort();
    }
    return route.continue();
  });
  // `dir/` and `dir/index.html` are one page
  const canonical = (u) => (u.endsWith("/") ? `${u}index.html` : u);
  const queue = [canonical(start)];
  const seen = new Set(queue);
  const ids = new Map(); // page -> ids on it
  const fragments = []; // [from, page, id]
  const pages = [];
  let checked = 0; // pages axe ran on

  async function visit(page, url) {
    const response = await page.goto(url, { waitUntil: "load" });
    if (response && response.status() !== 200) return; // reported by the listener
    const type = response ? response.headers()["content-type"] || "" : "text/html";
    if (!type.includes("text/html") && !url.endsWith(".html")) return; // partners.json
    pages.push(url);
    const info = await page.evaluate(() => ({
      links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
      ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      h1: (document.querySelector("main h1")?.textContent || "").trim(),
    }));
    ids.set(url, new Set(info.ids));
    if (info.overflow > 0) problems.push(`${url}: scrolls sideways by ${info.overflow}px at ${width}px`);
    if (!info.h1) problems.push(`${url}: no <h1> in <main>`);
    for (const href of info.links) {
      const link = new URL(href);
      if (!sameSite(link.href)) {
        problems.push(`${url}: links outside the site: ${href}`);
        continue;
      }
      const hash = link.hash;
      link.hash = "";
      const target = canonical(link.href);
      if (hash.length > 1) fragments.push([url, target, decodeURIComponent(hash.slice(1))]);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
    if (javaScript && axe(url)) {
      checked++;
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
        WCAG,
      );
      for (const v of result.violations) {
        problems.push(`${url} at ${width}px: axe ${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      }
    }
  }

  let busy = 0;
  async function worker() {
    const page = await context.newPage();
    let current = start;
    page.on("console", (m) => m.type() === "error" && problems.push(`${current}: console error: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`${current}: script error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`${current}: ${r.url()} did not load: ${r.failure()?.errorText}`));
    page.on("response", (r) => r.status() >= 400 && problems.push(`${current}: ${r.url()} answered ${r.status()}`));
    for (;;) {
      const url = queue.shift();
      if (url === undefined) {
        if (busy === 0) break;
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      busy++;
      current = url;
      try {
        await visit(page, url);
      } finally {
        busy--;
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, worker));
  for (const [from, target, id] of fragments) {
    if (ids.has(target) && !ids.get(target).has(id)) problems.push(`${from}: links to #${id}, which ${target} does not have`);
  }
  await context.close();
  return { pages, problems, checked };
}


/** Fails with how to install `file` when it is missing. */
export function need(file, install) {
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: ${install}`);
  }
}

/** The path of `program`, or a failure saying how to install it. */
export function which(program, install) {
  try {
    return execFileSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`\`${program}\` is not installed: ${install}`);
  }
}

/** Fails unless nginx, Java (for vnu) and poppler-utils are installed. */
export function needServers() {
  which("nginx", "install nginx (`apt-get install nginx`)");
  which("java", "install a Java runtime (`apt-get install default-jre-headless`)");
  which("pdftotext", "install poppler-utils (`apt-get install poppler-utils`)");
}

/** The crawl's options for a site opened from disk in `dir`: nothing
 * outside it is loaded, and a link must name an existing file (a folder
 * shows a listing, not its index.html, from disk). */
export function onDisk(dir) {
  const prefix = pathToFileURL(path.resolve(dir)).href + "/";
  return {
    allowed: (u) => u.startsWith(prefix),
    sameSite: (u) => {
      if (!u.startsWith(prefix)) return false;
      const file = fileURLToPath(u.split("#")[0]);
      return fs.existsSync(file) && fs.statSync(file).isFile();
    },
  };
}

/** Whether the page open in `page` has its stylesheet applied. */
export function styled(page) {
  return page.evaluate(() => {
    const link = document.querySelector('link[rel="stylesheet"]');
    return Boolean(link && link.sheet) && getComputedStyle(document.body).fontFamily !== "Times New Roman";
  });
}

/** The W3C Nu HTML checker's errors in the HTML files under `dirs`, each
 * as `file:line: message` with `root` cut from the file's path. */
export function vnuErrors(dirs, root) {
  try {
    execFileSync("java", ["-jar", VNU, "--errors-only", "--skip-non-html", "--format", "json", ...dirs], { stdio: "pipe" });
    return [];
  } catch (e) {
    const report = JSON.parse(e.stderr.toString() || '{"messages":[]}');
    return report.messages.map((m) => `${m.url?.replace(`file:${root}`, "")}:${m.lastLine}: ${m.message}`);
  }
}

/** Debian's Chromium (or the one named by CHROMIUM), headless. */
export function launch(chromium) {
  need(CHROMIUM, "install Debian's chromium (`apt-get install chromium`)");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}
