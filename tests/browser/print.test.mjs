// The worksheet on paper and the partner benefit in full (issue 20), in
// headless Chromium: the example's worksheets printed to PDF on A4 and
// Letter, and the portfolio, tier pages and worksheets at 1280, 1024 and
// 390 px. The example is built into a temporary folder and opened from
// disk, as a reader may open it.
//
// .ci/run installs what this needs (chromium, poppler-utils); see README.md.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const BIN = process.env.PARTNERBOOK_BIN || path.join(REPO, "target", "release", "partnerbook");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARTIFACTS = path.join(REPO, "target", "browser");
const TODAY = "1795305600"; // 2026-11-22, so review dates do not age
const WIDTHS = [1280, 1024, 390];
const FORMATS = ["A4", "Letter"];

function need(file, install) {
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: ${install}`);
  }
}

function which(program, install) {
  try {
    return execFileSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`\`${program}\` is not installed: ${install}`);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "partnerbook-print-"));
const out = path.join(tmp, "public");
let browser;

/** The example's worksheets: [slug, file URL]. */
let worksheets = [];

/** The URL of `rel` in the built example. */
function url(rel) {
  return pathToFileURL(path.join(out, rel)).href;
}

/** The number of pages of a PDF, from poppler's pdfinfo. */
function pages(pdf) {
  const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  return Number(info.match(/^Pages:\s+(\d+)$/m)[1]);
}

