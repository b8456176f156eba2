import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dump, load } from "js-yaml";
import { openDuckDb, closeDuckDb } from "#adapters/local/duckdb-open.js";
import { repoRoot } from "../shared-data.js";
import type { PagerDutyReceiver } from "../receivers/pagerduty-receiver.js";
import type { SlackReceiver } from "../receivers/slack-receiver.js";

/**
 * The demo tenants with real alert channels, set up only through files, for nightlies whose
 * alerts must be counted: a tenants file (config/demo/tenants.yaml with a Slack and a PagerDuty
 * channel per tenant, their secrets in files beside it, pointing at local receivers) and an F7
 * config folder (the shipped base.yaml, project `demo-test`, `history_months` of collection and
 * PagerDuty's endpoint at its receiver), as seed-tenants.ts and provider-nightly.ts read them.
 */

/** A 32-character PagerDuty routing key per tenant. */
export const routingKeyOf = (tenantId: string) => `R${tenantId.replace(/[^A-Za-z0-9]/g, "")}`.padEnd(32, "0").slice(0, 32);

export function writeAlertingDemo(dir: string, o: { slack: SlackReceiver; pd: PagerDutyReceiver; historyMonths: number }): { tenantsFile: string; configDir: string; tenantIds: string[] } {
  const tenantsDir = join(dir, "tenants");
  const configDir = join(dir, "config");
  mkdirSync(tenantsDir, { recursive: true });
  mkdirSync(configDir, { recursive: true });
  const demo = load(readFileSync(join(repoRoot, "config", "demo", "tenants.yaml"), "utf8")) as { tenants: { id: string; alert_channels?: unknown[] }[] };
  for (const t of demo.tenants) {
    writeFileSync(join(tenantsDir, `${t.id}-slack.txt`), `${o.slack.baseUrl}/services/${t.id}/B000/hooksecret\n`);
    writeFileSync(join(tenantsDir, `${t.id}-pd.txt`), `${routingKeyOf(t.id)}\n`);
    t.alert_channels = [
      { id: "team-slack", kind: "slack", name: "Team Slack", secret: { file: `${t.id}-slack.txt` } },
      { id: "oncall", kind: "pagerduty", name: "On call", secret: { file: `${t.id}-pd.txt` } },
    ];
  }
  const tenantsFile = join(tenantsDir, "tenants.yaml");
  writeFileSync(tenantsFile, dump(demo));
  copyFileSync(join(repoRoot, "config", "base.yaml"), join(configDir, "base.yaml"));
  const dev = {
    project: { id: "demo-test" },
    logging: { level: "warning" },
    collection: { trailing_days: 3, history_months: o.historyMonths },
    alerts: { pagerduty_events_url: o.pd.url },
  };
  writeFileSync(join(configDir, "dev.yaml"), dump(dev));
  return { tenantsFile, configDir, tenantIds: demo.tenants.map((t) => t.id) };
}

/** Ledger rows per tenant: how many, how many distinct record keys, and the exact billed total. */
export interface LedgerFigures {
  rows: number;
  recordKeys: number;
  billed: string;
}

/** Reads the ledger a run left in `dataDir` (the DuckDB warehouse; the run has closed it). */
export async function ledgerFigures(dataDir: string): Promise<Record<string, LedgerFigures>> {
  const db = await openDuckDb({ dataDir }, "warehouse.duckdb");
  try {
    const reader = await db.connection.runAndReadAll(
      "SELECT tenant_id, count(*)::INTEGER AS n, count(DISTINCT record_key)::INTEGER AS k, CAST(sum(billed_cost) AS VARCHAR) AS billed FROM daily_costs GROUP BY tenant_id ORDER BY tenant_id",
    );
    return Object.fromEntries(
      (reader.getRowObjectsJson() as { tenant_id: string; n: number; k: number; billed: string }[]).map((r) => [r.tenant_id, { rows: Number(r.n), recordKeys: Number(r.k), billed: r.billed }]),
    );
  } finally {
    closeDuckDb(db);
  }
}

/** How many times each alert id reached each receiver: Slack by the id in the message's context line, PagerDuty triggers by dedup_key. */
export function alertCounts(slack: SlackReceiver, pd: PagerDutyReceiver): { slack: Record<string, number>; pagerduty: Record<string, number> } {
  const count = (ids: string[]) => ids.reduce<Record<string, number>>((m, id) => ({ ...m, [id]: (m[id] ?? 0) + 1 }), {});
  const slackIds = slack.messages.map((m) => /alert `([^`]+)`/.exec(JSON.stringify(m.payload))?.[1] ?? "?");
  const pdIds = pd.events.filter((e) => e.event_action === "trigger").map((e) => e.dedup_key);
  return { slack: count(slackIds), pagerduty: count(pdIds) };
}
