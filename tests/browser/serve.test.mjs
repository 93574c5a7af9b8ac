// `partnerbook serve` in a real browser: twenty tabs of the example site
// load at once (a browser allows six connections a host, and an open
// page's live reload must not hold one), and saving a partner record
// reloads exactly the tabs whose page changed.
//
//     cargo build --release && (cd tests/browser && npm ci && npm test)

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const BIN = process.env.PARTNERBOOK_BIN || path.join(REPO, "target", "release", "partnerbook");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TODAY = "1795305600"; // 2026-11-22, as in suite.test.mjs
const TABS = 20;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerbook-serve-"));
const root = path.join(tmp, "site");
let server;
let site; // http://127.0.0.1:PORT/partners/
let browser;
const stderr = []; // serve's lines so far
let stderrChanged = () => {};

/** Starts `partnerbook serve -p port` on the copy; returns its URL. */
async function startServe(port) {
  server = spawn(BIN, ["serve", "-p", port, "--root", root], {
    env: { ...process.env, SOURCE_DATE_EPOCH: TODAY, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  readline.createInterface({ input: server.stderr }).on("line", (line) => {
    process.stderr.write(`serve: ${line}\n`);
    stderr.push(line);
    stderrChanged();
  });
  const first = await new Promise((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const match = first.match(/^serving (\S+)/);
  if (!match) throw new Error(`no \`serving URL\` line: ${first}`);
  return match[1];
}

before(async () => {
  for (const [file, install] of [
    [BIN, "run `cargo build --release` first"],
    [CHROMIUM, "install Debian's chromium (`apt-get install chromium`)"],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${install}`);
  }
  fs.cpSync(path.join(REPO, "content"), path.join(root, "content"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "partnerbook.yaml"), path.join(root, "partnerbook.yaml"));
  site = await startServe("0");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** `count` pages of the site, the portfolio first, following links. */
async function pagesOf(start, count) {
  const urls = [`${start}index.html`];
  for (let i = 0; i < urls.length && urls.length < count; i++) {
    const html = await (await fetch(urls[i])).text();
    for (const [, href] of html.matchAll(/href="([^"#?]+\.html)"/g)) {
      const url = new URL(href, urls[i]).href;
      if (url.startsWith(start) && !urls.includes(url)) urls.push(url);
    }
  }
  assert.ok(urls.length >= count, `the site links to ${urls.length} pages, not ${count}`);
  return urls.slice(0, count);
}

/** Waits until serve prints a line that `done` accepts. */
function stderrLine(done, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print ${what} within 10 s`)), 10_000);
    stderrChanged = () => {
      const line = stderr.find(done);
      if (line !== undefined) {
        clearTimeout(timer);
        stderrChanged = () => {};
        resolve(line);
      }
    };
    stderrChanged();
  });
}

/** Marks when a page's live-reload socket is open. */
function watchSocket() {
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener("open", () => (window.partnerbookLive = true));
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
}

describe("serve", () => {
  test(`${TABS} tabs load at once, and a save reloads exactly the tabs whose page changed`, async () => {
    const context = await browser.newContext();
    await context.addInitScript(watchSocket);
    const problems = [];
    const origin = new URL(site).origin;
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (!url.startsWith(origin)) {
        problems.push(`asked for ${url}, outside the server`);
        return route.abort();
      }
      return route.continue();
    });
    const urls = await pagesOf(site, TABS);
    // a partner whose page is among the tabs
    const partnerUrl = urls.find((u) => /^partners\/[^/]+\/index\.html$/.test(u.slice(site.length)));
    assert.ok(partnerUrl, "a partner page among the tabs");
    const slug = partnerUrl.split("/").at(-2);
    const record = fs
      .readdirSync(path.join(root, "content", "partners"), { recursive: true })
      .map((f) => path.join(root, "content", "partners", f))
      .find((f) => path.basename(f) === `${slug}.yaml`);
    assert.ok(record, `the record of ${slug}`);

    // every tab opens and stays open; with an event stream per tab, the
    // seventh would wait for a free connection and never load
    const tabs = [];
    for (const url of urls) {
      const page = await context.newPage();
      page.on("pageerror", (e) => problems.push(`${url}: script error: ${e.message}`));
      const response = await page.goto(url, { waitUntil: "load", timeout: 10_000 });
      assert.equal(response.status(), 200, url);
      assert.ok((await page.locator("h1").count()) > 0, `${url} has no <h1>`);
      await page.waitForFunction(() => window.partnerbookLive === true, null, { timeout: 10_000 });
      await page.evaluate(() => (window.partnerbookTab = "not reloaded"));
      tabs.push({ url, page, before: await (await fetch(url)).text() });
    }
    assert.equal(tabs.length, TABS);

    const text = fs.readFileSync(record, "utf8");
    assert.match(text, /\nowner: /, "the record names an owner");
    const owner = "Twenty Tabs Owner";
    stderr.length = 0;
    // saved as editors do: a temporary file renamed over the record
    const temporary = path.join(path.dirname(record), `.${path.basename(record)}.tmp`);
    fs.writeFileSync(temporary, text.replace(/\nowner: [^\n]*/, `\nowner: ${owner}`));
    fs.renameSync(temporary, record);
    // the rebuild's last line: every page is in place, every message sent
    await stderrLine((l) => l.includes(": rendered "), "the rebuild's `rendered` line");

    // the pages that changed, from the server's point of view
    const changed = [];
    for (const tab of tabs) {
      tab.changed = (await (await fetch(tab.url)).text()) !== tab.before;
      if (tab.changed) changed.push(tab);
    }
    assert.ok(changed.some((t) => t.url === partnerUrl), "the partner's own page changed");
    assert.ok(changed.length < tabs.length, "some tabs show pages the edit did not change");
    // each changed tab reloads and shows the new page
    for (const { url, page } of changed) {
      await page.waitForFunction(() => window.partnerbookTab === undefined, null, { timeout: 10_000 }).catch(() => {
        throw new Error(`${url} changed but did not reload`);
      });
    }
    const ownPage = changed.find((t) => t.url === partnerUrl).page;
    assert.ok((await ownPage.locator("body").innerText()).includes(owner));
    for (const { url, page, changed: did } of tabs) {
      if (!did) assert.equal(await page.evaluate(() => window.partnerbookTab), "not reloaded", `${url} reloaded though it did not change`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("an open tab reconnects when serve restarts, and reloads", async () => {
    const context = await browser.newContext();
    await context.addInitScript(watchSocket);
    const page = await context.newPage();
    await page.goto(site, { waitUntil: "load" });
    await page.waitForFunction(() => window.partnerbookLive === true, null, { timeout: 10_000 });
    await page.evaluate(() => (window.partnerbookTab = "not reloaded"));
    const stopped = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGINT");
    await stopped;
    site = await startServe(new URL(site).port);
    // the tab tries again, waiting longer each time, up to 5 s
    await page.waitForFunction(() => window.partnerbookTab === undefined, null, { timeout: 15_000 });
    assert.match(await page.locator("h1").first().innerText(), /\S/);
    await context.close();
  });
});
