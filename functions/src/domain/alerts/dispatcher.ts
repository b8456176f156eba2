import type { Clock, DocumentStore, SecretStore } from "#kernel/ports.js";
import { type AlertEvent, AlertEventSchema, transitionOf } from "./alert-event.js";
import { channelCache, loadTenantChannels } from "./channel-directory.js";
import type { AlertChannelConfig, AlertChannelConfigInput, ChannelKind } from "./channel-config.js";
import type { AlertChannel, AlertLog, ChannelMessage, QueuedMessage, SendResult } from "./channel-port.js";
import { type DeadLetter, type DeliveryRecord, type DeliveryStatus, deliveryId } from "./delivery-record.js";
import { buildDigest, type DigestEntry, type DigestPeriod } from "./digest.js";
import { type DispatchReport, emptyReport, type Outcome, tally } from "./dispatch-report.js";
import { createOutbox } from "./outbox.js";
import { redactText } from "#kernel/redact.js";
import { isDeferredByQuietHours, routes } from "./routing.js";
import { tenantLocaleOf } from "./tenant-locale.js";
import { paths } from "#kernel/document-paths.js";

/**
 * The alert dispatcher: routes each event to the tenant's channels, dedupes through the outbox
 * (create-once records, outbox.ts), sends, records the outcome, retries from the queue and
 * dead-letters. docs/alerts.md describes the behaviour as a user sees it.
 */

export interface AlertDispatcherDeps {
  store: DocumentStore;
  secrets: SecretStore;
  channels: Partial<Record<ChannelKind, AlertChannel>>;
  clock: Clock;
  log: AlertLog;
  /** Dispatcher-level attempts before the dead letter (each attempt may retry inside the adapter). Default 5. */
  maxAttempts?: number;
  /** First queue retry delay; doubles per attempt up to retryMaxMs. Default 60 s, max 1 h. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a claimed send stays reserved before another sweep may take it. Default 2 min. */
  leaseMs?: number;
  /** Channels used for a tenant that has none configured (the local run uses a console channel). */
  defaultChannels?: readonly Omit<AlertChannelConfigInput, "tenantId">[];
  /** Platform health hook, called for every dead letter after it is recorded. */
  onDeadLetter?: (deadLetter: DeadLetter) => void | Promise<void>;
}

export interface AlertDispatcher {
  /**
   * Routes and sends events. They arrive checked against the alerts topic's schema; each is checked
   * again here, so that a caller outside the topic cannot slip an invalid one through either.
   * `holder` names the delivery that dispatches (the alerts message's id): a redelivery of the same
   * message sends what its crashed attempt had claimed but not sent, where any other dispatch of
   * the same events skips it as a duplicate.
   */
  dispatch(events: readonly AlertEvent[], opts?: { holder?: string }): Promise<DispatchReport>;
  /** Sends what is due in the queue: transient failures, expired leases, resolves waiting for their trigger. */
  retryPending(): Promise<DispatchReport>;
  /** Sends the tenant's daily or weekly digest (once per tenant, period and day) to channels that want it. */
  sendDigest(tenantId: string, period: DigestPeriod): Promise<DispatchReport>;
}

const DAY_MS = 86_400_000;

/** Where a resolve/acknowledge stands, given its trigger's record on the same channel. */
function followUpStatus(trigger: DeliveryRecord | null): DeliveryStatus | "skip" {
  switch (trigger?.status) {
    case undefined:
    case "dead_letter":
    case "obsolete":
      return "skip";
    case "sent":
      return "sending";
    case "deferred":
    case "digested":
      return "deferred";
    default:
      return "waiting";
  }
}

