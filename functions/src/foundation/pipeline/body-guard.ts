import type { IncomingMessage, ServerResponse } from "node:http";
import { toCallableError } from "./callable-errors.js";
import { BodyRefused, hasBody, readBoundedBody } from "../secops/request-body.js";
import { isJsonType, parseJsonBody } from "../secops/json-body.js";

/**
 * The pre-parse guard in front of functions-framework's Express app (DESIGN.md §6, before layer
 * 1): it reads the body itself, within the function's size cap (inflated size included), and
 * parses JSON itself. A body it cannot accept is answered here with a callable error, 413 for too
 * large and 400 `invalid-argument` otherwise; nothing of it is printed. An accepted body is left
 * on `req.body` and `req.rawBody`, as the framework's parsers would leave it, and the request
 * stream is then fully read, so those parsers (with their 1 GB limit and their error pages that
 * echo the body to stderr) skip it.
 */

export interface GuardedRequest extends IncomingMessage {
  body?: unknown;
  rawBody?: Buffer;
}

/** Why the guard refused a request, for the caller's log line (no body text). */
export interface GuardRefusal {
  reason: string;
  status: number;
}

/**
 * Reads and checks the body of `req`; answers and returns the refusal when it cannot go on,
 * returns null when the framework may take the request.
 *
 * @example
 *   const refused = await guardBody(req, res, BODY_LIMITS.callable);
 *   if (!refused) app(req, res);
 */
export async function guardBody(req: GuardedRequest, res: ServerResponse, maxBytes: number): Promise<GuardRefusal | null> {
  if (!hasBody(req)) return null;
  try {
    const raw = await readBoundedBody(req, maxBytes);
    const type = req.headers["content-type"] ?? "";
    req.rawBody = raw;
    req.body = isJsonType(type) ? parseJsonBody(raw, type) : raw;
    return null;
  } catch (err) {
    const refused = err instanceof BodyRefused ? err : new BodyRefused("aborted", "request aborted");
    const mapped = toCallableError(refused);
    res.statusCode = refused.httpStatus;
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    // The rest of the body is not read: close the connection after the answer.
    res.setHeader("Connection", "close");
    res.end(JSON.stringify(mapped.body));
    // Discard, unbuffered, whatever the client still sends, so it can read the answer.
    req.resume();
    return { reason: refused.reason, status: refused.httpStatus };
  }
}
