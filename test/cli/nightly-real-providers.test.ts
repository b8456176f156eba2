import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Big from "big.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NightlyResult } from "#cli/nightly/run-nightly.js";
import { anomalyAlertId } from "#domain/alerts/alert-event.js";
import type { CostRow } from "#domain/billing/ports.js";
import { type AppDeps, closeDeps, configureDeps, getDeps } from "../../functions/src/deps.js";
import { subscribeEventFunctions } from "../../functions/src/local-subscriptions.js";
import { type EntryPointClient, serveEntryPoints } from "../entrypoints/support/app-harness.js";
import { bearer, fakeVerifier } from "../entrypoints/support/fake-id-tokens.js";
import { type PagerDutyReceiver, startPagerDutyReceiver } from "../support/receivers/pagerduty-receiver.js";
import { slackPayloadErrors } from "../support/receivers/slack-payload-check.js";
import { type SlackReceiver, startSlackReceiver } from "../support/receivers/slack-receiver.js";
import { sumOf, type TruthRow } from "../support/replay/billing-dataset.js";
import {
  AWS_KEYS,
  AWS_LINKED,
  LIVE_PROVIDERS,
  type LiveProvider,
  outOfScopeRows,
  type ReplayProviders,
  scopedTruth,
  startReplayProviders,
  writeConfigDir,
  writeTenantsFile,
} from "../support/replay/provider-nightly.js";
import { repoRoot } from "../support/shared-data.js";

/**
 * `costmon nightly` as an operator runs it against real provider accounts: the CLI as a child
 * process, configured only by files (an F7 config folder pointing the providers' endpoints and
 * PagerDuty at local stand-ins, a tenants file with a GCP, an AWS and an Azure account, credential
 * and secret files). Nothing is injected: the real collectors speak each provider's wire format to
 * the replay servers, and the real Slack and PagerDuty channels post to receivers that check the
 * payloads against the providers' schemas. Then, on the same data folder, the callables an operator
 * uses next: acknowledging and resolving the paged anomaly, and testing each channel.
 */

const TENANT = "real-co";
const RUN_DATE = "2026-11-20";
const HISTORY_MONTHS = 2;
/** What a new account backfills on RUN_DATE: from the first of the month HISTORY_MONTHS back, through yesterday. */
const WINDOW = { start: "2026-09-01", end: "2026-11-19" };
/** The servers hold more than the window, so that a collector reading outside it would show. */
const SERVED = { start: "2026-08-01", end: "2026-11-30" };
const ROUTING_KEY = "R0UT1NGKEYREPLAY0000000000000001";
const SPIKED_ACCOUNT = AWS_LINKED[0]!;
const operator = bearer({ uid: "ops-lead", tenantId: TENANT, trustLevel: 4, mfa: true, zones: ["nonprod", "prod", "admin"] });

