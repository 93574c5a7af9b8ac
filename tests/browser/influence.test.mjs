// The influence map as readers see it (issue 20): on every partner page
// and worksheet of the example, from 1280 to 390 px and printed on A4 and
// Letter, each label of the diagram lies inside the SVG and inside its
// card, no two labels overlap, no title is cut, and every label is drawn
// at 8 pt (10.67 CSS px) or more.
//
//     cargo build --release && (cd tests/browser && npm ci && npm test)

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const BIN = process.env.PARTNERBOOK_BIN || path.join(REPO, "target", "release", "partnerbook");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARTIFACTS = path.join(REPO, "target", "browser");
const TODAY = "1795305600"; // 2026-11-22, as in suite.test.mjs
const EIGHT_POINTS = 32 / 3; // CSS px
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// the width of the printed page's content box in CSS px (96 a inch), for
// the theme's 14 mm margins: Chromium lays a printed page out at this width
const PAPER = {
  A4: Math.floor(((210 - 28) / 25.4) * 96),
  Letter: Math.floor(((215.9 - 28) / 25.4) * 96),
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerbook-influence-"));
let browser;
const sites = {}; // name -> { out, pages }

function build(root, out) {
  execFileSync(BIN, ["build", "--root", root, "--output-dir", out, "--force"], {
    env: { ...process.env, SOURCE_DATE_EPOCH: TODAY, NO_COLOR: "1" },
    stdio: "pipe",
  });
}

/** The partner pages and worksheets of a built site that draw a map. */
function mapPages(out) {
  const dir = path.join(out, "partners");
  const walk = (d) =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(d, e.name);
      return e.isDirectory() ? walk(p) : e.name === "index.html" ? [p] : [];
    });
  return walk(dir)
    .filter((f) => fs.readFileSync(f, "utf8").includes('class="influence-svg'))
    .map((f) => path.relative(out, f).split(path.sep).join("/"));
}

