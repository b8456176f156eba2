import type { Doc, DocumentStore } from "#kernel/ports.js";
import { paths } from "#kernel/document-paths.js";
import { weekdayOf, toEpochDay } from "#kernel/days.js";
import type { DispatchReport } from "../alerts/dispatch-report.js";
import { emptyReport, mergeReports } from "../alerts/dispatch-report.js";
import type { AlertDispatcher } from "../alerts/dispatcher.js";
import type { AlertsMessage } from "./messages.js";
import { recordDispatch } from "./run-state.js";

/**
 * Sends one alerts message's events and adds the outcome to the run that raised them. `messageId`
 * (the delivery's) lets a redelivery of the message finish the sends its crashed attempt had
 * claimed (dispatcher.ts), instead of skipping them as duplicates until the retry sweep.
 */
export async function dispatchAlerts(
  deps: { dispatcher: AlertDispatcher; store: DocumentStore },
  msg: AlertsMessage,
  messageId?: string,
): Promise<DispatchReport> {
  const report = await deps.dispatcher.dispatch(msg.events, messageId ? { holder: messageId } : {});
  if (msg.runDate) await recordDispatch(deps.store, msg.tenantId, msg.runDate, report);
  return report;
}

const PAGE = 300;

/**
 * The day's digests: every tenant's daily digest, and on Mondays (UTC) the weekly one too. The
 * dispatcher sends each at most once per tenant, period and day, so a repeated run sends nothing
 * new.
 */
export async function sendDigests(
  deps: { dispatcher: AlertDispatcher; store: DocumentStore },
  day: string,
): Promise<DispatchReport> {
  const periods = weekdayOf(toEpochDay(day)) === 1 ? (["daily", "weekly"] as const) : (["daily"] as const);
  let report = emptyReport();
  let startAfter: string | undefined;
  do {
    const page = await deps.store.list(paths.tenants(), { limit: PAGE, ...(startAfter ? { startAfter } : {}) });
    for (const tenant of page.docs as Doc[]) {
      for (const period of periods) report = mergeReports(report, await deps.dispatcher.sendDigest(tenant.id, period));
    }
    startAfter = page.next;
  } while (startAfter);
  return report;
}
