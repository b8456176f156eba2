import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPagerDutyChannel } from "#adapters/pagerduty/pagerduty-channel.js";
import { parseChannelConfig } from "#domain/alerts/channel-config.js";
import type { ChannelMessage } from "#domain/alerts/channel-port.js";
import { opened, resolved } from "../../domain/alerts/fixtures.js";
import { type PagerDutyReceiver, startPagerDutyReceiver } from "../../support/receivers/pagerduty-receiver.js";

const KEY = "canaryroutingkey00000000000000ab";
const config = parseChannelConfig({ id: "pd", tenantId: "acme", kind: "pagerduty", secretRef: "alerts/acme/pd" });
const trigger: ChannelMessage = { kind: "alert", transition: "trigger", event: opened() };

describe("PagerDuty channel against a local Events API v2 receiver", () => {
  let pd: PagerDutyReceiver;
  beforeAll(async () => {
    pd = await startPagerDutyReceiver();
  });
  afterAll(async () => {
    await pd.close();
  });
  const channel = () => createPagerDutyChannel({ url: pd.url, retries: 2, initialDelayMs: 1, maxDelayMs: 5 });

  it("triggers, acknowledges and resolves one alert by dedup_key", async () => {
    const c = channel();
    expect(await c.send(trigger, { secret: KEY, config })).toEqual({ ok: true, status: 202 });
    expect(pd.alerts.get(opened().id)).toBe("triggered");
    await c.send({ kind: "alert", transition: "acknowledge", event: resolved() }, { secret: KEY, config });
    expect(pd.alerts.get(opened().id)).toBe("acknowledged");
    await c.send({ kind: "alert", transition: "resolve", event: resolved() }, { secret: KEY, config });
    expect(pd.alerts.get(opened().id)).toBe("resolved");
    expect(pd.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", opened().id],
      ["acknowledge", opened().id],
      ["resolve", opened().id],
    ]);
  });

  it("treats a 400 as permanent and reports PagerDuty's errors", async () => {
    // Bypass our builder to send a body the OpenAPI refuses (no payload.source).
    const broken = createPagerDutyChannel({
      url: pd.url,
      fetch: (url, init) => {
        const body = JSON.parse(String(init?.body)) as { payload: Record<string, unknown> };
        delete body.payload.source;
        return fetch(url, { ...init, body: JSON.stringify(body) });
      },
    });
    const res = await broken.send(trigger, { secret: KEY, config });
    expect(res).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(!res.ok && res.reason).toMatch(/^PagerDuty 400: invalid event: Event object is invalid: errors: .*source/);
    expect(JSON.stringify(res)).not.toContain(KEY);
  });

  it.each([429, 500, 503])("retries %i with backoff, then succeeds", async (status) => {
    const before = pd.events.length;
    pd.failNext(2, status);
    expect((await channel().send(trigger, { secret: KEY, config })).ok).toBe(true);
    expect(pd.events.length).toBe(before + 1);
  });

  it("hands a still-throttled send back as retryable", async () => {
    pd.failNext(3, 429);
    const res = await channel().send(trigger, { secret: KEY, config });
    expect(res).toMatchObject({ ok: false, retryable: true, status: 429 });
    expect(!res.ok && res.reason).toContain("throttle event");
  });

  it("does not page digests", () => {
    expect(channel().supports({ kind: "digest", digest: { tenantId: "a", period: "daily", from: "", to: "", totalImpact: [], totalCount: 0, deferredCount: 0, items: [], omittedCount: 0 } })).toBe(false);
  });
});
