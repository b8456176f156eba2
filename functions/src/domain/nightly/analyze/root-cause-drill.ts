import { addDays, type DayWindow } from "#kernel/days.js";
import { paths } from "#kernel/document-paths.js";
import type { Doc, DocumentStore } from "#kernel/ports.js";
import { type AnomalyRun, attributeRootCause, type ChildSeries, parseSeriesKey, type SettingsForSeries, settingsFor, type UsageSeries } from "../../analysis/anomaly/index.js";
import { CloudAccountDocSchema, toAccountRef } from "../../billing/cloud-account.js";
import { fromNumber, toNumber } from "../../billing/money.js";
import type { DrillDownSeries } from "../../billing/ports.js";
import type { BillingSourceResolver } from "../collect-account.js";

/** Providers whose ledger rows lack the root-cause columns, so a flagged anomaly is drilled into at the API. */
export const DRILL_PROVIDERS: ReadonlySet<string> = new Set(["aws", "azure"]);

/** Days of history before an anomaly the drill-down asks for: the children's expectations are modelled on them. */
export const DRILL_HISTORY_DAYS = 28;

/** One drill-down: the children of one series (provider, sub account, service) over a window. */
export type DrillDown = (req: { provider: string; subAccountId: string; service: string; window: DayWindow }) => Promise<DrillDownSeries[] | null>;

/**
 * A DrillDown over the tenant's connected accounts: the first account of the provider whose
 * source drills down and has the sub account in its scope answers. Demo accounts and sources
 * without a drill-down answer nothing.
 */
export function drillDownThrough(store: DocumentStore, sourceFor: BillingSourceResolver, tenantId: string): DrillDown {
  let accounts: Promise<Doc[]> | undefined;
  const listAccounts = async () => {
    const out: Doc[] = [];
    let startAfter: string | undefined;
    do {
      const page = await store.list(paths.cloudAccounts(tenantId), { limit: 300, ...(startAfter ? { startAfter } : {}) });
      out.push(...page.docs);
      startAfter = page.next;
    } while (startAfter);
    return out;
  };
  return async (req) => {
    accounts ??= listAccounts();
    for (const d of await accounts) {
      const parsed = CloudAccountDocSchema.safeParse(d.data);
      if (!parsed.success || parsed.data.provider !== req.provider) continue;
      const ref = toAccountRef(tenantId, d.id, parsed.data);
      const source = sourceFor(ref, parsed.data);
      if (!source.drillDown) continue;
      const series = await source.drillDown({ account: ref, window: req.window, subAccountId: req.subAccountId, service: req.service });
      if (series) return series;
    }
    return null;
  };
}

/** Whether the ledger's own root causes say anything: a region other than "(none)". */
const informative = (run: AnomalyRun) => run.rootCauses.some((c) => c.dimension !== "other" && c.value !== "(none)");

/**
 * Root causes from the provider's API for the anomalies whose provider needs it (DRILL_PROVIDERS),
 * the way AWS Cost Anomaly Detection reports them: each dimension of the drill-down (region and
 * usage type on AWS, resource group and meter category on Azure) splits the anomaly's last-day
 * deviation among its values, in money, with attributeRootCause. The ledger's own causes stay in
 * front when they name a region. `skip` leaves out runs whose document will not change (the
 * drill-down costs provider calls); a failed or empty drill-down keeps the ledger's causes.
 */
export async function drillRootCauses(
  runs: readonly AnomalyRun[],
  series: readonly UsageSeries[],
  drill: DrillDown,
  settings: SettingsForSeries,
  opts: { skip?: (run: AnomalyRun) => boolean; onError?: (run: AnomalyRun, err: unknown) => void } = {},
): Promise<AnomalyRun[]> {
  const bySeries = new Map(series.map((s) => [s.seriesKey, s] as const));
  const out: AnomalyRun[] = [];
  for (const run of runs) {
    const where = parseSeriesKey(run.seriesKey);
    const parent = bySeries.get(run.seriesKey);
    if (!DRILL_PROVIDERS.has(where.provider) || !parent || opts.skip?.(run)) {
      out.push(run);
      continue;
    }
    let children: DrillDownSeries[] | null = null;
    try {
      children = await drill({
        provider: where.provider,
        subAccountId: where.accountId,
        service: where.service,
        window: { start: addDays(run.start, -DRILL_HISTORY_DAYS), end: run.end },
      });
    } catch (err) {
      opts.onError?.(run, err);
    }
    if (!children || children.length === 0) {
      out.push(run);
      continue;
    }
    const byDimension = new Map<string, ChildSeries[]>();
    // Only the series' own currency: a child in another currency is another series' cost.
    for (const c of children.filter((child) => child.currency === run.currency)) {
      const list = byDimension.get(c.dimension) ?? [];
      list.push({ dimension: c.dimension, value: c.value || "(none)", points: c.points.map((p) => ({ date: p.date, cost: toNumber(p.cost) })) });
      byDimension.set(c.dimension, list);
    }
    const drilled = [...byDimension.values()].flatMap((kids) =>
      attributeRootCause(parent.series.points, kids, run.end, settingsFor(settings, run.currency)).map((c) => ({
        dimension: c.dimension,
        value: c.value,
        contribution: fromNumber(Math.abs(c.contribution) < 0.005 ? 0 : c.contribution, 2),
      })),
    );
    out.push({ ...run, rootCauses: [...(informative(run) ? run.rootCauses : []), ...drilled] });
  }
  return out;
}
