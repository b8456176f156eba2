import { AppError } from "#kernel/errors.js";

/**
 * Mirroring a lifecycle change back to the provider that made the recommendation, where it keeps
 * one (GCP Recommender's markClaimed / markSucceeded / markFailed / markDismissed, each with the
 * recommendation's etag for optimistic locking). Cost Explorer keeps none; Advisor's suppressions
 * are not mirrored.
 */
export type MirroredState = "claimed" | "succeeded" | "failed" | "dismissed";

export interface ProviderRecommendationState {
  /** The provider's etag after the change, for the next change. */
  readonly etag: string | null;
  /** The provider's state, lower-cased. */
  readonly providerState: string;
}

export interface ProviderLifecycle {
  /** Sets the state at the provider, given the etag the platform last saw; throws ProviderStateConflict when it is stale. */
  mark(providerId: string, state: MirroredState, etag: string): Promise<ProviderRecommendationState>;
}

/** Which provider lifecycle a stored recommendation mirrors to; null for none. */
export type ProviderLifecycleResolver = (
  tenantId: string,
  rec: { readonly provider: string; readonly providerId: string; readonly cloudAccount?: string | undefined },
) => Promise<ProviderLifecycle | null>;

/**
 * The provider's recommendation changed since the platform read it (someone acted in the
 * provider's console, or its content was refreshed): its current etag and state are carried so
 * that the stored copy can be brought up to date before the caller tries again.
 */
export class ProviderStateConflict extends AppError {
  override readonly name = "ProviderStateConflict";

  constructor(readonly current: ProviderRecommendationState) {
    super("aborted", "the recommendation changed at the provider; reload it and try again");
  }
}
