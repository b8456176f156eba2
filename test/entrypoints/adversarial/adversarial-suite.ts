import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertChannel } from "#domain/alerts/channel-port.js";
import type { CallableFunction } from "#foundation/pipeline/define-pipeline.js";
import { callableData } from "#foundation/pipeline/layers/validate-input.js";
import { createBruteForceGuard } from "#foundation/secops/brute-force.js";
import { createRateLimiter } from "#foundation/secops/rate-limiter.js";
import { CASES } from "../../integration/support/isolation-cases.js";
import { type App, startShippedApp } from "../support/app-harness.js";
import { bearer, fakeVerifier } from "../support/fake-id-tokens.js";
import { overTheWire } from "../support/malformed.js";
import { costRow, seedTenantDocs } from "../support/seed.js";
import { ADVERSARIAL_CASES, type AdversarialCase } from "./cases.js";

/**
 * Schema-valid adversarial input (cases.ts, values.ts), the complement of the bad-input suites:
 * every payload here PASSES the callable's strict schema (judged on what arrives over the wire),
 * sent in-process over HTTP by a caller allowed to use every callable, to the entry points on the
 * stores a deployed instance ships with (DuckDB documents and ledger, file secrets). No answer may
 * be a 5xx, no answer may exceed {@link MAX_ANSWER_BYTES}, and whatever a call stored must parse
 * again with the schema it came in through. Problems are collected over all payloads and reported
 * together.
 */
const T = "tenant-adv";
const RUNS = 80;
/** Far below Cloud Run's 32 MiB response limit, far above any honest answer here. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const admin = bearer({ uid: "adv-admin", tenantId: T, trustLevel: 4, zones: ["nonprod", "prod", "admin"], mfa: true });
/** One admin per callable, so that endSession ends only its own sessions; it signs in afresh each call. */
const caller = (name: string, i: number) =>
  bearer({ uid: `adv-${name}`, tenantId: T, trustLevel: 4, zones: ["nonprod", "prod", "admin"], mfa: true, authTime: 1_772_000_000 + (name === "endSession" ? i : 0) });
/** Slack and PagerDuty cannot be reached from here: testAlertChannel's sends are answered locally. */
const delivered = (kind: AlertChannel["kind"]): AlertChannel => ({ kind, supports: () => true, send: async () => ({ ok: true, status: 200 }) });

export interface AdversarialStats {
  tried: number;
  internal: number;
  slowestMs: number;
  statuses: Record<string, number>;
}

/** Registers the suite for the named callables (split over files to keep each file fast). */
export function adversarialSuite(names: readonly string[]): void {
  describe(`schema-valid adversarial input on ${names.join(", ")}`, () => {
    let app: App;
    let callables: Map<string, CallableFunction>;
    const stats: Record<string, AdversarialStats> = {};

    beforeAll(async () => {
      app = await startShippedApp(
        {
          verifyIdToken: fakeVerifier,
          rateLimiter: createRateLimiter({ points: 1e9 }),
          bruteForce: createBruteForceGuard({ maxFailures: 1e9 }),
          channels: { slack: delivered("slack"), pagerduty: delivered("pagerduty"), console: delivered("console") },
        },
        { COSTMON_LOGGING_LEVEL: "warning" },
      );
      await seedTenantDocs(app.documents, T);
      await app.warehouse.upsert(T, [costRow(T, "2026-01-05")]);
      const entry = (await import("../../../functions/src/index.js")).functions as Record<string, unknown>;
      callables = new Map(Object.entries(entry).filter((e): e is [string, CallableFunction] => typeof e[1] === "function" && "inputSchema" in e[1]));
      await app.call("getSession", {}, admin);
    });
    afterAll(async () => {
      // The figures the suite exists for: cases tried, internal errors and the slowest answer, per callable.
      console.info(`adversarial ${JSON.stringify(stats)}`);
      await app?.close();
    });

    it("answers every payload without a 5xx, within bounds, and stores nothing its schema would refuse", async () => {
      // Prepare
      expect(ADVERSARIAL_CASES.map((c) => c.name).sort()).toEqual(CASES.map((c) => c.name).sort());
      const problems: string[] = [];
      // Act
      for (const c of ADVERSARIAL_CASES.filter((x) => names.includes(x.name))) problems.push(...(await runCase(c)));
      // Assess
      for (const name of names) expect(stats[name]?.tried, name).toBeGreaterThanOrEqual(RUNS);
      expect(problems.slice(0, 12)).toEqual([]);
    });

    /** Sends RUNS schema-valid payloads of one callable; returns what went wrong, in words. */
    async function runCase(c: AdversarialCase): Promise<string[]> {
      const { name } = c;
      const fn = callables.get(name) as CallableFunction;
      const valid = c.input(T).filter((v) => fn.inputSchema.safeParse(callableData({ data: overTheWire(v) })).success);
      const inputs = fc.sample(valid, { numRuns: RUNS, seed: 2026 });
      const s: AdversarialStats = { tried: 0, internal: 0, slowestMs: 0, statuses: {} };
      stats[name] = s;
      const problems: string[] = [];
      for (const [i, data] of inputs.entries()) {
        const t0 = performance.now();
        const res = await app.raw(name, { method: "POST", headers: { "content-type": "application/json", ...caller(name, i) }, body: JSON.stringify({ data }) });
        const text = await res.text();
        s.slowestMs = Math.max(s.slowestMs, performance.now() - t0);
        s.tried += 1;
        let body: { result?: unknown; error?: { status: string } } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          problems.push(`${name}: ${res.status} answer is not JSON: ${text.slice(0, 120)}`);
        }
        const status = body.error?.status ?? (res.status === 200 ? "OK" : `HTTP_${res.status}`);
        s.statuses[status] = (s.statuses[status] ?? 0) + 1;
        const sample = JSON.stringify(data).slice(0, 160);
        if (res.status >= 500) {
          s.internal += 1;
          problems.push(`${name}: ${res.status} ${status} for ${sample}`);
        }
        if (text.length > MAX_ANSWER_BYTES) problems.push(`${name}: answer of ${text.length} bytes for ${sample}`);
        if (res.status === 200 && c.readBack) {
          for (const view of await c.readBack({ documents: app.documents, secrets: app.secrets }, T, data, body.result)) {
            const again = fn.inputSchema.safeParse(view.input);
            if (!again.success) problems.push(`${name}: ${view.path} stored what the schema refuses (${again.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}) from ${sample}`);
          }
        }
      }
      return problems;
    }
  });
}
