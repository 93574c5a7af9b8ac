// The site as its readers get it: the default theme's output, served by
// nginx under a sub-path and opened from disk, checked in headless
// Chromium (playwright-core), axe-core and the W3C Nu HTML checker.
//
//     cargo build --release && (cd tests/browser && npm ci && npm test)
//
// .ci/run installs what this needs (chromium, nginx, poppler-utils, Java)
// and runs it. Screenshots and PDFs go to target/browser/.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";
import { writeCorpus, nameOf, slugOf } from "./corpus.mjs";
import { crawl as crawlWith, freePort, htmlFiles, launch, need, needServers, onDisk, startNginx, styled, vnuErrors } from "./crawl.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const BIN = process.env.PARTNERBOOK_BIN || path.join(REPO, "target", "release", "partnerbook");
const ARTIFACTS = path.join(REPO, "target", "browser");
const TODAY = "1795305600"; // 2026-11-22, so review dates do not age
const GENERATED = Number(process.env.BROWSER_PARTNERS || 200);

function build(root, out, baseUrl) {
  const args = ["build", "--root", root, "--output-dir", out, "--force"];
  if (baseUrl) args.push("--base-url", baseUrl);
  execFileSync(BIN, args, { env: { ...process.env, SOURCE_DATE_EPOCH: TODAY, NO_COLOR: "1" }, stdio: "pipe" });
}

// ---------------------------------------------------------------------------
// the sites and the server

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerbook-browser-"));
const www = path.join(tmp, "www");
let origin; // http://127.0.0.1:PORT
let nginx;
let browser;

/** The sites, each served under its own sub-path: the example, a
 * generated one, and the fixture of both sides' pages (give and get, the
 * joint plan, the notice, the attention page; issue 21). */
const sites = {
  example: { mount: "/intranet/partners/", root: REPO },
  generated: { mount: "/intranet/generated/", root: path.join(tmp, "generated-src") },
  both: { mount: "/intranet/both-sides/", root: path.join(REPO, "tests", "fixtures", "both-sides") },
};

before(async () => {
  need(BIN, "run `cargo build --release` first");
  needServers();
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  writeCorpus(sites.generated.root, GENERATED);
  for (const site of Object.values(sites)) {
    site.out = path.join(www, site.mount);
    site.base = `${origin}${site.mount}`;
    build(site.root, site.out, site.base);
  }

  nginx = await startNginx({ tmp, www, port, mounts: Object.values(sites).map((s) => s.mount) });
  browser = await launch(chromium);
});