/** The scoped truth, with S3 in one AWS linked account at eight times its usual cost on the last two days. */
function truthWithSpike(): Record<LiveProvider, TruthRow[]> {
  const truth = scopedTruth(SERVED);
  const spiked = (r: TruthRow): TruthRow =>
    r.account === SPIKED_ACCOUNT && r.category === "Usage" && r.date >= "2026-11-18" && r.date <= WINDOW.end
      ? { ...r, cost: new Big(r.cost).times(8).toFixed(), effective: new Big(r.effective).times(8).toFixed() }
      : r;
  return { ...truth, aws: truth.aws.map(spiked) };
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real command line, as a child process that inherits no COSTMON_* variable. */
function runCli(args: string[], extraEnv: Record<string, string>): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("COSTMON_")));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, "bin", "costmon.mjs"), ...args],
      { cwd: repoRoot, env: { ...env, METADATA_SERVER_DETECTION: "none", ...extraEnv }, encoding: "utf8", timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("costmon nightly with real GCP, AWS and Azure accounts, configured only by files", () => {
  const dir = mkdtempSync(join(tmpdir(), "nightly-real-"));
  const dataDir = join(dir, "data");
  const configDir = join(dir, "config");
  const truth = truthWithSpike();
  let providers: ReplayProviders;
  let slack: SlackReceiver;
  let pd: PagerDutyReceiver;
  let tenantsFile: string;
  let first: CliRun;
  let second: CliRun;
  let firstSummary: NightlyResult;
  let secondSummary: NightlyResult;
  let alertsAfterFirst: { slack: number; pagerduty: number };
  let deps: AppDeps;
  let app: EntryPointClient;

  beforeAll(async () => {
    // Prepare: the stand-ins, then only files for the command line.
    const foreign = outOfScopeRows(SERVED);
    providers = await startReplayProviders({
      dir,
      rows: { gcp: [...truth.gcp, ...foreign.gcp], aws: [...truth.aws, ...foreign.aws], azure: [...truth.azure, ...foreign.azure] },
    });
    slack = await startSlackReceiver();
    pd = await startPagerDutyReceiver();
    writeConfigDir(configDir, {
      providers,
      historyMonths: HISTORY_MONTHS,
      pagerDutyEventsUrl: pd.url,
      selfops: { retry_base: "5ms", retry_max: "50ms" },
    });
    const tenantsDir = join(dir, "tenants");
    tenantsFile = writeTenantsFile(tenantsDir, {
      tenantId: TENANT,
      today: RUN_DATE,
      budgets: [{ id: "tiny-monthly", name: "Tiny monthly", period: "monthly", amount: "10.00" }],
      alert_channels: [
        { id: "team-slack", kind: "slack", name: "Team Slack", secret: { file: "slack-webhook.txt" } },
        { id: "oncall", kind: "pagerduty", name: "On call", secret: { env: "TEST_PAGERDUTY_ROUTING_KEY" } },
      ],
    });
    writeFileSync(join(tenantsDir, "slack-webhook.txt"), `${slack.baseUrl}/services/T000REPLAY/B000REPLAY/replayhooksecret\n`);
    const args = ["nightly", "--config", tenantsFile, "--config-dir", configDir, "--data-dir", dataDir, "--date", RUN_DATE, "--json"];
    const env = { TEST_PAGERDUTY_ROUTING_KEY: ROUTING_KEY };

    // Act: the nightly, then the same day again.
    first = await runCli(args, env);
    firstSummary = JSON.parse(first.stdout) as NightlyResult;
    alertsAfterFirst = { slack: slack.messages.length, pagerduty: pd.events.length };
    second = await runCli(args, env);
    secondSummary = JSON.parse(second.stdout) as NightlyResult;

    // The same data folder and config, in this process: the ledger, the callables, the event functions.
    configureDeps({ env: { COSTMON_ENV: "dev", COSTMON_DATA_DIR: dataDir, COSTMON_DEMO_TENANTS_FILE: tenantsFile }, configDir, verifyIdToken: fakeVerifier, logSink: () => {} });
    deps = await getDeps();
    await subscribeEventFunctions(deps.bus);
    app = await serveEntryPoints();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await closeDeps();
    await Promise.all([providers?.close(), slack?.close(), pd?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const tenantOf = (r: NightlyResult) => r.tenants.find((t) => t.tenantId === TENANT)!;
  const inWindow = (rows: TruthRow[]) => rows.filter((r) => r.date >= WINDOW.start && r.date <= WINDOW.end);

  it("exits 0 both times with nothing but the JSON summary on stdout", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    for (const out of [first.stdout, second.stdout]) {
      expect(() => JSON.parse(out)).not.toThrow();
      expect(out.trim().startsWith("{") && out.trim().endsWith("}")).toBe(true);
    }
    expect(tenantOf(firstSummary)).toMatchObject({ pages: 9, failedPages: 0 });
  });

  it("lands exactly each provider's truth total for the backfilled window in the ledger", async () => {
    // Act
    const rows: CostRow[] = await deps.warehouse.queryDaily(TENANT, { window: SERVED, groupBy: ["provider"] });

    // Assess: nothing outside the window, nothing of the accounts outside the scope.
    const ledger = Object.fromEntries(LIVE_PROVIDERS.map((p) => [p, sumOf(rows.filter((r) => r.dims.provider === p))]));
    const expected = Object.fromEntries(LIVE_PROVIDERS.map((p) => [p, sumOf(inWindow(truth[p]))]));
    expect(ledger).toEqual(expected);
    expect(rows.every((r) => r.date >= WINDOW.start && r.date <= WINDOW.end)).toBe(true);
    expect(tenantOf(firstSummary).inserted).toBeGreaterThan(0);
    expect(tenantOf(secondSummary)).toMatchObject({ inserted: 0, updated: 0, deleted: 0, failedPages: 0 });
  });

  it("collected through the replay servers, with the credentials and project the files name", () => {
    for (const p of LIVE_PROVIDERS) expect(providers.calls(p).total, `${p} calls`).toBeGreaterThan(0);
    expect(providers.bq.calls.some((c) => c.method === "POST" && c.path === "/bigquery/v2/projects/demo-test/jobs")).toBe(true);
    expect(providers.ce.requests.every((r) => String(r.headers.authorization).includes(`Credential=${AWS_KEYS.accessKeyId}/`))).toBe(true);
    expect(providers.entra.tokenRequests.length).toBeGreaterThan(0);
    expect(providers.cm.requests.every((r) => r.headers.authorization === `Bearer ${providers.entra.accessToken}`)).toBe(true);
  });

  it("alerts the anomaly and the budget as valid Block Kit posts to Slack and trigger events to PagerDuty", () => {
    const analysis = tenantOf(firstSummary).analysis!;
    const spike = analysis.anomalies.find((a) => a.seriesKey === `aws|${SPIKED_ACCOUNT}|Amazon Simple Storage Service`);
    expect(spike).toMatchObject({ direction: "increase", status: "open" });
    expect(analysis.budgets.find((b) => b.budgetId === "tiny-monthly")?.newCrossings).toContain("actual:100");

    expect(slack.rejected).toEqual([]);
    expect(alertsAfterFirst.slack).toBeGreaterThanOrEqual(2);
    for (const m of slack.messages.slice(0, alertsAfterFirst.slack)) {
      expect(m.path).toBe("/services/T000REPLAY/B000REPLAY/replayhooksecret");
      expect(m.payload.blocks?.length).toBeGreaterThan(0);
      expect(slackPayloadErrors(m.payload)).toEqual([]);
    }

    expect(pd.rejected).toEqual([]);
    const triggers = pd.events.slice(0, alertsAfterFirst.pagerduty);
    expect(triggers.every((e) => e.event_action === "trigger" && e.routing_key === ROUTING_KEY)).toBe(true);
    expect(triggers.map((e) => e.dedup_key)).toContain(anomalyAlertId(TENANT, spike!.id));
    expect(triggers.some((e) => e.dedup_key.startsWith("budget-"))).toBe(true);
    expect(tenantOf(firstSummary).alerts.total.sent).toBe(alertsAfterFirst.slack + alertsAfterFirst.pagerduty);
  });

  it("sends no new alert when the same day runs again", () => {
    expect(alertsAfterFirst.pagerduty).toBeGreaterThan(0);
    expect(tenantOf(secondSummary).alerts.total.sent).toBe(0);
    expect(tenantOf(secondSummary).analysis?.anomalies.map((a) => a.id)).toEqual(tenantOf(firstSummary).analysis?.anomalies.map((a) => a.id));
    expect({ slack: slack.messages.length, pagerduty: pd.events.length }).toEqual(alertsAfterFirst);
  });

  it("acknowledges, then resolves, the PagerDuty incident of the paged anomaly through updateAnomaly", async () => {
    // Prepare
    const spike = tenantOf(firstSummary).analysis!.anomalies.find((a) => a.seriesKey.startsWith(`aws|${SPIKED_ACCOUNT}|`))!;
    const dedupKey = anomalyAlertId(TENANT, spike.id);
    expect(pd.alerts.get(dedupKey)).toBe("triggered");
    const before = pd.events.length;

    // Act
    const acknowledged = await app.call("updateAnomaly", { id: spike.id, acknowledge: true }, operator);
    await deps.bus.drain();
    const afterAck = pd.events.slice(before);
    const resolved = await app.call("updateAnomaly", { id: spike.id, resolve: true }, operator);
    await deps.bus.drain();
    const afterResolve = pd.events.slice(before + afterAck.length);

    // Assess
    expect(acknowledged.body.error).toBeUndefined();
    expect(acknowledged.body.result).toMatchObject({ id: spike.id, status: "acknowledged" });
    expect(afterAck).toEqual([{ routing_key: ROUTING_KEY, event_action: "acknowledge", dedup_key: dedupKey }]);
    expect(resolved.body.result).toMatchObject({ id: spike.id, status: "resolved" });
    expect(afterResolve).toEqual([{ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: dedupKey }]);
    expect(pd.alerts.get(dedupKey)).toBe("resolved");
    expect(pd.rejected).toEqual([]);
    expect((await deps.documents.get(`tenants/${TENANT}/anomalies/${spike.id}`))?.status).toBe("resolved");
  });

  it("sends a real test message through the Slack and the PagerDuty channel with testAlertChannel", async () => {
    // Prepare
    const slackBefore = slack.messages.length;
    const pdBefore = pd.events.length;

    // Act
    const slackTest = await app.call("testAlertChannel", { id: "team-slack" }, operator);
    const pdTest = await app.call("testAlertChannel", { id: "oncall" }, operator);

    // Assess
    expect(slackTest.body).toEqual({ result: { id: "team-slack", ok: true, status: 200 } });
    expect(pdTest.body.result).toMatchObject({ id: "oncall", ok: true });
    const slackSent = slack.messages.slice(slackBefore);
    expect(slackSent).toHaveLength(1);
    expect(slackPayloadErrors(slackSent[0]!.payload)).toEqual([]);
    expect(JSON.stringify(slackSent[0]!.payload)).toContain(TENANT);
    const pdSent = pd.events.slice(pdBefore);
    expect(pdSent.map((e) => e.event_action)).toEqual(["trigger", "resolve"]);
    expect(pdSent[0]!.dedup_key).toBe(pdSent[1]!.dedup_key);
    expect(pdSent.every((e) => e.routing_key === ROUTING_KEY)).toBe(true);
    expect(pd.alerts.get(pdSent[0]!.dedup_key)).toBe("resolved");
    expect(slack.rejected).toEqual([]);
    expect(pd.rejected).toEqual([]);
  });
});
