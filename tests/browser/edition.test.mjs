// A partner's edition (`build --partner SLUG`, issue 22) as the partner
// gets it: served by nginx under sub-paths it was not built for, opened
// from disk, without JavaScript, at 1280 and 360 px, checked by axe and
// the W3C Nu HTML checker, and printed to PDF on A4 and Letter.
//
// .ci/run installs what this needs (chromium, nginx, poppler-utils, Java);
// see README.md here. Screenshots and PDFs go to target/browser/.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";
import { crawl, freePort, htmlFiles, launch, need, needServers, onDisk, startNginx, styled, vnuErrors } from "./crawl.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const BIN = process.env.PARTNERBOOK_BIN || path.join(REPO, "target", "release", "partnerbook");
const ARTIFACTS = path.join(REPO, "target", "browser");
const TODAY = "1795305600"; // 2026-11-22, so plan marks do not age
const OURS = "Tallyward"; // the example's our_name

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerbook-edition-"));
const www = path.join(tmp, "www");
let origin;
let nginx;
let browser;

/** The editions crawled and printed: a strategic partner with a joint
 * plan (whose record lives in a region folder) and a tactical one. Each is
 * served under a sub-path it knows nothing of; kestrel is built with a
 * `--base-url` elsewhere, which the edition must not use (its links are
 * relative, so it works wherever it is put). */
const editions = {
  "kestrel-systems": { name: "Kestrel Systems Integration", mount: "/shared/kestrel/", baseUrl: "https://partners.example.invalid/somewhere/" },
  "fathom-security": { name: "Fathom Security Services", mount: "/a/b/c/fathom-brief/" },
};

function buildEdition(slug, out, baseUrl) {
  const args = ["build", "--root", REPO, "--partner", slug, "--output-dir", out];
  if (baseUrl) args.push("--base-url", baseUrl);
  execFileSync(BIN, args, { env: { ...process.env, SOURCE_DATE_EPOCH: TODAY, NO_COLOR: "1" }, stdio: "pipe" });
}

/** Every published partner of the example (records may sit in region
 * folders). */
function exampleSlugs(dir = path.join(REPO, "content", "partners")) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return exampleSlugs(path.join(dir, e.name));
    // a draft has no edition without --drafts
    if (!e.name.endsWith(".yaml") || /^draft: true$/m.test(fs.readFileSync(path.join(dir, e.name), "utf8"))) return [];
    return [e.name.replace(/\.yaml$/, "")];
  });
}

before(async () => {
  need(BIN, "run `cargo build --release` first, or name a binary in PARTNERBOOK_BIN");
  needServers();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  for (const [slug, e] of Object.entries(editions)) {
    e.out = path.join(www, e.mount);
    e.base = `${origin}${e.mount}`;
    buildEdition(slug, e.out, e.baseUrl);
  }
  nginx = await startNginx({ tmp, www, port, mounts: Object.values(editions).map((e) => e.mount) });
  browser = await launch(chromium);
});

after(async () => {
  await browser?.close();
  nginx?.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Only the local server is asked for anything; links stay in the edition. */
function served(e) {
  return { allowed: (u) => u.startsWith(`${origin}/`), sameSite: (u) => u.startsWith(e.base) };
}

describe("a partner's edition in the browser", () => {
  for (const width of [1280, 360]) {
    test(`served under a sub-path at ${width}px: every page loads, nothing from other hosts, no sideways scroll, no axe violation`, async () => {
      for (const e of Object.values(editions)) {
        const { pages, problems, checked } = await crawl(browser, e.base, { width, ...served(e) });
        assert.deepEqual(problems, []);
        assert.equal(pages.length, htmlFiles(e.out).length, `${e.mount}: every page is reachable from the brief`);
        assert.equal(checked, pages.length, "axe ran on every page");
      }
    });
  }

  test("without JavaScript every page has its heading and every link works", async () => {
    for (const e of Object.values(editions)) {
      const { pages, problems } = await crawl(browser, e.base, { javaScript: false, ...served(e) });
      assert.deepEqual(problems, []);
      assert.equal(pages.length, htmlFiles(e.out).length);
    }
  });

  test("opened from disk: the stylesheet applies and every link names an existing file", async () => {
    for (const e of Object.values(editions)) {
      const start = pathToFileURL(path.join(e.out, "index.html")).href;
      const { pages, problems } = await crawl(browser, start, { axe: () => false, ...onDisk(e.out) });
      assert.deepEqual(problems, []);
      assert.equal(pages.length, htmlFiles(e.out).length);
      const page = await browser.newPage();
      for (const file of htmlFiles(e.out)) {
        await page.goto(pathToFileURL(file).href);
        assert.ok(await styled(page), `${file}: style.css is not applied from disk`);
      }
      await page.close();
    }
  });

  test("the brief opens with its title, the sections in the order a partner reads them, and no site navigation", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const [slug, e] of Object.entries(editions)) {
      await page.goto(e.base);
      const shown = await page.evaluate(() => ({
        first: document.querySelector("main h1, main h2") === document.querySelector("main h1"),
        h1: document.querySelector("main h1").textContent.replace(/\s+/g, " ").trim(),
        title: document.title,
        sections: [...document.querySelectorAll("main h2")].map((h) => h.textContent.trim()),
        nav: document.querySelectorAll(".site-nav, .skip-link, .site-header").length,
      }));
      assert.ok(shown.first, `${slug}: the title is not the first heading`);
      assert.equal(shown.h1, `${OURS} and ${e.name}`);
      assert.ok(!shown.title.includes(`${e.name} · ${OURS}`), `${slug}: the window title repeats itself: ${shown.title}`);
      assert.deepEqual(shown.sections, ["What we do together", "Give and get", "Market and scenario", "Joint plan", "Rules of engagement", "Playbooks"]);
      assert.equal(shown.nav, 0, `${slug}: the edition has the internal site's header or navigation`);
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: path.join(ARTIFACTS, `edition-${slug}-${width}.png`) });
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await page.close();
  });

  test("the W3C Nu HTML checker finds no error in the edition of any partner of the example", () => {
    const dirs = exampleSlugs().map((slug) => {
      const out = path.join(tmp, "every", slug);
      buildEdition(slug, out);
      return out;
    });
    assert.ok(dirs.length >= 9, `the example has ${dirs.length} partners`);
    assert.deepEqual(vnuErrors(dirs, tmp), []);
  });
});