after(async () => {
  await browser?.close();
  nginx?.kill();
  fs.rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// crawling

/** Crawls with the suite's browser (see crawl.mjs). */
const crawl = (start, options) => crawlWith(browser, start, options);

function served(site) {
  const prefix = `${origin}${site.mount}`;
  return { allowed: (u) => u.startsWith(`${origin}/`), sameSite: (u) => u.startsWith(prefix) };
}

function pageCount(site) {
  return htmlFiles(site.out).filter((f) => !f.endsWith(`${path.sep}404.html`)).length;
}

// ---------------------------------------------------------------------------

describe("served under a sub-path by nginx", () => {
  // axe takes about half a second a page; for a quicker run by hand,
  // BROWSER_AXE=sample checks only every third generated partner (page
  // and worksheet) besides every list and playbook page
  const generatedAxe = (url) => {
    const m = url.match(/\/partners\/[a-z]+-[a-z]+-(\d+)\//);
    return process.env.BROWSER_AXE !== "sample" || !m || Number(m[1]) % 3 === 0;
  };
  for (const [name, width, axe] of [
    ["example", 1280, () => true],
    ["example", 390, () => true],
    ["generated", 390, generatedAxe],
    ["both", 1280, () => true],
    ["both", 360, () => true],
  ]) {
    test(`${name} site at ${width}px: every page loads, with no console error, no outside request, no axe violation`, async () => {
      const site = sites[name];
      const { pages, problems, checked } = await crawl(site.base, { width, axe, ...served(site) });
      assert.deepEqual(problems, []);
      assert.equal(pages.length, pageCount(site), "every page is reachable from the index");
      if (process.env.BROWSER_AXE !== "sample") assert.equal(checked, pages.length, "axe ran on every page");
    });
  }

  test("very long names, words and URLs wrap: nothing scrolls sideways at 320 or 390 px", async () => {
    const out = path.join(tmp, "long-words");
    build(path.join(REPO, "tests", "fixtures", "long-words"), out);
    const start = pathToFileURL(path.join(out, "index.html")).href;
    const prefix = pathToFileURL(out).href + "/";
    for (const width of [320, 390]) {
      const { pages, problems } = await crawl(start, {
        width,
        axe: () => false,
        allowed: (u) => u.startsWith(prefix),
        sameSite: (u) => u.startsWith(prefix),
      });
      assert.deepEqual(problems, []);
      assert.equal(pages.length, 13, "every page of the fixture, the attention page included");
    }
  });

  test("without JavaScript every page is complete and every link works", async () => {
    for (const site of Object.values(sites)) {
      const { pages, problems } = await crawl(site.base, { javaScript: false, workers: 4, ...served(site) });
      assert.deepEqual(problems, []);
      assert.equal(pages.length, pageCount(site));
    }
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(sites.example.base);
    assert.match(await page.locator("noscript").first().innerHTML(), /Search needs JavaScript/);
    assert.equal(await page.locator("#search-form").isVisible(), false, "the search form is hidden without JavaScript");
    await context.close();
  });

  test("the W3C Nu HTML checker finds no error in any page", () => {
    assert.deepEqual(vnuErrors(Object.values(sites).map((s) => s.out), www), []);
  });

  test("404.html answers for a missing page at any depth of the sub-path", async () => {
    const site = sites.example;
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const missing of ["nope", "partners/nobody/", "a/b/c/d/e/nope.html"]) {
      const response = await page.goto(`${site.base}${missing}`);
      assert.equal(response.status(), 404, missing);
      assert.equal(await page.locator("h1").first().textContent(), "Page not found");
      const links = await page.evaluate(() => [...document.querySelectorAll("a[href]")].map((a) => a.href));
      assert.ok(links.length > 0);
      for (const link of links) {
        assert.ok(link.startsWith(site.base), `${missing}: ${link} leaves the site`);
        assert.equal((await fetch(link)).status, 200, `${missing}: ${link}`);
      }
    }
    await context.close();
  });

  test("sitemap.xml lists every page once, as absolute URLs below base_url", async () => {
    for (const site of Object.values(sites)) {
      const xml = await (await fetch(`${site.base}sitemap.xml`)).text();
      assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/);
      assert.match(xml.trim(), /<\/urlset>$/);
      const body = xml.replace(/^<\?xml[^>]*>\s*<urlset[^>]*>/, "").replace(/<\/urlset>\s*$/, "");
      const entries = body.trim().split(/\n/).map((l) => l.trim());
      const locs = entries.map((e) => {
        const m = e.match(/^<url><loc>([^<]+)<\/loc><\/url>$/);
        assert.ok(m, `not a sitemap <url> entry: ${e}`);
        return m[1].replaceAll("&amp;", "&");
      });
      assert.equal(new Set(locs).size, locs.length, "no URL twice");
      assert.ok(locs.length <= 50000 && xml.length <= 50 * 1024 * 1024, "within the sitemap limits");
      assert.equal(locs.length, pageCount(site));
      for (const loc of locs) {
        assert.ok(loc.startsWith(site.base), `${loc} is not below ${site.base}`);
        assert.ok(new URL(loc).href === loc, `${loc} is not a normalised absolute URL`);
        assert.ok(!loc.includes("404.html"));
      }
      const sample = locs.filter((_, i) => i % Math.ceil(locs.length / 40) === 0);
      for (const loc of sample) assert.equal((await fetch(loc)).status, 200, loc);
    }
  });
});

// ---------------------------------------------------------------------------

describe("opened from disk", () => {
  let disk;
  before(() => {
    disk = path.join(tmp, "disk");
    build(REPO, disk);
  });

  test("the stylesheet loads and every link leads to an existing page file", async () => {
    const start = pathToFileURL(path.join(disk, "index.html")).href;
    const { pages, problems } = await crawl(start, { axe: () => false, ...onDisk(disk) });
    assert.deepEqual(problems, []);
    assert.equal(pages.length, htmlFiles(disk).length - 1); // all but 404.html
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(start);
    assert.ok(await styled(page), "style.css is applied from disk");
    await context.close();
  });

  test("search works from disk", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(disk, "index.html")).href);
    await page.fill("#search-input", "kestrel");
    const hrefs = await resultLinks(page);
    assert.ok(hrefs.some((h) => h.endsWith("partners/kestrel-systems/index.html")), hrefs.join(", "));
    const target = hrefs.find((h) => h.endsWith("partners/kestrel-systems/index.html"));
    assert.ok(fs.existsSync(fileURLToPath(target)));
    await context.close();
  });
});

