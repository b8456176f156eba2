import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from "firebase/auth";
import { FunctionsError, getFunctions, httpsCallableFromURL } from "firebase/functions";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "#cli/project-root.js";
import { launchChromium } from "../support/chromium.js";
import { type DashboardProcess, startDashboard } from "../support/dashboard-process.js";

/**
 * The dashboard as a person runs it (`costmon dashboard`, its own Auth emulator, the demo nightly's
 * stores), driven in Debian's headless Chromium. What the page claims to have changed is checked
 * through the callables with the real Firebase JS client, never by reading the stores.
 */
const require = createRequire(import.meta.url);
const SCREENSHOTS = projectPath(".tmp/screenshots");

interface AnomalyItem {
  id: string;
  status: string;
  feedback: string | null;
  updatedBy?: string;
}

describe("dashboard in headless Chromium", () => {
  let dir: string;
  let dash: DashboardProcess;
  let browser: Browser;
  let url: string;
  let alertLinks: string[];
  const clients: { close(): Promise<void> }[] = [];

  /** A Node client signed in as `email` through the same Auth emulator, calling the dashboard's callables. */
  async function client(email: string) {
    const r = dash.ready;
    const app = initializeApp({ apiKey: "demo-api-key", projectId: r.projectId }, `e2e-${email}-${clients.length}`);
    const auth = getAuth(app);
    connectAuthEmulator(auth, `http://${r.authEmulatorHost}`, { disableWarnings: true });
    const cred = await signInWithEmailAndPassword(auth, email, r.password);
    const functions = getFunctions(app);
    const c = {
      uid: cred.user.uid,
      call: async <T>(name: string, data: unknown) => (await httpsCallableFromURL<unknown, T>(functions, `${url}/api/${name}`)(data)).data,
      close: () => deleteApp(app),
    };
    clients.push(c);
    return c;
  }

  /** A fresh context (own IndexedDB, so its own sign-in) whose page may reach only the dashboard and the Auth emulator. */
  async function signedInPage(email: string, context?: BrowserContext): Promise<{ page: Page; external: string[]; errors: string[] }> {
    const ctx = context ?? (await browser.newContext({ viewport: { width: 1280, height: 900 } }));
    const page = await ctx.newPage();
    const external: string[] = [];
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.route(/.*/, (route) => {
      const u = route.request().url();
      if (u.startsWith(`${url}/`) || u.startsWith(`http://${dash.ready.authEmulatorHost}/`) || u.startsWith("data:")) return route.continue();
      external.push(u);
      return route.abort();
    });
    await page.goto(url);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(dash.ready.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    if (email.startsWith("manager@")) {
      // The phone second factor: the code the emulator issued, read from its own REST listing.
      await page.waitForSelector("#second-factor-sent:has-text('A code was sent')");
      const { verificationCodes } = (await (await fetch(`http://${dash.ready.authEmulatorHost}/emulator/v1/projects/${dash.ready.projectId}/verificationCodes`)).json()) as {
        verificationCodes: { code: string }[];
      };
      await page.getByLabel("Code").fill(String(verificationCodes[verificationCodes.length - 1]?.code));
      await page.getByRole("button", { name: "Verify" }).click();
    }
    await page.waitForSelector("#chart-overview[data-chart-ready=true]");
    return { page, external, errors };
  }

  async function axeViolations(page: Page) {
    await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
    const found = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> } }).axe;
      return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3) }));
    });
    return found.filter((v) => v.impact === "serious" || v.impact === "critical");
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "costmon-dashboard-"));
    const data = join(dir, "data");
    // The nightly's console channel prints each alert with its dashboard link: the links people get.
    const nightly = spawnSync(process.execPath, [projectPath("bin/costmon.mjs"), "nightly", "--data-dir", data, "--no-reports", "--json"], {
      encoding: "utf8",
      stdio: ["ignore", "ignore", "pipe"],
    });
    expect(nightly.status).toBe(0);
    alertLinks = [...nightly.stderr.matchAll(/http:\/\/localhost:5000(\/tenants\/[^\s|]+)/g)].map((m) => m[1] ?? "");
    // One tenant writes its numbers the German way (the locale its alerts use too).
    const init = spawnSync(process.execPath, [projectPath("bin/costmon.mjs"), "tenant", "init", "--tenant", "globex-ml", "--name", "Globex ML", "--locale", "de-DE", "--data-dir", data], { encoding: "utf8" });
    expect(init.status, init.stderr).toBe(0);
    dash = await startDashboard(data);
    url = dash.ready.url;
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await browser?.close();
    await dash?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("serves the page on its alert-link paths and only the callables it uses", async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    // Everything the page loads is its own: no URL to another origin in any src or href.
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1] ?? "");
    expect(refs.filter((u) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(u))).toEqual([]);
    expect((await fetch(`${url}/tenants/acme-retail/anomalies/abc`)).status).toBe(200);
    expect((await fetch(`${url}/tenants/acme-retail/budgets/acme-monthly`)).status).toBe(200);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    // createApiKey is a deployed callable, but not one the dashboard uses: not reachable here.
    expect((await fetch(`${url}/api/createApiKey`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"data":{}}' })).status).toBe(404);
    // A callable without credentials is refused by the functions' own middleware.
    const anon = await fetch(`${url}/api/listAnomalies`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"data":{}}' });
    expect(((await anon.json()) as { error: { status: string } }).error.status).toBe("UNAUTHENTICATED");
  });

  it("an operator acknowledges an anomaly and gives feedback in the UI; the callable sees both", async () => {
    // Prepare: the anomaly to acknowledge, as the callable lists it
    const operator = await client("operator@acme-retail.example");
    const before = await operator.call<{ items: AnomalyItem[] }>("listAnomalies", { status: "open" });
    const target = before.items[0];
    expect(target).toBeDefined();
    const id = String(target?.id);
    const { page, external, errors } = await signedInPage("operator@acme-retail.example");
    await expect(page.locator("#tenant").textContent()).resolves.toBe("acme-retail");
    // Act: through the page only
    await page.getByRole("navigation").getByRole("link", { name: "Anomalies" }).click();
    const row = page.locator(`tr[data-anomaly-id="${id}"]`);
    await row.getByRole("button", { name: /^Acknowledge / }).click();
    await expect.poll(() => row.locator("[data-field=status]").textContent()).toBe("acknowledged");
    await row.getByLabel(/^Feedback on /).selectOption("planned");
    await expect.poll(() => row.locator("[data-field=status]").textContent()).toBe("acknowledged (planned)");
    // Assess: persisted, as the callable answers, by this user
    const after = await operator.call<{ items: AnomalyItem[] }>("listAnomalies", {});
    expect(after.items.find((a) => a.id === id)).toMatchObject({ status: "acknowledged", feedback: "planned", updatedBy: operator.uid });
    await page.reload();
    await page.waitForSelector(`tr[data-anomaly-id="${id}"]`);
    await expect(row.locator("[data-field=status]").textContent()).resolves.toBe("acknowledged (planned)");
    await expect(row.getByRole("button", { name: /^Acknowledge / }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-anomalies.png"), fullPage: true });
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("an alert link the nightly sent opens that anomaly", async () => {
    const link = alertLinks.find((l) => l.startsWith("/tenants/acme-retail/anomalies/"));
    expect(link).toBeDefined();
    const id = String(link?.split("/").pop());
    const { page } = await signedInPage("operator@acme-retail.example");
    await page.goto(`${url}${link}`);
    await expect(page.locator("#anomaly-detail").getAttribute("data-anomaly-id")).resolves.toBe(id);
    // Its impact as the callable holds it, formatted exactly in the anomaly's currency.
    const listed = (await (await client("viewer@acme-retail.example")).call<{ items: (AnomalyItem & { impact?: string; impactUsd?: string; currency?: string })[] }>("listAnomalies", {})).items.find((a) => a.id === id);
    const impact = String(listed?.impact ?? listed?.impactUsd);
    const expected = new Intl.NumberFormat("en-US", { style: "currency", currency: listed?.currency ?? "USD" }).format(impact as `${number}`);
    await expect(page.locator("#anomaly-detail [data-field=impact]").textContent()).resolves.toBe(expected);
    await expect(page.locator("h1").textContent()).resolves.toMatch(/^Anomaly \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2}$/);
    await page.screenshot({ path: join(SCREENSHOTS, "dashboard-anomaly-link.png"), fullPage: true });
    await page.context().close();
  });

  it("a user of another tenant sees none of it, in the page or through the callables", async () => {
    // Prepare
    const acme = await client("operator@acme-retail.example");
    const acmeIds = (await acme.call<{ items: AnomalyItem[] }>("listAnomalies", {})).items.map((a) => a.id);
    expect(acmeIds.length).toBeGreaterThan(0);
    const globex = await client("operator@globex-ml.example");
    // Act
    const { page } = await signedInPage("operator@globex-ml.example");
    await expect(page.locator("#tenant").textContent()).resolves.toBe("globex-ml");
    await page.getByRole("navigation").getByRole("link", { name: "Anomalies" }).click();
    await page.waitForSelector("#anomalies-table, #no-anomalies");
    const shown = await page.locator("tr[data-anomaly-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-anomaly-id")));
    await page.goto(`${url}/tenants/acme-retail/anomalies/${acmeIds[0]}`);
    await page.waitForSelector("#other-tenant");
    // Assess
    expect(shown.filter((x) => acmeIds.includes(String(x)))).toEqual([]);
    await expect(page.locator("#anomaly-detail").count()).resolves.toBe(0);
    // The tenant comes from the token: an acme id is simply not found in globex's tenant.
    const err = await globex.call("updateAnomaly", { id: acmeIds[0], acknowledge: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FunctionsError);
    expect((err as FunctionsError).code).toBe("functions/not-found");
    await page.context().close();
  });

  it("writes amounts in the tenant's locale: a de-DE tenant's budgets read 1.234,56 $", async () => {
    const globex = await client("operator@globex-ml.example");
    const budgets = (await globex.call<{ items: { id: string; amount: string; currency: string }[] }>("listBudgets", {})).items;
    expect(budgets.length).toBeGreaterThan(0);
    const { page } = await signedInPage("operator@globex-ml.example");
    await page.getByRole("navigation").getByRole("link", { name: "Budgets" }).click();
    for (const b of budgets) {
      const expected = new Intl.NumberFormat("de-DE", { style: "currency", currency: b.currency }).format(b.amount as `${number}`);
      await expect.poll(() => page.locator(`tr[data-budget-id="${b.id}"] td.num`).first().textContent()).toBe(expected);
    }
    expect(budgets.some((b) => /^\d{1,3}(\.\d{3})*,\d{2}\u00a0\$$/.test(new Intl.NumberFormat("de-DE", { style: "currency", currency: b.currency }).format(b.amount as `${number}`)))).toBe(true);
    await page.context().close();
  });

  it("a viewer is offered no triage, and the server refuses a viewer's acknowledge", async () => {
    const viewer = await client("viewer@acme-retail.example");
    const open = (await viewer.call<{ items: AnomalyItem[] }>("listAnomalies", { status: "open" })).items;
    const { page } = await signedInPage("viewer@acme-retail.example");
    await page.getByRole("navigation").getByRole("link", { name: "Anomalies" }).click();
    await page.waitForSelector("#anomalies-table");
    await expect(page.getByRole("button", { name: /^Acknowledge / }).count()).resolves.toBe(0);
    if (open[0]) {
      const err = await viewer.call("updateAnomaly", { id: open[0].id, acknowledge: true }).catch((e: unknown) => e);
      expect((err as FunctionsError).code).toBe("functions/permission-denied");
    }
    await page.context().close();
  });

  it("budgets: an operator's edit is refused by the server and the page says why", async () => {
    const { page } = await signedInPage("operator@acme-retail.example");
    await page.getByRole("navigation").getByRole("link", { name: "Budgets" }).click();
    await page.getByRole("button", { name: "Edit budget Acme monthly cloud" }).click();
    await page.getByLabel("Amount (USD)").fill("123456.78");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#budget-error").textContent()).resolves.toMatch(/Not allowed|second factor/);
    const budgets = await (await client("viewer@acme-retail.example")).call<{ items: { id: string; amount: string }[] }>("listBudgets", {});
    expect(budgets.items.find((b) => b.id === "acme-monthly")?.amount).not.toBe("123456.78");
    await page.context().close();
  });

  it("a manager signs in with the phone second factor and edits a budget; the callable sees the new amount", async () => {
    // Prepare
    const { page, external } = await signedInPage("manager@acme-retail.example");
    // Act
    await page.getByRole("navigation").getByRole("link", { name: "Budgets" }).click();
    await page.getByRole("button", { name: "Edit budget Acme monthly cloud" }).click();
    await page.getByLabel("Amount (USD)").fill("150000.25");
    await page.getByRole("button", { name: "Save" }).click();
    // Assess
    await expect.poll(() => page.locator('tr[data-budget-id="acme-monthly"] td.num').first().textContent()).toBe("$150,000.25");
    // A new budget in euros: stored with its currency, shown in it.
    await page.getByRole("button", { name: "New budget" }).click();
    await page.getByLabel("Id", { exact: true }).fill("acme-eu");
    await page.getByLabel("Name").fill("Acme EU");
    await page.getByLabel("Currency (ISO 4217)").fill("eur");
    await page.getByLabel("Amount (EUR)").fill("1234.5");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator('tr[data-budget-id="acme-eu"] td.num').first().textContent()).toBe("€1,234.50");
    const budgets = await (await client("viewer@acme-retail.example")).call<{ items: { id: string; amount: string; currency: string; updatedBy?: string }[] }>("listBudgets", {});
    expect(budgets.items.find((b) => b.id === "acme-monthly")).toMatchObject({ amount: "150000.25" });
    expect(budgets.items.find((b) => b.id === "acme-eu")).toMatchObject({ amount: "1234.5", currency: "EUR" });
    expect(external).toEqual([]);
    await page.context().close();
  });

  it("a manager creates a console alert channel and sends it a test message through the page", async () => {
    const { page } = await signedInPage("manager@acme-retail.example");
    await page.getByRole("navigation").getByRole("link", { name: "Alert channels" }).click();
    await page.getByLabel("Id", { exact: true }).fill("dash-console");
    await page.getByLabel("Name").fill("Dashboard console");
    await page.getByRole("button", { name: "Save channel" }).click();
    await expect.poll(() => page.locator("#channel-saved").textContent()).toBe("Saved console channel dash-console.");
    await page.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => page.locator("#channel-test-result").textContent()).toBe("Test message sent to channel dash-console.");
    // The console channel's adapter wrote the test message where the dashboard's process prints.
    await expect.poll(() => dash.output()).toContain("[test] tenant=acme-retail channel=dash-console console channel works");
    await page.context().close();
  });

  it("refuses an operator's channel change on the server", async () => {
    const { page } = await signedInPage("operator@acme-retail.example");
    await page.goto(`${url}/channels`);
    await page.getByLabel("Id", { exact: true }).fill("op-console");
    await page.getByRole("button", { name: "Save channel" }).click();
    await expect.poll(() => page.locator("#channel-error").textContent()).toMatch(/Not allowed|second factor/);
    await page.context().close();
  });

  it("shows recommendations and LLM usage as their callables answer them", async () => {
    // The demo ledger has neither; the views must then say so rather than fail or show a table.
    const viewer = await client("viewer@acme-retail.example");
    const recs = await viewer.call<{ items: { id: string }[] }>("listRecommendations", { limit: 200 });
    const { page } = await signedInPage("viewer@acme-retail.example");
    await page.getByRole("navigation").getByRole("link", { name: "Recommendations" }).click();
    await page.waitForSelector("#no-recommendations, #recommendations-table");
    await expect(page.locator("tr[data-recommendation-id]").count()).resolves.toBe(recs.items.length);
    await expect(page.locator("#no-recommendations").count()).resolves.toBe(recs.items.length === 0 ? 1 : 0);
    await page.getByRole("navigation").getByRole("link", { name: "LLM usage" }).click();
    const range = String(await page.locator("main p").first().textContent());
    const [, start, end] = /(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/.exec(range) ?? [];
    const usage = await viewer.call<{ totals: { events: number } }>("getLlmUsage", { start, end });
    await page.waitForSelector(usage.totals.events === 0 ? "#no-llm-usage" : "#llm-total");
    await page.context().close();
  });

  it("can be used from the keyboard: skip link first, views reached with Tab and Enter", async () => {
    const { page } = await signedInPage("operator@acme-retail.example");
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Skip to content");
    // Tab on to the nav's "Forecasts" link and follow it with Enter.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.textContent)) === "Forecasts") break;
    }
    await page.keyboard.press("Enter");
    await page.waitForSelector("#chart-forecast[data-chart-ready=true]");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("main");
    await page.context().close();
  });

  it("the explorer shows each currency's total as the callable sums it, and groups by a tag key", async () => {
    const { page } = await signedInPage("viewer@acme-retail.example");
    await page.goto(`${url}/costs`);
    await page.waitForSelector("#chart-costs[data-chart-ready=true]");
    const start = await page.locator("#costs-start").inputValue();
    const end = await page.locator("#costs-end").inputValue();
    const viewer = await client("viewer@acme-retail.example");
    const summary = await viewer.call<{ totals: { currency: string; billedCost: string }[] }>("getCostSummary", { start, end, groupBy: ["provider"] });
    expect(summary.totals.length).toBeGreaterThan(0);
    const shown = summary.totals.map((t) => new Intl.NumberFormat("en-US", { style: "currency", currency: t.currency }).format(t.billedCost as `${number}`)).join(" · ");
    await expect(page.locator("p", { hasText: "Total" }).locator("strong").textContent()).resolves.toBe(shown);
    // By tag: the demo ledger carries no tags, so all of it is one untagged group of the same total.
    await page.selectOption("#costs-group", "tag");
    await page.fill("#costs-tag", "team");
    await page.click("form.filters button[type=submit]");
    // The table is drawn again once the new answer is in: wait for the untagged group itself.
    await page.waitForSelector("#costs-table:has(caption:has-text('tag team')) tbody th:has-text('(none)')");
    await expect(page.locator("#costs-table tbody tr").count()).resolves.toBe(1);
    await expect(page.locator("p", { hasText: "Total" }).locator("strong").textContent()).resolves.toBe(shown);
    await page.context().close();
  });

  it("has no serious or critical axe violation on any view, and draws its charts from the callables' rows", async () => {
    // axe is injected as an inline script, which the page's Content-Security-Policy refuses.
    const axeContext = () => browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const { page } = await signedInPage("operator@acme-retail.example", await axeContext());
    const report: Record<string, unknown> = {};
    const views: [string, string][] = [
      ["/", "#chart-overview[data-chart-ready=true]"],
      ["/costs", "#chart-costs[data-chart-ready=true]"],
      ["/anomalies", "#anomalies-table"],
      ["/budgets", "#budgets-table"],
      ["/forecasts", "#chart-forecast[data-chart-ready=true]"],
      ["/channels", "#channel-test-id"],
      ["/recommendations", "#no-recommendations, #recommendations-table"],
      ["/llm", "#no-llm-usage, #llm-total"],
      ["/tenants/acme-retail/budgets/acme-monthly", "tr.highlight"],
    ];
    for (const [path, ready] of views) {
      await page.goto(`${url}${path}`);
      await page.waitForSelector(ready);
      report[path] = await axeViolations(page);
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard${path.replace(/\//g, "-") || "-overview"}.png`), fullPage: true });
    }
    // The overview's bars: one series per provider the callable reports for the same 30 days.
    await page.goto(url);
    await page.waitForSelector("#chart-overview[data-chart-ready=true]");
    const series = await page.evaluate(() => {
      const ec = (window as unknown as { echarts: { getInstanceByDom(el: Element): { getOption(): { series: { name: string; data: unknown[] }[] } } | undefined } }).echarts;
      return ec
        .getInstanceByDom(document.getElementById("chart-overview") as Element)
        ?.getOption()
        .series.map((s) => ({ name: s.name, points: s.data.length, stack: (s as { stack?: string }).stack }));
    });
    const range = await page.locator("#daily-h").textContent();
    const [, start, end] = /(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/.exec(String(range)) ?? [];
    const summary = await (await client("viewer@acme-retail.example")).call<{ rows: { dims: { provider: string } }[] }>("getCostSummary", { start, end, groupBy: ["provider"] });
    expect(series?.map((s) => s.name).sort()).toEqual([...new Set(summary.rows.map((r) => r.dims.provider))].sort());
    expect(series?.every((s) => s.points === 30)).toBe(true);
    // Bars stack within one currency only (acme-retail's ledger is all USD: one stack).
    expect([...new Set(series?.map((s) => s.stack))]).toEqual(["cost-USD"]);
    await page.context().close();
    // Sign-in page too, signed out.
    const ctx = await axeContext();
    const signIn = await ctx.newPage();
    await signIn.goto(url);
    await signIn.waitForSelector("#email");
    report.signIn = await axeViolations(signIn);
    await ctx.close();
    expect(report).toEqual(Object.fromEntries(Object.keys(report).map((k) => [k, []])));
  });
});
