import { BrokenCircuitError } from "cockatiel";
import type { BillingSource, CollectRequest, CollectResult, DrillDownRequest, DrillDownSeries } from "#domain/billing/ports.js";
import { CollectionError, describeError } from "#domain/billing/providers/collection-error.js";
import { breakerFor } from "#foundation/selfops/circuit-breaker.js";
import { AppError } from "#kernel/errors.js";

export interface SourceBreakerOptions {
  /** Consecutive retryable failures that open the provider's circuit. */
  failures: number;
  /** Open period before one trial collection is let through. */
  halfOpenAfterMs: number;
}

/** Only failures a later try could get past count against a provider; bad scopes and secrets do not. */
function isProviderFailure(err: unknown): boolean {
  return err instanceof AppError && err.retryable;
}

/**
 * A failure whose root is a credential or configuration problem (an AppError that says it is
 * not retryable) stays not retryable, even when the source classified it by its own rules: the
 * GCP source, for one, calls every error without an HTTP status retryable.
 */
function keepPermanent(err: unknown, req: CollectRequest): unknown {
  if (!(err instanceof CollectionError) || !err.retryable) return err;
  const cause = err.cause;
  if (!(cause instanceof AppError) || cause.retryable) return err;
  return new CollectionError(req.account, req.window, `no ${req.account.provider} client: ${describeError(cause)}`, { cause, retryable: false });
}

/**
 * A provider's billing source behind the circuit breaker `billing:{provider}` (one per provider
 * per instance): after `failures` consecutive retryable failures every collection of that
 * provider fails fast, without calling it, until a trial collection after `halfOpenAfterMs`
 * succeeds. The fast failure is a retryable CollectionError, so the page is retried later.
 *
 * @example
 *   const aws = new CircuitGuardedSource(new AwsCostExplorerSource({ clientFor }), { failures: 5, halfOpenAfterMs: 60_000 });
 *   await aws.collect({ account, window });
 */
export class CircuitGuardedSource implements BillingSource {
  readonly provider: BillingSource["provider"];

  constructor(
    /** The provider's own source, which does the collecting. */
    readonly source: BillingSource,
    private readonly opts: SourceBreakerOptions,
    /** The breaker's name when it is not the provider's: sources that share provider "other" keep their own circuits. */
    private readonly name: string = source.provider,
  ) {
    this.provider = source.provider;
    // Only a source that drills down offers it: the analysis asks `drillDown` whether to try.
    if (source.drillDown) {
      const drill = source.drillDown.bind(source);
      this.drillDown = (req: DrillDownRequest) => this.guarded(req, () => drill(req));
    }
  }

  readonly drillDown?: (req: DrillDownRequest) => Promise<DrillDownSeries[] | null>;

  async collect(req: CollectRequest): Promise<CollectResult> {
    return this.guarded(req, () => this.source.collect(req));
  }

  /** Runs a provider call behind the provider's breaker; an open circuit is a retryable CollectionError. */
  private async guarded<T>(req: CollectRequest, call: () => Promise<T>): Promise<T> {
    // Looked up per call: the breaker registry is per instance and tests reset it.
    const breaker = breakerFor(`billing:${this.name}`, { ...this.opts, isFailure: isProviderFailure });
    try {
      return await breaker.execute(async () => {
        try {
          return await call();
        } catch (err) {
          throw keepPermanent(err, req);
        }
      });
    } catch (err) {
      if (!(err instanceof BrokenCircuitError)) throw err;
      throw new CollectionError(
        req.account,
        req.window,
        `the ${this.name} circuit is open after repeated provider failures; not calling ${this.name} until it half-opens`,
        { cause: err, retryable: true },
      );
    }
  }
}
