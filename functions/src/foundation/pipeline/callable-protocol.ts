import type { BaseContext, HttpRequestLike } from "./context.js";
import { AppError } from "#kernel/errors.js";
import type { CallableResponse } from "./layers/error-boundary.js";
import type { Middleware } from "./middleware.js";

/**
 * The Firebase callable protocol over HTTP (firebase.google.com/docs/functions/callable-reference):
 * POST, `Content-Type: application/json`, body `{"data": ...}`; the answer is 200 `{"result": ...}`
 * or the error's HTTP status with `{"error": {"status", "message", "details"}}`. Browsers send a
 * CORS preflight (Authorization + JSON), answered here with 204.
 */
export interface HttpResponseLike {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  send(body?: string): unknown;
  end(): unknown;
}

const ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "X-API-Key",
  "X-Workspace-Id",
  "X-Firebase-AppCheck",
  "X-Firebase-GMPID",
  "X-Client-Version",
  "Firebase-Instance-ID-Token",
  "traceparent",
  "X-Cloud-Trace-Context",
].join(", ");

function headerOf(req: HttpRequestLike, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function applyCors(req: HttpRequestLike, res: HttpResponseLike, origins: readonly string[]): void {
  const origin = headerOf(req, "origin");
  if (origins.includes("*")) res.setHeader("Access-Control-Allow-Origin", origin ?? "*");
  else if (origin && origins.includes(origin)) res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
}

export function answerPreflight(res: HttpResponseLike): void {
  res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
  res.setHeader("Access-Control-Max-Age", "3600");
  res.status(204);
  res.end();
}

export function writeCallableResponse(res: HttpResponseLike, response: CallableResponse): void {
  res.status(response.httpStatus);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  if (response.code === "resource-exhausted") {
    const retry = (response.body as { error?: { details?: { retryAfterMs?: unknown } } }).error?.details?.retryAfterMs;
    if (typeof retry === "number") res.setHeader("Retry-After", String(Math.ceil(retry / 1000)));
  }
  res.send(JSON.stringify(response.body));
}

/**
 * Refuses requests that are not callable requests (wrong method, content type or envelope) with
 * `invalid-argument`, as firebase-functions does, before any credential is looked at.
 *
 * @example
 *   stack.use("callable-envelope", callableEnvelope())
 */
export function callableEnvelope(): Middleware<BaseContext> {
  return async function envelope(ctx, next) {
    const { method, body } = ctx.request;
    if (method !== "POST") throw new AppError("invalid-argument", "callable requests must be POST");
    const type = headerOf(ctx.request, "content-type") ?? "";
    if (!/^application\/json\b/i.test(type)) throw new AppError("invalid-argument", "callable requests must be JSON");
    if (body === null || typeof body !== "object" || Array.isArray(body) || !("data" in body)) {
      throw new AppError("invalid-argument", "callable request body must be {data: ...}");
    }
    return next({});
  };
}