/** The text of page `n` (1-based) of a PDF, whitespace folded. */
function pageText(pdf, n) {
  return execFileSync("pdftotext", ["-f", String(n), "-l", String(n), "-layout", pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

before(async () => {
  need(BIN, "run `cargo build --release` first, or name a binary in PARTNERBOOK_BIN");
  need(CHROMIUM, "install Debian's chromium (`apt-get install chromium`)");
  which("pdftotext", "install poppler-utils (`apt-get install poppler-utils`)");
  which("pdfinfo", "install poppler-utils (`apt-get install poppler-utils`)");
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // a copy of the example, so the build leaves nothing in the repository
  const site = path.join(tmp, "site");
  fs.mkdirSync(site);
  fs.cpSync(path.join(REPO, "content"), path.join(site, "content"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "partnerbook.yaml"), path.join(site, "partnerbook.yaml"));
  if (fs.existsSync(path.join(REPO, "themes"))) {
    fs.cpSync(path.join(REPO, "themes"), path.join(site, "themes"), { recursive: true });
  }
  execFileSync(BIN, ["build", "--root", site, "--output-dir", out], {
    env: { ...process.env, SOURCE_DATE_EPOCH: TODAY, NO_COLOR: "1" },
    stdio: "pipe",
  });
  worksheets = fs
    .readdirSync(path.join(out, "partners"))
    .filter((slug) => fs.existsSync(path.join(out, "partners", slug, "worksheet", "index.html")))
    .sort();
  assert.ok(worksheets.length >= 9, `the example has ${worksheets.length} worksheets`);
  assert.ok(worksheets.includes("kestrel-systems"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the worksheet on paper", () => {
  test("every worksheet of the example prints on at most two pages of A4 and of Letter, the influence map with its table", async () => {
    const page = await browser.newPage();
    const counts = [];
    for (const slug of worksheets) {
      await page.goto(url(`partners/${slug}/worksheet/index.html`));
      // what the map's table holds: the last person's style, which only
      // the table shows (the diagram shows names and titles)
      const map = await page.evaluate(() => {
        const rows = [...document.querySelectorAll(".people-table tbody tr")];
        const last = rows.pop();
        return {
          caption: document.querySelector(".people-table caption")?.textContent.replace(/\s+/g, " ").trim(),
          lastStyle: last?.querySelector("td:nth-child(5)")?.textContent.replace(/\s+/g, " ").trim(),
        };
      });
      for (const format of FORMATS) {
        const pdf = path.join(ARTIFACTS, `print-${slug}.${format}.pdf`);
        await page.pdf({ path: pdf, format, printBackground: true });
        const n = pages(pdf);
        counts.push(`${slug} ${format}: ${n}`);
        assert.ok(n <= 2, `${slug} prints on ${n} ${format} pages, more than two`);
        if (!map.caption) continue;
        const texts = Array.from({ length: n }, (_, i) => pageText(pdf, i + 1));
        const heading = texts.findIndex((t) => t.includes("Influence map"));
        const styleWords = map.lastStyle.split(" ").slice(0, 4).join(" ");
        assert.ok(heading >= 0, `${slug} ${format}: no influence map printed`);
        assert.ok(texts[heading].includes(map.caption), `${slug} ${format}: the map is on page ${heading + 1}, its table's caption is not`);
        assert.ok(texts[heading].includes(styleWords), `${slug} ${format}: the map is on page ${heading + 1}, the end of its table ("${styleWords}") is not`);
      }
    }
    await page.close();
    console.log(counts.join("\n"));
  });

  test("empty fields get ruled lines on paper, and the print button is never printed", async () => {
    const page = await browser.newPage();
    // tessellate-consulting leaves the worksheet's own fields empty
    await page.goto(url("partners/tessellate-consulting/worksheet/index.html"));
    await page.emulateMedia({ media: "print" });
    const printed = await page.evaluate(() => ({
      lines: [...document.querySelectorAll(".write-in")].filter((e) => e.getBoundingClientRect().height > 20).length,
      empty: document.querySelectorAll(".ws-rest .ws-block > .missing, .ws-rest .ws-block > .empty").length,
      button: getComputedStyle(document.querySelector("#print-button").closest(".print-action")).display,
    }));
    assert.ok(printed.empty >= 3, "the fixture has empty fields");
    assert.equal(printed.lines, printed.empty, "a field still empty has no ruled space");
    assert.equal(printed.button, "none", "the print button is printed");
    await page.emulateMedia({ media: "screen" });
    const screen = await page.evaluate(() => [...document.querySelectorAll(".write-in")].filter((e) => e.getClientRects().length > 0).length);
    assert.equal(screen, 0, "ruled lines show on screen");
    await page.close();
  });

  test("the print button prints, and is hidden without JavaScript", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__printed = 0;
      window.print = () => {
        window.__printed += 1;
      };
    });
    await page.goto(url("partners/kestrel-systems/worksheet/index.html"));
    const button = page.getByRole("button", { name: "Print this worksheet" });
    await button.waitFor({ state: "visible", timeout: 5000 });
    await button.click();
    assert.equal(await page.evaluate(() => window.__printed), 1);
    await context.close();

    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const still = await noScript.newPage();
    await still.goto(url("partners/kestrel-systems/worksheet/index.html"));
    assert.equal(await still.locator("#print-button").isVisible(), false, "a print button that cannot work is shown");
    await noScript.close();
  });
});

describe("on screen", () => {
  test("no table is wider than its box, at 1280, 1024 and 390 px", async () => {
    const page = await browser.newPage();
    const rels = ["index.html", "tiers/strategic/index.html", "tiers/tactical/index.html", "tiers/casual/index.html"].concat(
      worksheets.map((slug) => `partners/${slug}/worksheet/index.html`),
    );
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const rel of rels) {
        await page.goto(url(rel));
        const wide = await page.evaluate(() =>
          [...document.querySelectorAll("table")]
            .map((t) => {
              const box = t.closest(".table-wrap") || t.parentElement;
              return { what: t.className || t.caption?.textContent || "table", table: t.scrollWidth, box: box.clientWidth };
            })
            .filter((x) => x.table > x.box),
        );
        assert.deepEqual(wide, [], `${rel} at ${width} px: a table wider than its box`);
        if (rel === "partners/kestrel-systems/worksheet/index.html" && width !== 1024) {
          await page.screenshot({ path: path.join(ARTIFACTS, `print-worksheet-${width}.png`), fullPage: true });
        }
      }
    }
    await page.close();
  });

  test("the portfolio and tier pages show every partner's benefit in full, at 1280 and 390 px", async () => {
    const page = await browser.newPage();
    // each partner's benefit as its worksheet shows it in the proposition
    const full = {};
    for (const slug of worksheets) {
      await page.goto(url(`partners/${slug}/worksheet/index.html`));
      full[slug] = await page.evaluate(() => document.querySelector("#ws-benefit td").textContent.replace(/\s+/g, " ").trim());
    }
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const rel of ["index.html", "tiers/strategic/index.html", "tiers/tactical/index.html", "tiers/casual/index.html"]) {
        await page.goto(url(rel));
        const rows = await page.evaluate(() =>
          [...document.querySelectorAll(".partner-row")].map((row) => {
            const line = row.querySelector(".benefit-line");
            const style = getComputedStyle(line);
            const label = line.querySelector(".benefit-label").textContent;
            return {
              slug: new URL(row.querySelector(".partner-row-name a").href).pathname.split("/").filter(Boolean).at(-2),
              text: line.textContent.replace(label, "").replace(/\s+/g, " ").trim(),
              ellipsis: style.textOverflow === "ellipsis",
              clipped: line.scrollWidth > line.clientWidth || line.scrollHeight > line.clientHeight,
            };
          }),
        );
        assert.ok(rows.length > 0, `${rel}: no partner listed`);
        for (const row of rows) {
          const where = `${rel} at ${width} px, ${row.slug}`;
          assert.equal(row.text, full[row.slug], `${where}: the benefit is not shown in full`);
          assert.equal(row.ellipsis, false, `${where}: the benefit may end in an ellipsis`);
          assert.equal(row.clipped, false, `${where}: the benefit is clipped`);
        }
        if (rel === "index.html") {
          await page.screenshot({ path: path.join(ARTIFACTS, `print-portfolio-${width}.png`), fullPage: true });
        }
      }
    }
    await page.close();
  });

  test("the portfolio prints every benefit in full", async () => {
    const page = await browser.newPage();
    await page.goto(url("index.html"));
    const benefits = await page.evaluate(() =>
      [...document.querySelectorAll(".benefit-line")].map((l) => l.textContent.replace(/\s+/g, " ").trim().split(" ").slice(-4).join(" ")),
    );
    const pdf = path.join(ARTIFACTS, "print-portfolio.A4.pdf");
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
    for (const end of benefits) {
      assert.ok(text.includes(end), `the printed portfolio cuts a benefit before "${end}"`);
    }
    await page.close();
  });
});