function benefitOf(record) {
  return record.match(/partner_benefit: \|\n((?:    .*\n)+)/)[1].replace(/\s+/g, " ").trim();
}

async function resultLinks(page) {
  await page.waitForFunction(() => document.querySelectorAll("#search-results a").length > 0, null, { timeout: 5000 });
  return page.evaluate(() => [...document.querySelectorAll("#search-results a")].map((a) => a.href));
}

// ---------------------------------------------------------------------------

describe("search", () => {
  test("a partner is found by its name, a tag, and a word of its benefit", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const site = sites.generated;
    const index = JSON.parse(
      fs.readFileSync(path.join(site.out, "search-index.js"), "utf8").replace(/^window\.PARTNERBOOK_SEARCH = /, "").replace(/;\s*$/, ""),
    );
    assert.equal(index.partners.length, GENERATED);
    const benefits = fs
      .readdirSync(path.join(site.root, "content", "partners"))
      .map((f) => benefitOf(fs.readFileSync(path.join(site.root, "content", "partners", f), "utf8")));
    const sharing = (word) => benefits.filter((b) => b.split(/\s+/).includes(word)).length;
    for (const i of [0, 7, 42, GENERATED - 1]) {
      const slug = slugOf(i);
      const record = fs.readFileSync(path.join(site.root, "content", "partners", `${slug}.yaml`), "utf8");
      const tag = record.match(/^tags: \[([^,\]]+)/m)[1];
      // a word a reader would type to find it: the benefit word fewest
      // other partners share
      const benefitWord = benefitOf(record)
        .split(/\s+/)
        .filter((w) => /^[a-z]{5,}$/.test(w))
        .sort((a, b) => sharing(a) - sharing(b))[0];
      for (const query of [nameOf(i), tag, benefitWord]) {
        await page.goto(`${site.base}index.html?q=${encodeURIComponent(query)}`);
        const hrefs = await resultLinks(page);
        assert.ok(hrefs.some((h) => h.endsWith(`partners/${slug}/index.html`)), `"${query}" does not find ${slug}`);
      }
    }
    await page.goto(site.base);
    await page.fill("#search-input", "");
    await page.type("#search-input", nameOf(7));
    assert.ok((await resultLinks(page)).some((h) => h.endsWith(`partners/${slugOf(7)}/index.html`)), "typing finds it");
    await context.close();
  });

  test("the index of 1,000 partners stays under 1 MB", () => {
    const src = path.join(tmp, "thousand");
    const out = path.join(tmp, "thousand-out");
    writeCorpus(src, 1000);
    build(src, out);
    const size = fs.statSync(path.join(out, "search-index.js")).size;
    assert.ok(size < 1_000_000, `search-index.js is ${size} bytes`);
  });
});

// ---------------------------------------------------------------------------

