/**
 * First paint and time to interactive of the dashboard in headless Chromium (Debian's
 * /usr/bin/chromium), on the demo tenant acme-retail:
 *   npx tsx bench/dashboard/first-paint.ts [--reps 5]
 * Runs the demo nightly into a temporary data dir, starts `costmon dashboard --port 0` on it (with
 * its own Auth emulator), then opens the page `reps` times, each in a fresh page:
 * - signed out: first contentful paint, and `sign-in-ready` (the sign-in form is mounted and
 *   answers input);
 * - signed in as operator@acme-retail.example (one sign-in, kept in the context's IndexedDB):
 *   first contentful paint (the "Loading…" shell); `overview-interactive`, the overview rendered
 *   with its data and its handlers attached, after five callables answered (the forecast that
 *   anchors the dates, then cost summary, forecast, anomalies and budgets); and
 *   `chart-ready:chart-overview`, the end of the chart's first drawing, its 1 s entry animation
 *   included.
 * Every time is the page's own clock from navigation start. Prints JSON only: min, median, max and
 * every run in ms, and the size of the page's script.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { projectPath } from "#cli/project-root.js";
import { launchChromium } from "../../test/support/chromium.js";
import { startDashboard } from "../../test/support/dashboard-process.js";

const { values } = parseArgs({ options: { reps: { type: "string", default: "5" } } });
const reps = Number(values.reps);
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1], runs: xs };
};

/** Waits for the last mark, then reads first contentful paint and each mark, in ms from navigation start. */
async function timesOf(page: Page, marks: string[]): Promise<number[]> {
  const last = marks[marks.length - 1] ?? "";
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, last, { timeout: 60_000 });
  return page.evaluate(
    (ms) => ["first-contentful-paint", ...ms].map((m) => Math.round(performance.getEntriesByName(m)[0]?.startTime ?? Number.NaN)),
    marks,
  );
}

const dir = mkdtempSync(join(tmpdir(), "costmon-dashboard-bench-"));
try {
  const nightly = spawnSync(process.execPath, [projectPath("bin/costmon.mjs"), "nightly", "--data-dir", join(dir, "data"), "--no-reports", "--quiet", "--json"], { stdio: "ignore" });
  if (nightly.status !== 0) throw new Error(`the demo nightly failed with ${nightly.status}`);
  const dash = await startDashboard(join(dir, "data"));
  const browser = await launchChromium();
  try {
    const { url, password } = dash.ready;
    const scriptBytes = (await (await fetch(`${url}/assets/main.js`)).arrayBuffer()).byteLength;
    const signedOut = { fcp: [] as number[], interactive: [] as number[] };
    const outContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    for (let i = 0; i < reps; i++) {
      const page = await outContext.newPage();
      await page.goto(url);
      const [fcp = Number.NaN, ready = Number.NaN] = await timesOf(page, ["sign-in-ready"]);
      signedOut.fcp.push(fcp);
      signedOut.interactive.push(ready);
      await page.close();
    }
    const inContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const first = await inContext.newPage();
    await first.goto(url);
    await first.getByLabel("E-mail").fill("operator@acme-retail.example");
    await first.getByLabel("Password").fill(password);
    await first.getByRole("button", { name: "Sign in" }).click();
    await first.waitForSelector("#chart-overview[data-chart-ready=true]", { timeout: 60_000 });
    await first.close();
    const signedIn = { fcp: [] as number[], interactive: [] as number[], chartDrawn: [] as number[] };
    for (let i = 0; i < reps; i++) {
      const page = await inContext.newPage();
      await page.goto(url);
      const [fcp = Number.NaN, interactive = Number.NaN, drawn = Number.NaN] = await timesOf(page, ["overview-interactive", "chart-ready:chart-overview"]);
      signedIn.fcp.push(fcp);
      signedIn.interactive.push(interactive);
      signedIn.chartDrawn.push(drawn);
      await page.close();
    }
    process.stdout.write(
      `${JSON.stringify(
        {
          browser: "/usr/bin/chromium (headless)",
          tenant: "acme-retail",
          reps,
          scriptBytes,
          signedOut: { firstContentfulPaintMs: stats(signedOut.fcp), signInReadyMs: stats(signedOut.interactive) },
          signedIn: {
            firstContentfulPaintMs: stats(signedIn.fcp),
            overviewInteractiveMs: stats(signedIn.interactive),
            overviewChartDrawnMs: stats(signedIn.chartDrawn),
          },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await browser.close();
    await dash.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
