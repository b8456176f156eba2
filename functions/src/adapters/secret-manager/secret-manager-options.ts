import type { AuthClient } from "google-auth-library";
import { z } from "zod";

const HOUR_MS = 3_600_000;

/**
 * Options of the Secret Manager SecretStore, checked when it is built.
 *
 * @example
 *   // production (gRPC, Application Default Credentials)
 *   { projectId: "costmon-prod", rotationGraceMs: 24 * 3_600_000 }
 *   // tests: REST to a local server with a preset token, fast retries
 *   { projectId: "demo-test", apiEndpoint: "http://127.0.0.1:8085", authClient, retry: { attempts: 3, baseMs: 1, maxMs: 5 } }
 */
export const SecretManagerStoreOptionsSchema = z.strictObject({
  /** The project that holds the secrets: an id (`costmon-prod`) or a number. */
  projectId: z.string().regex(/^(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})$/, "a Google Cloud project id or number"),
  /** How long a superseded version stays enabled; default 24 hours. */
  rotationGraceMs: z.number().int().min(0).default(24 * HOUR_MS),
  /** `http://127.0.0.1:PORT` in tests (REST); the public gRPC endpoint when absent. */
  apiEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  transport: z.enum(["grpc", "rest"]).optional(),
  /** A preset-token OAuth2Client in tests; Application Default Credentials when absent. */
  authClient: z.custom<AuthClient>((v) => typeof v === "object" && v !== null, "an AuthClient from google-auth-library").optional(),
  /** Attempts per call, the first included, and the backoff between them (retryable failures only). */
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(10).default(4),
      baseMs: z.number().min(0).default(200),
      maxMs: z.number().min(0).default(5_000),
    })
    .prefault({}),
  /** Per-call deadline. */
  timeoutMs: z.number().int().positive().default(30_000),
});

export type SecretManagerStoreOptions = z.input<typeof SecretManagerStoreOptionsSchema>;