describe("layout and print", () => {
  test("screenshots of the portfolio, a partner page and its worksheet at 1280 and 390 px", async () => {
    const site = sites.example;
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      for (const [name, rel] of [["portfolio", ""], ["partner", "partners/kestrel-systems/index.html"], ["worksheet", "partners/kestrel-systems/worksheet/index.html"]]) {
        await page.goto(`${site.base}${rel}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name} scrolls sideways at ${width}px`);
        const file = path.join(ARTIFACTS, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: width === 390 ? false : false });
        assert.ok(fs.statSync(file).size > 10_000, `${file} looks empty`);
      }
      await context.close();
    }
  });

  test("give and get sits side by side at 1280 px and stacks at 360 px; the plan table fits", async () => {
    const site = sites.both;
    for (const width of [1280, 360]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      for (const rel of ["partners/harbor-analytics/index.html", "partners/quill-books/index.html", "attention/index.html", ""]) {
        await page.goto(`${site.base}${rel}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${rel} scrolls sideways at ${width}px`);
      }
      await page.goto(`${site.base}partners/harbor-analytics/index.html`);
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll("#give-and-get .gg")].map((e) => e.getBoundingClientRect().toJSON()),
      );
      assert.equal(boxes.length, 4);
      if (width === 1280) {
        assert.equal(boxes[0].top, boxes[1].top, "we give and they give side by side");
        assert.ok(boxes[1].left > boxes[0].right, "they give to the right of we give");
      } else {
        for (let i = 1; i < 4; i++) assert.ok(boxes[i].top >= boxes[i - 1].bottom, "stacked on a phone");
      }
      // the plan table is not wider than its box
      const table = await page.evaluate(() => {
        const t = document.querySelector(".plan-table");
        return { table: t.scrollWidth, box: t.parentElement.clientWidth };
      });
      assert.ok(table.table <= table.box, `the plan table is ${table.table}px in a ${table.box}px box at ${width}px`);
      await page.screenshot({ path: path.join(ARTIFACTS, `both-sides-partner-${width}.png`), fullPage: true });
      await context.close();
    }
  });

  test("a partner page prints the notice, give and get and the joint plan with its marks, without navigation", async () => {
    const site = sites.both;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.base}partners/harbor-analytics/index.html`);
    await page.emulateMedia({ media: "print" });
    const pdf = path.join(ARTIFACTS, "both-sides-partner.A4.pdf");
    await page.pdf({ path: pdf, format: "A4" });
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    for (const words of ["Needs attention", "Give and get", "What we give", "What they get", "Joint plan", "2 of 4 steps done, 1 overdue", "Overdue", "Due soon", "Done on 2026-09-10"]) {
      assert.ok(text.includes(words), `"${words}" is not printed`);
    }
    assert.ok(!/Skip to|Playbooks\s+Strategic/.test(text), "navigation printed");
    await page.goto(`${site.base}attention/index.html`);
    const attention = path.join(ARTIFACTS, "both-sides-attention.A4.pdf");
    await page.pdf({ path: attention, format: "A4" });
    const listed = execFileSync("pdftotext", ["-layout", attention, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    for (const words of ["What needs attention", "Review the partnership", "Publish the joint case study", "Train the dispatch team"]) {
      assert.ok(listed.includes(words), `"${words}" is not printed on the attention page`);
    }
    await context.close();
  });

  test("every worksheet prints the proposition and the readiness checklist on page 1 of A4 and Letter, without navigation", async () => {
    const site = sites.example;
    const context = await browser.newContext();
    const page = await context.newPage();
    const worksheets = htmlFiles(path.join(site.out, "partners")).filter((f) => f.endsWith(`worksheet${path.sep}index.html`));
    assert.ok(worksheets.length >= 9);
    for (const file of worksheets) {
      const rel = path.relative(site.out, file).split(path.sep).join("/");
      await page.goto(`${site.base}${rel}`);
      await page.emulateMedia({ media: "print" });
      const shown = await page.evaluate(() => {
        const visible = (e) => e && getComputedStyle(e).display !== "none" && e.getClientRects().length > 0;
        return {
          nav: [...document.querySelectorAll("nav, .site-nav, .skip-link, .site-footer")].filter(visible).map((e) => e.className || e.tagName),
          lastItem: [...document.querySelectorAll(".checklist li")].pop()?.textContent.trim().replace(/\s+/g, " "),
        };
      });
      assert.deepEqual(shown.nav, [], `${rel}: navigation is printed`);
      assert.ok(shown.lastItem, `${rel}: no checklist`);
      for (const format of ["A4", "Letter"]) {
        const pdf = path.join(ARTIFACTS, `${rel.replaceAll("/", "_")}.${format}.pdf`);
        await page.pdf({ path: pdf, format, printBackground: true });
        const first = execFileSync("pdftotext", ["-f", "1", "-l", "1", "-layout", pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
        assert.match(first, /The proposition/, `${rel} ${format}: the proposition is not on page 1`);
        assert.match(first, /Readiness checklist/, `${rel} ${format}: the checklist is not on page 1`);
        const words = shown.lastItem.split(" ").slice(0, 4).join(" ");
        assert.ok(first.includes(words), `${rel} ${format}: the checklist's last item ("${words}") is not on page 1`);
        assert.ok(!/Skip to|Playbooks\s+Strategic|Search\b.*Strategic/.test(first), `${rel} ${format}: navigation printed`);
      }
      await page.emulateMedia({ media: "screen" });
    }
    await context.close();
  });
});
