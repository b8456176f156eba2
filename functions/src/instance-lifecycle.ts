import { z } from "zod";
import { closeDepsNow, getDeps, getPipelineServices } from "./deps.js";

/** Functions that read tenants' cloud credentials, and so prefetch them at cold start. */
const READS_CREDENTIALS = new Set(["collectAccount"]);

/**
 * The life of a deployed instance (Cloud Functions sets FUNCTION_TARGET; tests and the CLI import
 * the entry points without it and stay lazy).
 *
 * Start: build the adapters and the pipeline's services as soon as the module loads, as Google's
 * cold-start advice suggests for state every request needs, so that opening the stores overlaps
 * the framework's start-up and the first request's network time. A failure here is dropped on
 * purpose: getDeps forgets a rejected build, so the first request retries it and reports it.
 *
 * zod runs jitless here: its JIT generates and compiles a fast path per object schema on the
 * first parse (about 8 ms for the config schema alone), which pays off over thousands of parses of
 * one schema, as in a CLI import, not in an instance that parses each schema a few times before its
 * first answer. Per-call cost is the same either way (bench/middleware).
 *
 * Functions that collect prefetch every connected account's cloud credentials in the background
 * (DESIGN.md §10: secrets are prefetched at cold start and cached with a max age), so the first
 * page does not wait on the secret store.
 *
 * Stop: on SIGTERM (Cloud Run gives 10 s before SIGKILL) close the stores synchronously. DuckDB
 * then checkpoints its WAL, so nothing written is left to replay and the next cold start opens
 * the file quickly. functions-framework's own SIGTERM handler exits the process after ours; when
 * it is not installed (a test server), we exit ourselves.
 */
export function startInstance(env: NodeJS.ProcessEnv = process.env): Promise<void> | undefined {
  if (!env.FUNCTION_TARGET) return undefined;
  z.config({ jitless: true });
  process.once("SIGTERM", onSigterm);
  const warm = READS_CREDENTIALS.has(env.FUNCTION_TARGET) ? getDeps().then((d) => d.prefetchCredentials()) : Promise.resolve();
  return Promise.all([getPipelineServices(), warm]).then(
    () => undefined,
    () => undefined,
  );
}

function onSigterm(): void {
  closeDepsNow();
  if (process.listenerCount("SIGTERM") === 0) process.exit(0);
}
