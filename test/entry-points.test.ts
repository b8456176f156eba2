import { describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../functions/src/entry-points.js";
import { functions } from "../functions/src/index.js";

describe("deploy entry points", () => {
  it("name the same functions as index.ts, each loader giving that very function", async () => {
    const exported = functions as Record<string, unknown>;
    expect(Object.keys(ENTRY_POINTS).sort()).toEqual(Object.keys(exported).sort());
    for (const [name, load] of Object.entries(ENTRY_POINTS)) {
      const mod = (await load()) as Record<string, unknown>;
      expect(mod[name], name).toBe(exported[name]);
      expect(typeof mod[name], name).toBe("function");
    }
  });

  it("hold the nightly's event functions on their topics and the scheduled ones on their schedules", () => {
    const topics = Object.fromEntries(
      Object.entries(functions as Record<string, { topic?: string; schedule?: string }>)
        .filter(([, f]) => f.topic !== undefined || f.schedule !== undefined)
        .map(([name, f]) => [name, f.topic ?? f.schedule]),
    );
    expect(topics).toEqual({
      fanOutCollection: "nightly-collect",
      collectAccount: "collect-account",
      collectAccountFailed: "collect-account.dead-letter",
      analyzeTenant: "costs-collected",
      dispatchAlerts: "alerts",
      ingestLlmUsage: "llm-usage",
      retryPendingAlerts: "*/10 * * * *",
      sendDigests: "0 8 * * *",
      syncRecommendations: "0 6 * * *",
    });
  });
});
