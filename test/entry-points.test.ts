import { describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../functions/src/entry-points.js";
import * as index from "../functions/src/index.js";

describe("deploy entry points", () => {
  it("name the same functions as index.ts, each loader giving that very function", async () => {
    const exported = index as Record<string, unknown>;
    expect(Object.keys(ENTRY_POINTS).sort()).toEqual(Object.keys(exported).sort());
    for (const [name, load] of Object.entries(ENTRY_POINTS)) {
      const mod = (await load()) as Record<string, unknown>;
      expect(mod[name], name).toBe(exported[name]);
    }
  });
});