before(async () => {
  for (const [file, install] of [
    [BIN, "run `cargo build --release` first"],
    [CHROMIUM, "install Debian's chromium (`apt-get install chromium`)"],
  ]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${install}`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, root] of [
    ["example", REPO],
    ["long-words", path.join(REPO, "tests", "fixtures", "long-words")],
    ["grid", path.join(REPO, "tests", "fixtures", "influence-grid")],
  ]) {
    const out = path.join(tmp, name);
    build(root, out);
    sites[name] = { out, pages: mapPages(out) };
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * What the page shows of its diagram: the visible SVG's box, and each
 * label's box, card and rendered font size, in CSS px of the page.
 */
function measure() {
  const svgs = [...document.querySelectorAll("svg.influence-svg")].filter(
    (s) => getComputedStyle(s).display !== "none" && s.getClientRects().length > 0,
  );
  if (svgs.length !== 1) return { error: `${svgs.length} influence diagrams shown` };
  const svg = svgs[0];
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const rect = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const labels = [...svg.querySelectorAll("text.node-name, text.node-title")].map((t) => ({
    kind: t.classList.contains("node-name") ? "name" : "title",
    text: t.textContent,
    box: rect(t.getBoundingClientRect()),
    card: rect(t.closest("g.node").querySelector("rect.node-card").getBoundingClientRect()),
    px: parseFloat(getComputedStyle(t).fontSize) * scale,
  }));
  const people = [...document.querySelectorAll(".people-table tbody tr")].map((tr) => ({
    name: tr.querySelector("th").textContent.trim(),
    title: tr.querySelector("td").textContent.trim(),
  }));
  return { svg: rect(box), labels, people, viewport: window.innerWidth };
}

const inside = (a, b, slack = 0.5) =>
  a.left >= b.left - slack && a.top >= b.top - slack && a.right <= b.right + slack && a.bottom <= b.bottom + slack;
const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;

/** Everything wrong with one page's diagram as measured. */
function problems(where, m, { full }) {
  if (m.error) return [`${where}: ${m.error}`];
  const found = [];
  for (const l of m.labels) {
    if (!inside(l.box, m.svg)) found.push(`${where}: "${l.text}" reaches outside the SVG`);
    if (!inside(l.box, l.card)) found.push(`${where}: "${l.text}" reaches outside its card`);
    if (l.px < EIGHT_POINTS - 0.01) found.push(`${where}: "${l.text}" is ${l.px.toFixed(2)} px, under 8 pt`);
  }
  m.labels.forEach((a, i) =>
    m.labels.slice(i + 1).forEach((b) => {
      if (overlap(a.box, b.box)) found.push(`${where}: "${a.text}" and "${b.text}" overlap`);
    }),
  );
  if (m.svg.right > m.viewport + 0.5) found.push(`${where}: the diagram is wider than the screen`);
  if (full) {
    // the example's names and titles fit: none is cut
    const names = m.labels.filter((l) => l.kind === "name").map((l) => l.text);
    const titles = m.labels.filter((l) => l.kind === "title").map((l) => l.text);
    assert.deepEqual(names, m.people.map((p) => p.name), `${where}: the names as written`);
    assert.deepEqual(titles, m.people.map((p) => p.title).filter(Boolean), `${where}: the titles as written`);
  }
  return found;
}

async function check(site, media, width, { full, shots = [] }) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  const outside = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  await page.emulateMedia({ media });
  const found = [];
  const smallest = { px: Infinity };
  for (const rel of sites[site].pages) {
    await page.goto(pathToFileURL(path.join(sites[site].out, rel)).href);
    const m = await page.evaluate(measure);
    found.push(...problems(`${rel} (${media}, ${width} px)`, m, { full }));
    for (const l of m.labels ?? []) if (l.px < smallest.px) Object.assign(smallest, { px: l.px, rel, text: l.text });
    if (shots.includes(rel)) {
      const name = `influence-${rel.split("/").slice(1, -1).join("-")}-${media}-${width}.png`;
      await page.locator("svg.influence-svg:visible").screenshot({ path: path.join(ARTIFACTS, name) });
    }
  }
  await context.close();
  assert.deepEqual(outside, [], "no request leaves the site");
  return { found, smallest };
}

describe("the influence map", () => {
  test("the example has partner pages and worksheets with a map", () => {
    assert.ok(sites.example.pages.length >= 14, sites.example.pages.join(", "));
    assert.ok(sites.example.pages.some((p) => p.endsWith("worksheet/index.html")));
  });

  // 705 and 600 px sit either side of where phones get the narrow layout
  for (const width of [1280, 1024, 705, 600, 390]) {
    test(`on screen at ${width} px: labels inside the SVG and their cards, apart, at 8 pt or more, titles whole`, async () => {
      const shots = ["partners/kestrel-systems/index.html", "partners/kestrel-systems/worksheet/index.html"];
      const { found, smallest } = await check("example", "screen", width, { full: true, shots });
      assert.deepEqual(found, []);
      console.log(`smallest label at ${width} px: ${smallest.px.toFixed(2)} px ("${smallest.text}", ${smallest.rel})`);
    });
  }

  for (const [format, width] of Object.entries(PAPER)) {
    test(`printed on ${format} (${width} px wide): labels inside the SVG and their cards, apart, at 8 pt or more`, async () => {
      const { found, smallest } = await check("example", "print", width, { full: true });
      assert.deepEqual(found, []);
      console.log(`smallest printed label on ${format}: ${((smallest.px * 72) / 96).toFixed(2)} pt ("${smallest.text}", ${smallest.rel})`);
    });
  }

  test("a worksheet printed to PDF shows the whole map: every name and title in the text", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const rel = "partners/kestrel-systems/worksheet/index.html";
    await page.goto(pathToFileURL(path.join(sites.example.out, rel)).href);
    const people = await page.evaluate(() => [...document.querySelectorAll(".people-table tbody th")].map((th) => th.textContent.trim()));
    assert.equal(people.length, 5);
    for (const format of Object.keys(PAPER)) {
      const pdf = path.join(ARTIFACTS, `influence-kestrel-worksheet.${format}.pdf`);
      await page.pdf({ path: pdf, format });
      let text;
      try {
        text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
      } catch (e) {
        throw new Error(`pdftotext failed (install poppler-utils: \`apt-get install poppler-utils\`): ${e.message}`);
      }
      // each name is printed twice, in the diagram (maybe on two lines)
      // and in the table
      const words = text.split(/\s+/);
      for (const name of people) {
        for (const word of name.split(" ")) {
          assert.ok(words.filter((w) => w === word).length >= 2, `${format}: "${word}" of ${name} is not in the diagram and the table`);
        }
      }
    }
    await context.close();
  });

  test("names and titles of 50 to 100 characters without a space stay inside the SVG at 390 px and in print", async () => {
    assert.ok(sites["long-words"].pages.length >= 2, "the fixture draws a map");
    for (const [media, width] of [["screen", 390], ["screen", 320], ["print", PAPER.A4]]) {
      const { found } = await check("long-words", media, width, { full: false });
      // at 320 px the diagram shrinks with the screen: only the places are checked there
      assert.deepEqual(
        found.filter((p) => width > 320 || !p.includes("under 8 pt")),
        [],
      );
    }
  });
});

