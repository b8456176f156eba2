import { z } from "zod";
import { PROVIDERS } from "../cost-record.js";
import { IsoDate } from "#kernel/days.js";

/** Topic names of the nightly flow (DESIGN.md §2). Each has a `<topic>.dead-letter` twin. */
export const TOPICS = {
  nightlyCollect: "nightly-collect",
  collectAccount: "collect-account",
  costsCollected: "costs-collected",
  alerts: "alerts",
} as const;

export const NightlyCollectMessage = z.object({ runDate: IsoDate, tenantIds: z.array(z.string()).optional() }).strict();
export type NightlyCollectMessage = z.infer<typeof NightlyCollectMessage>;

export const CollectAccountMessage = z
  .object({
    tenantId: z.string().min(1),
    accountId: z.string().min(1),
    provider: z.enum(PROVIDERS),
    runDate: IsoDate,
    /** One page of the window: backfills are split by month. */
    page: z.object({ start: IsoDate, end: IsoDate }).strict(),
  })
  .strict();
export type CollectAccountMessage = z.infer<typeof CollectAccountMessage>;

export const CostsCollectedMessage = z
  .object({
    tenantId: z.string().min(1),
    runDate: IsoDate,
    accounts: z.array(z.string()),
    failedAccounts: z.array(z.string()),
  })
  .strict();
export type CostsCollectedMessage = z.infer<typeof CostsCollectedMessage>;

/** Natural key of a page, used in the run's pending set and as the idempotency key. */
export const pageKey = (m: Pick<CollectAccountMessage, "accountId" | "page">): string =>
  `${m.accountId}:${m.page.start}:${m.page.end}`;
