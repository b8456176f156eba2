import { randomUUID } from "node:crypto";

/**
 * Trace context of a request, from W3C `traceparent` (version-traceid-parentid-flags) or
 * Google's legacy `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1`, where SPAN_ID is decimal.
 * Cloud Logging wants the span id as 16 hex digits (LogEntry.spanId), so the decimal form is
 * converted. A missing or malformed header starts a new trace.
 */
export interface TraceContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const CLOUD_TRACE = /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?(?:;o=([01]))?$/;
const ZERO_TRACE = /^0+$/;

export function parseTraceContext(headers: Record<string, string | string[] | undefined>): TraceContext {
  const tp = headerValue(headers.traceparent);
  if (tp) {
    const m = TRACEPARENT.exec(tp.trim().toLowerCase());
    if (m && m[1] !== "ff" && !ZERO_TRACE.test(m[2] as string) && !ZERO_TRACE.test(m[3] as string)) {
      return { traceId: m[2] as string, spanId: m[3] as string, sampled: (Number.parseInt(m[4] as string, 16) & 1) === 1 };
    }
  }
  const ct = headerValue(headers["x-cloud-trace-context"]);
  if (ct) {
    const m = CLOUD_TRACE.exec(ct.trim());
    if (m && !ZERO_TRACE.test(m[1] as string)) {
      const span = m[2] ? BigInt.asUintN(64, BigInt(m[2])).toString(16).padStart(16, "0") : newSpanId();
      return { traceId: (m[1] as string).toLowerCase(), spanId: span, sampled: m[3] === "1" };
    }
  }
  return { traceId: randomHex(32), spanId: newSpanId(), sampled: false };
}

export function newSpanId(): string {
  return randomHex(16);
}

/**
 * `digits` random hex digits. randomUUID draws from Node's cached entropy pool, about 20 times
 * cheaper per call than randomBytes (one getrandom call each), which every request paid three
 * times. A v4 UUID has 30 random hex digits once its version and variant digits are dropped.
 */
export function randomHex(digits: number): string {
  let out = "";
  while (out.length < digits) {
    const u = randomUUID();
    // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: skip the dashes, the version "4" and the variant V.
    out += u.slice(0, 8) + u.slice(9, 13) + u.slice(15, 18) + u.slice(20, 23) + u.slice(24);
  }
  return out.slice(0, digits);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