// The influence × attitude grid beside the diagram (issue 21): one SVG
// shown at its own size, so its text keeps its size down to a 360 px phone.

/** The partner pages (not worksheets) of a built site that draw a grid. */
const gridPages = (site) =>
  sites[site].pages.filter((rel) => !rel.includes("/worksheet/") && fs.readFileSync(path.join(sites[site].out, rel), "utf8").includes('class="grid-svg"'));

/** Each text of the grid: its box, its cell's box and its drawn size. */
function measureGrid() {
  const svg = document.querySelector("svg.grid-svg");
  if (!svg || svg.getClientRects().length === 0) return { error: "no grid shown" };
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const rect = (r) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const texts = [...svg.querySelectorAll("text")].map((t) => {
    const cell = t.closest("g.grid-cell");
    return {
      kind: t.getAttribute("class"),
      text: t.textContent,
      box: rect(t.getBoundingClientRect()),
      cell: cell ? rect(cell.querySelector("rect").getBoundingClientRect()) : null,
      px: parseFloat(getComputedStyle(t).fontSize) * scale,
    };
  });
  return { svg: rect(box), texts, scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth };
}

describe("the influence × attitude grid", () => {
  test("the example and the grid fixture have partner pages with a grid, and worksheets none", () => {
    assert.ok(gridPages("example").length >= 7, gridPages("example").join(", "));
    assert.deepEqual(gridPages("grid"), ["partners/grid-works/index.html"]);
    for (const rel of sites.example.pages.filter((p) => p.includes("/worksheet/"))) {
      assert.ok(!fs.readFileSync(path.join(sites.example.out, rel), "utf8").includes("grid-svg"), rel);
    }
  });

  // at 360 px and wider the grid is drawn at its own size: names at 14 px,
  // labels at 13 and 12; on paper at 8 pt or more
  for (const [media, width, least] of [["screen", 1280, 12], ["screen", 1024, 12], ["screen", 390, 12], ["screen", 360, 12], ["print", PAPER.A4, EIGHT_POINTS]]) {
    test(`${media} at ${width} px: every text inside the grid and its cell, apart, ${least.toFixed(1)} px or more, no sideways scrolling`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.emulateMedia({ media });
      const found = [];
      for (const site of ["example", "grid"]) {
        for (const rel of gridPages(site)) {
          await page.goto(pathToFileURL(path.join(sites[site].out, rel)).href);
          const m = await page.evaluate(measureGrid);
          const where = `${site} ${rel} (${media}, ${width} px)`;
          if (m.error) {
            found.push(`${where}: ${m.error}`);
            continue;
          }
          for (const t of m.texts) {
            if (!inside(t.box, m.svg)) found.push(`${where}: "${t.text}" reaches outside the grid`);
            if (t.cell && !inside(t.box, t.cell)) found.push(`${where}: "${t.text}" reaches outside its cell`);
            if (t.px < least - 0.01) found.push(`${where}: "${t.text}" is ${t.px.toFixed(2)} px`);
            if (t.kind === "grid-name" && media === "screen" && t.px < 14 - 0.01) found.push(`${where}: the name "${t.text}" is ${t.px.toFixed(2)} px`);
          }
          m.texts.forEach((a, i) =>
            m.texts.slice(i + 1).forEach((b) => {
              if (overlap(a.box, b.box)) found.push(`${where}: "${a.text}" and "${b.text}" overlap`);
            }),
          );
          if (media === "screen" && m.scrollWidth > m.viewport) found.push(`${where}: the page scrolls sideways (${m.scrollWidth} px)`);
          if (site === "grid" && media === "screen") {
            await page.locator("#influence").screenshot({ path: path.join(ARTIFACTS, `grid-${width}.png`) });
          }
        }
      }
      await context.close();
      assert.deepEqual(found, []);
    });
  }

  for (const width of [1280, 360]) {
    test(`no axe violation on a page with a grid at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const found = [];
      for (const [site, rel] of [["grid", "partners/grid-works/index.html"], ["example", gridPages("example")[0]]]) {
        await page.goto(pathToFileURL(path.join(sites[site].out, rel)).href);
        await page.addScriptTag({ content: AXE });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
          WCAG,
        );
        for (const v of result.violations) found.push(`${rel}: ${v.id}: ${v.help}; ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      }
      await context.close();
      assert.deepEqual(found, []);
    });
  }
});
