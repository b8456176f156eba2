/**
 * Render time of the HTML report in headless Chromium (Debian's /usr/bin/chromium) and its size:
 *   npx tsx bench/report/render-time.ts [--reps 5]
 * Runs the demo nightly into a temporary data dir (reports included), then opens each tenant's
 * report `reps` times in a fresh page. Render time is the page's own clock from navigation start
 * to the `charts-ready` mark the report sets once every chart is drawn; wall time adds Chromium's
 * page creation and file loading. Prints JSON only: per tenant the file size in bytes and the
 * median and every run in ms.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { projectPath } from "#cli/project-root.js";
import { launchChromium } from "../../test/support/chromium.js";

const { values } = parseArgs({ options: { reps: { type: "string", default: "5" } } });
const reps = Number(values.reps);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const dir = mkdtempSync(join(tmpdir(), "costmon-report-bench-"));
try {
  const out = execFileSync(process.execPath, [projectPath("bin/costmon.mjs"), "nightly", "--data-dir", join(dir, "data"), "--reports", join(dir, "reports"), "--quiet", "--json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const tenants = (JSON.parse(out) as { tenants: { tenantId: string }[] }).tenants.map((t) => t.tenantId);
  const browser = await launchChromium();
  const results: Record<string, unknown> = {};
  try {
    for (const t of tenants) {
      const file = join(dir, "reports", `${t}.html`);
      const render: number[] = [];
      const wall: number[] = [];
      for (let i = 0; i < reps; i++) {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const t0 = performance.now();
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector("html[data-charts-ready=true]");
        wall.push(Math.round(performance.now() - t0));
        render.push(Math.round(await page.evaluate(() => performance.getEntriesByName("charts-ready")[0]?.startTime ?? Number.NaN)));
        await page.close();
      }
      results[t] = { bytes: statSync(file).size, renderMs: { median: median(render), runs: render }, wallMs: { median: median(wall), runs: wall } };
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(`${JSON.stringify({ browser: "/usr/bin/chromium (headless)", reps, goalMs: 2000, tenants: results }, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
