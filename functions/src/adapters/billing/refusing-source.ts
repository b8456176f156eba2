import type { Provider } from "#domain/billing/cost-record.js";
import type { BillingSource, CollectRequest, CollectResult } from "#domain/billing/ports.js";
import { CollectionError } from "#domain/billing/providers/collection-error.js";

/**
 * A source for accounts this instance must not collect: every collection fails with a
 * non-retryable CollectionError giving `reason`, so the page is not retried and the account is
 * marked failing with a message that says why.
 *
 * @example
 *   const source = refusingSource("oci", "no live collector for provider oci");
 *   await source.collect({ account, window }); // rejects, retryable: false
 */
export function refusingSource(provider: Provider, reason: string): BillingSource {
  return {
    provider,
    async collect(req: CollectRequest): Promise<CollectResult> {
      throw new CollectionError(req.account, req.window, reason, { retryable: false });
    },
  };
}
