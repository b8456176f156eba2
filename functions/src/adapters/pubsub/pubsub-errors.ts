import { AppError } from "#kernel/errors.js";

/** gRPC status codes the client reports (REST fallback reports HTTP statuses instead). */
const GRPC_NOT_FOUND = 5;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_INVALID_ARGUMENT = 3;

function codeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * A failed publish as the AppError family: a missing topic, refused access or a refused message
 * will not heal by repeating it (`failed-precondition`, `permission-denied`, `invalid-argument`);
 * anything else (unavailable, deadline, a closed channel) may, and is `unavailable` and retryable.
 * The client has already retried what Google marks transient. gRPC and REST (404, 403, 400) codes
 * are both understood.
 *
 * @example
 *   try { await topic.publishMessage(m); } catch (err) { throw publishError("alerts", err); }
 */
export function publishError(topicId: string, err: unknown): AppError {
  const code = codeOf(err);
  if (code === GRPC_NOT_FOUND || code === 404) {
    return new AppError("failed-precondition", `Pub/Sub topic ${topicId} does not exist`, { cause: err, retryable: false });
  }
  if (code === GRPC_PERMISSION_DENIED || code === 403) {
    return new AppError("permission-denied", `not allowed to publish to Pub/Sub topic ${topicId}`, { cause: err, expose: false });
  }
  if (code === GRPC_INVALID_ARGUMENT || code === 400) {
    return new AppError("invalid-argument", `Pub/Sub refused a message for ${topicId}`, { cause: err, expose: false });
  }
  return new AppError("unavailable", `publishing to Pub/Sub topic ${topicId} failed`, { cause: err, retryable: true });
}