// ---------------------------------------------------------------------------

/** The text of each page of a PDF: as laid out (lines kept), or with
 * `-raw` in the order it was drawn, which keeps a table cell's lines
 * together. */
function pdfPages(pdf, mode = "-layout") {
  const n = Number(execFileSync("pdfinfo", [pdf], { encoding: "utf8" }).match(/^Pages:\s+(\d+)$/m)[1]);
  return Array.from({ length: n }, (_, i) => execFileSync("pdftotext", ["-f", String(i + 1), "-l", String(i + 1), mode, pdf, "-"], { encoding: "utf8" }));
}

const fold = (s) => s.replace(/\s+/g, " ").trim();

describe("a partner's edition on paper", () => {
  for (const format of ["A4", "Letter"]) {
    test(`printed on ${format}: the title first, no navigation or URLs, headings with their content, no table row cut`, async () => {
      const page = await browser.newPage();
      for (const [slug, e] of Object.entries(editions)) {
        await page.goto(e.base);
        const doc = await page.evaluate(() => {
          const words = (el) => (el?.textContent || "").replace(/\s+/g, " ").trim().split(" ");
          return {
            headings: [...document.querySelectorAll("main h2")].map((h) => h.textContent.trim()),
            heads: [...document.querySelectorAll("main thead tr")].map((tr) => [...tr.querySelectorAll("th")].map((th) => th.textContent.trim())),
            // a row is printed whole when its first cell's opening and the
            // end of its last cell are on the same page
            rows: [
              ...[...document.querySelectorAll(".plan-table tbody tr")].map((tr) => [tr, "td:last-child"]),
              ...[...document.querySelectorAll(".rules-table tbody tr")].map((tr) => [tr, "td"]),
            ].map(([tr, last]) => {
              // the text printed in the cell, without what shows only on phones
              const cell = tr.querySelector(last).cloneNode(true);
              cell.querySelectorAll(".source-inline, .plan-inline").forEach((e) => e.remove());
              return { start: words(tr.querySelector("th")).slice(0, 2).join(" "), end: words(cell).slice(-2).join(" ") };
            }),
          };
        });
        const pdf = path.join(ARTIFACTS, `edition-${slug}.${format}.pdf`);
        await page.pdf({ path: pdf, format, printBackground: true });
        const pages = pdfPages(pdf);
        const all = fold(pages.join(" "));
        assert.match(fold(pages[0]), new RegExp(`^PARTNERSHIP BRIEF ${OURS} and ${e.name}`, "i"), `${slug} ${format}: page 1 does not open with the title`);
        for (const nav of ["Skip to content", "What we do together Give and get", "built with"]) {
          assert.ok(!all.includes(nav), `${slug} ${format}: "${nav}" is printed`);
        }
        assert.ok(!/https?:|file:|\.html\b/.test(all), `${slug} ${format}: a URL is printed`);
        for (const heading of doc.headings) {
          const at = pages.findIndex((p) => new RegExp(`^\\s*${heading}\\s*$`, "m").test(p));
          assert.ok(at >= 0, `${slug} ${format}: "${heading}" is not printed as a heading`);
          const after = pages[at].split(new RegExp(`^\\s*${heading}\\s*$`, "m"))[1];
          assert.ok(after.split("\n").filter((l) => l.trim()).length >= 2, `${slug} ${format}: "${heading}" is left at the foot of page ${at + 1}`);
        }
        // a table's head is never the last thing on a page
        for (const head of doc.heads) {
          const line = new RegExp(`^\\s*${head.join("\\s+")}\\s*$`, "im");
          pages.forEach((p, i) => {
            const after = line.test(p) ? p.split(line)[1] : null;
            assert.ok(after === null || after.trim(), `${slug} ${format}: the head of a table (${head.join(", ")}) is alone at the foot of page ${i + 1}`);
          });
        }
        assert.ok(doc.rows.length >= 5, `${slug}: the brief has its tables`);
        const drawn = pdfPages(pdf, "-raw");
        for (const { start, end } of doc.rows) {
          // compared without spaces: a cell's words wrap, "go-live" as "go- live"
          const [s0, e0] = [start, end].map((t) => t.replace(/\s+/g, ""));
          const at = drawn.findIndex((p) => p.replace(/\s+/g, "").includes(s0));
          assert.ok(at >= 0, `${slug} ${format}: the row "${start}" is not printed`);
          const rest = drawn[at].replace(/\s+/g, "").split(s0).slice(1).join(s0);
          assert.ok(rest.includes(e0), `${slug} ${format}: the row "${start} … ${end}" is cut at the foot of page ${at + 1}`);
        }
      }
      await page.close();
    });
  }
});
