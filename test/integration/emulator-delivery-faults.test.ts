import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryCounts } from "#adapters/emulators/delivery-ledger.js";
import type { PushFaults } from "#adapters/emulators/push-faults.js";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { runEmulatorNightly } from "#cli/nightly/emulator-nightly.js";
import type { NightlyResult } from "#cli/nightly/run-nightly.js";
import { createProgress } from "#cli/progress.js";
import { type CrashLog, type CrashPlan, crashingDocumentStore } from "../support/faults/crashing-document-store.js";
import { alertCounts, type LedgerFigures, ledgerFigures, writeAlertingDemo } from "../support/faults/alerting-demo.js";
import { startPagerDutyReceiver } from "../support/receivers/pagerduty-receiver.js";
import { startSlackReceiver } from "../support/receivers/slack-receiver.js";

/**
 * The demo nightly on the official emulators, twice on two data folders: clean, and with the
 * worst delivery Pub/Sub allows injected at the push relay (every push reaches its function three
 * times, each copy after a random wait, so copies overlap and messages overtake each other) while
 * a fifth of the handler invocations crash right after their first write (a wrapper around the
 * Firestore store the functions use). The faulty run must end exactly where the clean one did: the
 * same ledger without a duplicate row, one alert per anomaly and budget threshold on Slack and
 * PagerDuty (real channels from the tenants file, pointing at receivers that check the payloads),
 * and every crashed message handled in the end, none lost. Two months of history keep it short.
 */
const FAULTS: PushFaults = { copies: 3, maxDelayMs: 150, seed: 20261204 };
const CRASHES: CrashPlan = { rate: Number(process.env.FAULTS_RATE ?? 0.2), seed: Number(process.env.FAULTS_SEED ?? 7), maxPerMessage: 2 };

interface Scenario {
  summary: NightlyResult;
  deliveries: DeliveryCounts;
  ledger: Record<string, LedgerFigures>;
  alerts: { slack: Record<string, number>; pagerduty: Record<string, number> };
  rejected: number;
  crashes?: CrashLog;
}

const dir = mkdtempSync(join(tmpdir(), "emulator-faults-"));
const progress = createProgress({ quiet: true });

async function scenario(name: string, faulty: boolean): Promise<Scenario> {
  const slack = await startSlackReceiver();
  const pd = await startPagerDutyReceiver();
  const { tenantsFile, configDir } = writeAlertingDemo(join(dir, name), { slack, pd, historyMonths: 2 });
  const dataDir = join(dir, name, "data");
  let crashes: CrashLog | undefined;
  let firestore: FirestoreDocumentStore | undefined;
  try {
    const { summary, deliveries } = await runEmulatorNightly(
      {
        config: tenantsFile,
        configDir,
        dataDir,
        ...(faulty
          ? {
              faults: FAULTS,
              overrides: (env: Record<string, string>) => {
                firestore = new FirestoreDocumentStore({ projectId: "demo-test", emulatorHost: env.COSTMON_EMULATORS_FIRESTORE_HOST ?? "" });
                const crashing = crashingDocumentStore(firestore, CRASHES);
                crashes = crashing.log;
                return { documents: crashing.store };
              },
            }
          : {}),
      },
      progress,
    );
    return { summary, deliveries, ledger: await ledgerFigures(dataDir), alerts: alertCounts(slack, pd), rejected: slack.rejected.length + pd.rejected.length, ...(crashes ? { crashes } : {}) };
  } finally {
    await firestore?.close();
    await Promise.all([slack.close(), pd.close()]);
  }
}

let clean: Scenario;
let faulty: Scenario;

