/**
 * Largest request body each kind of function accepts, on the wire and once inflated; a
 * declaration may set its own (`maxBodyBytes`). The edge server (edge-server.ts) enforces them
 * before functions-framework parses anything.
 */
export const BODY_LIMITS = {
  /** Every callable input fits well inside this; the larger ones declare more. */
  callable: 256 * 1024,
  /** Pub/Sub push: our messages are small; Pub/Sub's own limit is 10 MB. */
  event: 1024 * 1024,
  /** Cloud Scheduler and health send no body worth reading. */
  plain: 64 * 1024,
} as const;