export function createAlertDispatcher(deps: AlertDispatcherDeps): AlertDispatcher {
  const { store, secrets, channels, clock, log } = deps;
  const maxAttempts = deps.maxAttempts ?? 5;
  const retryBaseMs = deps.retryBaseMs ?? 60_000;
  const retryMaxMs = deps.retryMaxMs ?? 3_600_000;
  const outbox = createOutbox(store, clock, log, deps.leaseMs ?? 120_000);
  const loadChannels = (tenantId: string) => loadTenantChannels(store, log, tenantId, deps.defaultChannels);
  /** The tenant's locale for the texts; a tenant document that cannot be read costs the format, never the alert. */
  const tenantLocale = async (tenantId: string): Promise<string> => {
    try {
      return tenantLocaleOf(await store.get(paths.tenant(tenantId)));
    } catch (err) {
      log.warn("tenant locale unreadable; alert texts use en-US", { tenantId, error: (err as Error).message });
      return tenantLocaleOf(null);
    }
  };

  async function sendVia(config: AlertChannelConfig, message: ChannelMessage): Promise<{ result: SendResult; secret: string | null }> {
    let secret: string | null = null;
    try {
      const adapter = channels[config.kind];
      if (!adapter) return { result: { ok: false, retryable: true, reason: `no ${config.kind} adapter configured` }, secret };
      secret = config.secretRef ? await secrets.get(config.secretRef) : null;
      if (config.secretRef && secret === null)
        return { result: { ok: false, retryable: true, reason: `secret ${config.secretRef} not found` }, secret };
      return { result: await adapter.send(message, { secret, config }), secret };
    } catch (err) {
      return { result: { ok: false, retryable: true, reason: `unexpected error: ${(err as Error).message}` }, secret };
    }
  }

  /** One send attempt for a record this process holds; records the outcome. */
  async function attempt(rec: DeliveryRecord, configs: AlertChannelConfig[]): Promise<Outcome> {
    const config = configs.find((c) => c.id === rec.channelId);
    if (!config?.enabled) {
      await outbox.patch(rec.id, { status: "obsolete", lastError: "channel removed or disabled", leaseUntil: null });
      log.warn("alert delivery obsolete: channel removed or disabled", { deliveryId: rec.id, channelId: rec.channelId });
      return "filtered";
    }
    const attempts = rec.attempts + 1;
    const { result, secret } = await sendVia(config, rec.message);
    const fields = {
      deliveryId: rec.id,
      tenantId: rec.tenantId,
      channelId: rec.channelId,
      kind: rec.channelKind,
      eventId: rec.eventId,
      transition: rec.transition,
      attempts,
    };
    if (result.ok) {
      await outbox.patch(rec.id, {
        status: "sent",
        attempts,
        sentAt: clock.now().toISOString(),
        lastHttpStatus: result.status ?? null,
        lastError: null,
        leaseUntil: null,
        nextAttemptAt: null,
      });
      log.info("alert delivered", fields);
      return "sent";
    }
    const reason = redactText(result.reason, [secret]);
    const httpStatus = result.status ?? null;
    if (!result.retryable || attempts >= maxAttempts) {
      const why = result.retryable ? `gave up after ${attempts} attempts: ${reason}` : reason;
      const dl = await outbox.deadLetter(rec, attempts, why, httpStatus);
      log.error("alert delivery dead-lettered", { ...dl });
      try {
        await deps.onDeadLetter?.(dl);
      } catch (err) {
        log.error("onDeadLetter hook failed", { deliveryId: rec.id, error: (err as Error).message });
      }
      return "deadLettered";
    }
    const delay = Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs);
    await outbox.patch(rec.id, {
      status: "pending",
      attempts,
      lastError: reason,
      lastHttpStatus: httpStatus,
      leaseUntil: null,
      nextAttemptAt: new Date(clock.now().getTime() + delay).toISOString(),
    });
    log.warn("alert delivery failed; queued for retry", { ...fields, reason, httpStatus, retryInMs: delay });
    return "failed";
  }

  /** The status a new delivery starts in, or null when the event does not go to this channel. */
  async function initialStatus(config: AlertChannelConfig, event: AlertEvent, message: ChannelMessage): Promise<DeliveryStatus | null> {
    const adapter = channels[config.kind];
    if (!config.enabled || (adapter && !adapter.supports(message))) return null;
    let status: DeliveryStatus = "sending";
    const transition = transitionOf(event);
    if (transition === "trigger") {
      if (!routes(config, event)) return null;
    } else {
      // A resolve or acknowledge follows its trigger to the channels that got it, and only those.
      const s = followUpStatus(await outbox.get(deliveryId(config.tenantId, event.id, "trigger", config.id)));
      if (s === "skip") return null;
      status = s;
    }
    if (status === "sending" && isDeferredByQuietHours(config, event, clock.now())) status = "deferred";
    return status;
  }

  /**
   * A record that exists already: a duplicate, unless this very delivery had claimed it before it
   * crashed (same holder, still `sending`), in which case the send it never made is made now.
   */
  async function existing(rec: DeliveryRecord, configs: AlertChannelConfig[], holder: string | undefined): Promise<Outcome | "skippedDuplicate"> {
    const mine = holder ? await outbox.resume(rec.id, clock.now().getTime(), holder) : null;
    if (!mine) return "skippedDuplicate";
    log.warn("alert delivery resumed after an interrupted attempt", { deliveryId: rec.id, tenantId: rec.tenantId, channelId: rec.channelId });
    return attempt(mine, configs);
  }

  async function dispatchOne(event: AlertEvent, configs: AlertChannelConfig[], report: DispatchReport, holder: string | undefined): Promise<void> {
    const transition = transitionOf(event);
    const message: QueuedMessage = { kind: "alert", transition, event };
    for (const config of configs) {
      const status = await initialStatus(config, event, message);
      if (status === null) {
        tally(report, config.kind, "filtered");
        continue;
      }
      const rec = outbox.newRecord(config, event.id, transition, message, status, holder);
      if (!(await outbox.create(rec))) {
        tally(report, config.kind, await existing(rec, configs, holder));
      } else if (status === "deferred") {
        log.info("alert deferred by quiet hours", { deliveryId: rec.id, tenantId: rec.tenantId, channelId: config.id });
        tally(report, config.kind, "deferred");
      } else if (status === "waiting") {
        tally(report, config.kind, "waiting");
      } else {
        tally(report, config.kind, await attempt(rec, configs));
      }
    }
  }

  async function dispatch(events: readonly AlertEvent[], opts: { holder?: string } = {}): Promise<DispatchReport> {
    const report = emptyReport();
    const channelsOf = channelCache(loadChannels);
    const locales = new Map<string, Promise<string>>();
    const localeOf = (tenantId: string): Promise<string> => {
      let l = locales.get(tenantId);
      if (!l) {
        l = tenantLocale(tenantId);
        locales.set(tenantId, l);
      }
      return l;
    };
    for (const raw of events) {
      const parsed = AlertEventSchema.safeParse(raw);
      if (!parsed.success) {
        report.invalid++;
        log.error("invalid alert event rejected", {
          issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).slice(0, 10),
        });
        continue;
      }
      // Amounts are written in the tenant's locale; the queued message keeps it, so a retry reads the same.
      const event = parsed.data.locale ? parsed.data : { ...parsed.data, locale: await localeOf(parsed.data.tenantId) };
      const configs = await channelsOf(event.tenantId);
      if (configs.length === 0) {
        report.unrouted++;
        log.warn("no alert channel configured for tenant; event not delivered", {
          tenantId: event.tenantId,
          eventId: event.id,
          type: event.type,
        });
        continue;
      }
      await dispatchOne(event, configs, report, opts.holder);
    }
    return report;
  }

  async function retryPending(): Promise<DispatchReport> {
    const report = emptyReport();
    const channelsOf = channelCache(loadChannels);
    const nowMs = clock.now().getTime();
    for (const id of await outbox.queued()) {
      const rec = await outbox.claim(id, nowMs);
      if (!rec) continue;
      if (rec.status === "waiting") {
        const s = followUpStatus(await outbox.get(deliveryId(rec.tenantId, rec.eventId, "trigger", rec.channelId)));
        if (s === "waiting") {
          await outbox.patch(rec.id, { leaseUntil: null });
          tally(report, rec.channelKind, "waiting");
          continue;
        }
        if (s === "skip") {
          await outbox.patch(rec.id, { status: "obsolete", leaseUntil: null, lastError: "trigger was never delivered" });
          tally(report, rec.channelKind, "filtered");
          continue;
        }
        if (s === "deferred") {
          await outbox.patch(rec.id, { status: "deferred", leaseUntil: null });
          tally(report, rec.channelKind, "deferred");
          continue;
        }
      }
      tally(report, rec.channelKind, await attempt(rec, await channelsOf(rec.tenantId)));
    }
    return report;
  }

  async function sendDigest(tenantId: string, period: DigestPeriod): Promise<DispatchReport> {
    const report = emptyReport();
    const to = clock.now();
    const from = new Date(to.getTime() - (period === "daily" ? 1 : 7) * DAY_MS);
    const records = await outbox.forTenant(tenantId, from, to);
    if (records.length === 0) return report;
    const entries: DigestEntry[] = [];
    const deferredIds: string[] = [];
    for (const r of records) {
      if (r.message.kind !== "alert") continue;
      if (r.status === "deferred") deferredIds.push(r.id);
      entries.push({ event: r.message.event, deferred: r.status === "deferred" });
    }
    const message: QueuedMessage = { kind: "digest", digest: buildDigest(tenantId, period, from, to, entries, await tenantLocale(tenantId)) };
    const digestKey = `digest:${period}:${to.toISOString().slice(0, 10)}`;
    const configs = await loadChannels(tenantId);
    let takers = 0;
    for (const config of configs) {
      if (!config.enabled || !config.digest?.[period] || !channels[config.kind]?.supports(message)) continue;
      takers++;
      const rec = outbox.newRecord(config, digestKey, "digest", message, "sending");
      if (!(await outbox.create(rec))) tally(report, config.kind, "skippedDuplicate");
      else tally(report, config.kind, await attempt(rec, configs));
    }
    if (takers === 0) {
      if (deferredIds.length > 0)
        log.warn("alerts deferred by quiet hours but no channel takes this digest", {
          tenantId,
          period,
          deferred: deferredIds.length,
        });
      return report;
    }
    // The digest is now in the outbox (sent or queued), so what quiet hours held back is accounted for.
    for (const id of deferredIds) await outbox.patch(id, { status: "digested" });
    return report;
  }

  return { dispatch, retryPending, sendDigest };
}
