import { CostExplorer } from "@aws-sdk/client-cost-explorer";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { z } from "zod";
import type { CostExplorerApi } from "#domain/billing/providers/aws/query.js";
import type { CloudAccountRef } from "#domain/billing/ports.js";
import { type CredentialSource, perAccount, requireCredentials } from "./account-clients.js";

/**
 * Builds Cost Explorer SDK clients. Retries (LimitExceededException, throttling, 5xx, timeouts)
 * are the SDK's own standard strategy; ConfiguredRetryStrategy only sets the attempt budget and
 * an exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter").
 */
export interface CostExplorerClientOptions {
  region?: string;
  /** Local replay server in tests, e.g. http://127.0.0.1:PORT. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | ReturnType<typeof fromTemporaryCredentials>;
  /** Tries per call, the first included (the SDK's own meaning); default 5. */
  maxAttempts?: number;
  /** Backoff before retry n is random in [0, min(maxDelayMs, baseDelayMs * 2^n)). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  requestTimeoutMs?: number;
  /** Jitter source in [0,1); tests pass a seeded one. */
  random?: () => number;
}

export function backoffWithJitter(baseDelayMs: number, maxDelayMs: number, random: () => number) {
  return (attempt: number): number => Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
}

export function createCostExplorerClient(opts: CostExplorerClientOptions = {}): CostExplorer {
  const maxAttempts = opts.maxAttempts ?? 5;
  return new CostExplorer({
    // Cost Explorer is a global API served from us-east-1.
    region: opts.region ?? "us-east-1",
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    retryStrategy: new ConfiguredRetryStrategy(
      maxAttempts,
      backoffWithJitter(opts.baseDelayMs ?? 500, opts.maxDelayMs ?? 20_000, opts.random ?? Math.random),
    ),
    requestHandler: {
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
      connectionTimeout: 5_000,
      // Without this the handler only warns and waits for the socket; a timeout must fail and be retried.
      throwOnRequestTimeout: true,
    },
  });
}

/**
 * `cloud-creds/{tenant}/{account}` of an AWS account: either a role to assume (production) or static keys
 * (local runs and tests). Values never reach logs: errors name the secret, not its content.
 */
export const AwsCredentialSecretSchema = z.union([
  z.object({
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "expected an IAM role ARN"),
    externalId: z.string().min(2).max(1224).optional(),
    region: z.string().optional(),
  }),
  z.object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().optional(),
    region: z.string().optional(),
  }),
]);

/**
 * Per-account client factory for AwsCostExplorerSource (and the recommendations source, which
 * calls the same client's recommendation operations): reads the credentials of the account it
 * builds a client for, assumes its role with fromTemporaryCredentials, and caches one client per
 * tenant and account.
 *
 * @example
 *   const clientFor = costExplorerClientFactory(createCredentialStore(secrets), { maxAttempts: 5 });
 *   const source = new AwsCostExplorerSource({ clientFor });
 */
export function costExplorerClientFactory(
  credentials: CredentialSource,
  base: Omit<CostExplorerClientOptions, "credentials"> = {},
): (account: CloudAccountRef) => Promise<CostExplorer & CostExplorerApi> {
  return perAccount(async (account) => {
    const s = await requireCredentials(credentials, account, AwsCredentialSecretSchema, "holds neither a roleArn nor access keys");
    const identity =
      "roleArn" in s
        ? fromTemporaryCredentials({
            params: {
              RoleArn: s.roleArn,
              RoleSessionName: `costmon-${account.tenantId}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
              ...(s.externalId ? { ExternalId: s.externalId } : {}),
              DurationSeconds: 3600,
            },
          })
        : { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken };
    return createCostExplorerClient({ ...base, region: s.region ?? base.region, credentials: identity });
  });
}
