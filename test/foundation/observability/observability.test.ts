import { describe, expect, it } from "vitest";
import { createAlertRules, errorRatio, type OperationalAlert } from "#foundation/observability/alert-rules.js";
import { trackLlmCall } from "#foundation/observability/llm-tracking.js";
import { createLogger } from "#foundation/observability/logger.js";
import { createMetrics } from "#foundation/observability/metrics.js";
import { redactFields } from "#kernel/redact.js";
import { currentLogger, runInRequestScope } from "#foundation/observability/request-context.js";
import { parseTraceContext, randomHex } from "#foundation/observability/trace-context.js";

describe("trace context", () => {
  it.each([
    [{ traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true],
    [{ "x-cloud-trace-context": "105445aa7843bc8bf206b12000100000/18446744073709551615;o=0" }, "105445aa7843bc8bf206b12000100000", "ffffffffffffffff", false],
    [{ traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "x-cloud-trace-context": "105445aa7843bc8bf206b12000100000/1;o=1" }, "105445aa7843bc8bf206b12000100000", "0000000000000001", true],
  ])("reads %j", (headers, traceId, spanId, sampled) => {
    expect(parseTraceContext(headers)).toEqual({ traceId, spanId, sampled });
  });

  it("starts a new trace for garbage", () => {
    const t = parseTraceContext({ traceparent: "zz", "x-cloud-trace-context": "nope" });
    expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(t.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("randomHex gives the asked number of hex digits, every digit position varying", () => {
    // Prepare
    const draws = Array.from({ length: 400 }, () => randomHex(32));
    // Assess: right shape, no repeats, and no fixed digit (a UUID's version "4" must not leak in).
    for (const d of draws) expect(d).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(draws).size).toBe(draws.length);
    for (let i = 0; i < 32; i++) expect(new Set(draws.map((d) => d[i])).size).toBeGreaterThan(8);
    expect(randomHex(12)).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe("structured logger", () => {
  it("writes Cloud Logging fields, labels and levels, redacting secrets", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), level: "INFO", projectId: "p1", trace: { traceId: "a".repeat(32), spanId: "b".repeat(16), sampled: true }, labels: { function: "f" } });
    log.debug("hidden");
    log.child({ tenant: "t1" }).warn("careful", { password: "hunter2", nested: { token: "x" }, note: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc" });
    expect(lines).toHaveLength(1);
    const e = JSON.parse(lines[0] as string);
    expect(e).toMatchObject({
      severity: "WARNING",
      message: "careful",
      password: "[REDACTED]",
      nested: { token: "[REDACTED]" },
      "logging.googleapis.com/trace": `projects/p1/traces/${"a".repeat(32)}`,
      "logging.googleapis.com/spanId": "b".repeat(16),
      "logging.googleapis.com/labels": { function: "f", tenant: "t1" },
    });
    expect(lines[0]).not.toContain("hunter2");
    expect(lines[0]).not.toContain("eyJzdWIi");
  });

  it("masks PEM keys, API keys and Slack webhooks wherever they appear", () => {
    const text = redactFields({ msg: "k=cm_AbCdEfGh_0123456789abcdef0123456789ab url=https://hooks.slack.com/services/T/B/X -----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----" }) as { msg: string };
    expect(text.msg).toBe("k=[REDACTED] url=[REDACTED] [REDACTED]");
  });

  it("gives nested code the request's logger through AsyncLocalStorage", async () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), labels: { function: "f" } });
    await runInRequestScope({ functionName: "f", executionId: "e", trace: { traceId: "c".repeat(32), spanId: "d".repeat(16), sampled: false }, log, labels: {} }, async () => {
      await Promise.resolve();
      currentLogger().info("deep");
    });
    expect(JSON.parse(lines[0] as string)["logging.googleapis.com/labels"]).toEqual({ function: "f" });
  });
});

describe("metrics, LLM tracking and alert rules", () => {
  it("counts and observes per label set", () => {
    const m = createMetrics([1, 10]);
    m.increment("calls", { function: "a", code: "ok" });
    m.increment("calls", { code: "ok", function: "a" });
    m.observe("lat", 0.5, { function: "a" });
    m.observe("lat", 5, { function: "a" });
    const s = m.snapshot();
    expect(s.counters).toEqual({ "calls{code=ok,function=a}": 2 });
    expect(s.histograms["lat{function=a}"]).toMatchObject({ count: 2, sum: 5.5, min: 0.5, max: 5, buckets: { "1": 1, "10": 2, "+Inf": 2 } });
  });

  it("tracks an LLM call's tokens, latency and cost", () => {
    const m = createMetrics();
    const lines: string[] = [];
    trackLlmCall(m, "gpt-4o", { input: 1000, output: 200, cached: 50 }, 850, "0.0045", createLogger({ sink: (l) => lines.push(l) }));
    expect(m.snapshot().counters).toMatchObject({ "llm_calls{model=gpt-4o}": 1, "llm_tokens_input{model=gpt-4o}": 1000, "llm_tokens_cached{model=gpt-4o}": 50 });
    expect(JSON.parse(lines[0] as string)).toMatchObject({ event: "llm.call", costUsd: "0.0045" });
  });

  it("routes an alert once while a rule fires, and again after it clears", async () => {
    const sent: OperationalAlert[] = [];
    const m = createMetrics();
    const rules = createAlertRules([{ name: "errors", severity: "critical", measure: errorRatio("f"), threshold: 0.5, summary: (v) => `${v}` }], { send: async (a) => void sent.push(a) });
    m.increment("callable_calls", { function: "f", code: "internal" });
    await rules.evaluate(m.snapshot());
    await rules.evaluate(m.snapshot());
    m.increment("callable_calls", { function: "f", code: "ok" }, 3);
    await rules.evaluate(m.snapshot());
    m.increment("callable_calls", { function: "f", code: "internal" }, 10);
    await rules.evaluate(m.snapshot());
    expect(sent.map((a) => a.value)).toEqual([1, 11 / 14]);
  });
});