beforeAll(async () => {
  // Act (for every case below): the same nightly, clean and faulty.
  clean = await scenario("clean", false);
  faulty = await scenario("faulty", true);
  const crashes = faulty.crashes as CrashLog;
  const crashed = [...new Set(crashes.crashes)];
  if (process.env.FAULTS_DUMP) (await import("node:fs")).writeFileSync(process.env.FAULTS_DUMP, JSON.stringify({ clean: clean.summary, faulty: faulty.summary, crashes: crashes.crashes }, null, 1));
  console.log(
    JSON.stringify({
      faults: { ...FAULTS, crashRate: CRASHES.rate },
      handlerInvocations: crashes.invocations,
      crashes: crashes.crashes.length,
      crashedMessages: crashed.length,
      crashedMessagesHandled: crashed.filter((k) => crashes.completed.has(k)).length,
      crashedMessagesDeadLettered: crashed.filter((k) => crashes.deadLettered.has(k)).length,
      duplicateCostRecords: Object.values(faulty.ledger).reduce((n, t) => n + t.rows - t.recordKeys, 0),
      ledger: { clean: clean.ledger, faulty: faulty.ledger },
      alerts: {
        clean: { slack: Object.keys(clean.alerts.slack).length, pagerduty: Object.keys(clean.alerts.pagerduty).length },
        faulty: {
          slackMessages: Object.values(faulty.alerts.slack).reduce((a, b) => a + b, 0),
          slackAlerts: Object.keys(faulty.alerts.slack).length,
          pagerdutyTriggers: Object.values(faulty.alerts.pagerduty).reduce((a, b) => a + b, 0),
          pagerdutyAlerts: Object.keys(faulty.alerts.pagerduty).length,
        },
      },
      deliveries: { clean: clean.deliveries, faulty: faulty.deliveries },
    }),
  );
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the demo nightly on the emulators under duplicated, reordered deliveries and crashing handlers", () => {
  it("actually injected the faults: extra copies, and crashes after a first write that were retried", () => {
    const crashes = faulty.crashes as CrashLog;
    expect(faulty.deliveries.copies).toBeGreaterThanOrEqual(2 * faulty.deliveries.published);
    expect(crashes.crashes.length).toBeGreaterThan(0);
    expect(faulty.deliveries.failedAttempts).toBeGreaterThan(0);
  });

  it("leaves no duplicate CostRecord and the same ledger totals per tenant as the clean run", () => {
    for (const t of Object.values(faulty.ledger)) expect(t.rows).toBe(t.recordKeys);
    expect(Object.keys(clean.ledger).length).toBe(3);
    expect(faulty.ledger).toEqual(clean.ledger);
  });

  it("sends exactly one alert per anomaly and budget threshold, the clean run's, to Slack and PagerDuty", () => {
    const events = clean.summary.tenants.reduce((n, t) => n + (t.analysis?.alertEvents ?? 0), 0);
    expect(events).toBeGreaterThan(0);
    expect(Object.keys(clean.alerts.slack)).toHaveLength(events);
    for (const run of [clean, faulty]) {
      expect(Object.values(run.alerts.slack).every((n) => n === 1)).toBe(true);
      expect(Object.values(run.alerts.pagerduty).every((n) => n === 1)).toBe(true);
      expect(run.rejected).toBe(0);
    }
    expect(faulty.alerts).toEqual(clean.alerts);
  });

  it("ends with the clean run's summary: the same pages and records, analysis and alert report, no failed page", () => {
    // The upsert counts (inserted, updated, unchanged) are the last attempt's of each page: a
    // page that crashed after its ledger write finds its rows there on the retry.
    const outcome = (r: Scenario) => r.summary.tenants.map(({ tenantId, pages, records, failedPages, analysis, alerts }) => ({ tenantId, pages, records, failedPages, analysis, alerts }));
    expect(faulty.summary.tenants.every((t) => t.failedPages === 0)).toBe(true);
    expect(outcome(faulty)).toEqual(outcome(clean));
  });

  it("loses no message: every delivery owed was acknowledged or dead-lettered, and every crashed message was handled in the end", () => {
    const crashes = faulty.crashes as CrashLog;
    for (const d of [clean.deliveries, faulty.deliveries]) expect(d.acknowledged + d.deadLettered).toBe(d.deliveries);
    // A message crashes at most twice of its five attempts: each must end handled, not given up on.
    const lost = [...new Set(crashes.crashes)].filter((k) => !crashes.completed.has(k));
    expect(lost).toEqual([]);
    expect(faulty.deliveries.deadLettered).toBe(0);
  });
});
