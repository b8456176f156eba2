import { z } from "zod";
import { IsoDate } from "#kernel/days.js";
import { AlertEventSchema } from "../alerts/alert-event.js";
import { PROVIDERS } from "../billing/cost-record.js";

/**
 * The nightly's topics and the one strict schema of each topic's message (DESIGN.md §2). Every
 * publisher and every event function goes through these, so a message that does not fit is
 * refused where it is read and dead-lettered, never half-handled. Each topic has a
 * `<topic>.dead-letter` twin that receives what its function gave up on.
 */
export const TOPICS = {
  nightlyCollect: "nightly-collect",
  collectAccount: "collect-account",
  costsCollected: "costs-collected",
  alerts: "alerts",
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Where a topic's given-up messages go (Pub/Sub dead-letter topic). */
export const deadLetterTopic = (topic: Topic): `${Topic}.dead-letter` => `${topic}.dead-letter`;

const Id = z.string().min(1).max(128);

/**
 * Starts a nightly run. Cloud Scheduler publishes `{}`; the run day is then the UTC day the
 * message was published. `tenantIds` limits the run (a re-run for some tenants).
 */
export const NightlyCollectMessage = z
  .object({ runDate: IsoDate.optional(), tenantIds: z.array(Id).min(1).max(1000).optional() })
  .strict();
export type NightlyCollectMessage = z.infer<typeof NightlyCollectMessage>;

/** One page (at most a calendar month) of one account's window. */
export const CollectAccountMessage = z
  .object({
    tenantId: Id,
    accountId: Id,
    provider: z.enum(PROVIDERS),
    runDate: IsoDate,
    /** One page of the window: backfills are split by month. */
    page: z.object({ start: IsoDate, end: IsoDate }).strict(),
  })
  .strict();
export type CollectAccountMessage = z.infer<typeof CollectAccountMessage>;

/** The last page of a tenant's run is done: analysis may start. */
export const CostsCollectedMessage = z
  .object({
    tenantId: Id,
    runDate: IsoDate,
    accounts: z.array(Id).max(1000),
    failedAccounts: z.array(Id).max(1000),
  })
  .strict();
export type CostsCollectedMessage = z.infer<typeof CostsCollectedMessage>;

/** Alert events of one tenant for the dispatcher; every event is checked against its own schema. */
export const AlertsMessage = z
  .object({
    tenantId: Id,
    /** The run that raised them; absent for events raised by a user action (an acknowledgement). */
    runDate: IsoDate.optional(),
    events: z.array(AlertEventSchema).min(1).max(500),
  })
  .strict()
  .refine((m) => m.events.every((e) => e.tenantId === m.tenantId), "every event must belong to the message's tenant");
export type AlertsMessage = z.infer<typeof AlertsMessage>;
export type AlertsMessageInput = z.input<typeof AlertsMessage>;

/** Natural key of a page, used in the run's pending set. */
export const pageKey = (m: Pick<CollectAccountMessage, "accountId" | "page">): string =>
  `${m.accountId}:${m.page.start}:${m.page.end}`;
