import { createHash } from "node:crypto";
import { addDays, monthsBefore } from "#kernel/days.js";
import { fromNumber } from "#domain/billing/money.js";
import type { DemoAccount, DemoAnomaly, DemoConfig, DemoService, DemoTenant } from "./demo-config.js";

/** One generated billing line: a FOCUS-shaped daily row before it is written to a file. */
export interface DemoLine {
  date: string;
  service: DemoService;
  chargeCategory: "Usage" | "Credit";
  billedCost: string;
  listCost: string;
  quantity: string;
}

const DAY_MS = 86_400_000;

/** First day of the demo history: the same backfill start the collectors use for a new account. */
export const historyStart = monthsBefore;

/**
 * Uniform numbers in [0,1) from a hash of (seed, key, day, salt): each day is generated on its own,
 * so the history is the same whichever window is asked for and in whatever order.
 */
function uniform(seed: number, key: string, salt: string): number {
  const h = createHash("sha256").update(`${seed}|${key}|${salt}`).digest();
  return (h.readUInt32BE(0) + 1) / 4_294_967_297;
}

function gaussian(seed: number, key: string): number {
  // Box-Muller from two independent hashed uniforms.
  return Math.sqrt(-2 * Math.log(uniform(seed, key, "u1"))) * Math.cos(2 * Math.PI * uniform(seed, key, "u2"));
}

function isLastDayOfMonth(date: string): boolean {
  return addDays(date, 1).endsWith("-01");
}

function monthsBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (30.44 * DAY_MS);
}

function anomalyFactor(anomalies: DemoAnomaly[], today: string, date: string): number {
  let factor = 1;
  for (const a of anomalies) {
    const start = addDays(today, a.start_offset);
    const end = addDays(start, a.days - 1);
    if (date < start || date > end) continue;
    factor *= a.kind === "drop" ? Math.max(0, 1 - a.magnitude) : 1 + a.magnitude;
  }
  return factor;
}

/** Usage cost of one service on one day, in USD (model space; formatted to a decimal string later). */
function usageCost(seed: number, key: string, svc: DemoService, start: string, date: string, factor: number): number {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  let cost = Number(svc.daily_usd) * (1 + svc.growth_per_month) ** monthsBetween(start, date);
  cost *= weekend ? 1 / svc.weekday_factor : 1;
  if (svc.month_end_batch && isLastDayOfMonth(date)) cost *= svc.month_end_batch;
  if (svc.sparse && uniform(seed, key, `${date}|sparse`) < svc.sparse) cost = 0;
  cost *= Math.exp(0.05 * gaussian(seed, `${key}|${date}`)) * factor;
  if (svc.day1_fee_usd && date.endsWith("-01")) cost += Number(svc.day1_fee_usd);
  return cost;
}

/**
 * All lines of one account for the days in [from, to]. Usage follows the service's weekly, monthly
 * and growth pattern with log-normal noise; injected anomalies are relative to the simulated today;
 * GCP accounts get a monthly sustained-use credit on the 1st, kept as a Credit row.
 */
export function generateAccountLines(
  cfg: DemoConfig,
  tenant: DemoTenant,
  account: DemoAccount,
  from: string,
  to: string,
): DemoLine[] {
  const start = historyStart(cfg.today, cfg.history_months);
  const lines: DemoLine[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    if (date < start) continue;
    for (const svc of account.services) {
      const key = `${tenant.id}|${account.id}|${svc.name}`;
      const anomalies = tenant.anomalies.filter((a) => a.account === account.id && a.service === svc.name);
      const usd = usageCost(cfg.seed, key, svc, start, date, anomalyFactor(anomalies, cfg.today, date));
      const billed = fromNumber(usd);
      lines.push({
        date,
        service: svc,
        chargeCategory: "Usage",
        billedCost: billed,
        listCost: fromNumber(usd * 1.12),
        quantity: fromNumber(usd / 0.047, 3),
      });
      if (account.provider === "gcp" && date.endsWith("-01") && svc.category === "Compute") {
        const credit = -0.08 * Number(svc.daily_usd) * 30;
        lines.push({ date, service: svc, chargeCategory: "Credit", billedCost: fromNumber(credit), listCost: "0", quantity: "0" });
      }
    }
  }
  return lines;
}
