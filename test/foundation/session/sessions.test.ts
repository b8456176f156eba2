import { describe, expect, it } from "vitest";
import { createSessionManager } from "#foundation/session/sessions.js";
import { canSee, createWorkspaceService } from "#foundation/session/workspaces.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MutableClock } from "../../entrypoints/support/app-harness.js";

describe("sessions", () => {
  it("keeps one session per sign-in across token refreshes and writes lastSeen at most once a minute", async () => {
    const store = new MemoryDocumentStore();
    const clock = new MutableClock();
    const s = createSessionManager(store, { clock });
    const a = await s.touch({ id: "u", tenantId: "t", authTime: 100 });
    clock.advance(30_000);
    const b = await s.touch({ id: "u", tenantId: "t", authTime: 100 });
    clock.advance(40_000);
    const c = await s.touch({ id: "u", tenantId: "t", authTime: 100 });
    expect([a.created, b.created, c.created]).toEqual([true, false, false]);
    expect(b.session.lastSeenAt).toBe(a.session.lastSeenAt);
    expect(c.session.lastSeenAt).toBe(clock.now().toISOString());
  });

  it("ends a session on sign-out and refuses its sign-in afterwards", async () => {
    const store = new MemoryDocumentStore();
    const s = createSessionManager(store);
    const { session } = await s.touch({ id: "u", tenantId: "t", authTime: 5 });
    await s.end("t", "u", session.id);
    await expect(s.touch({ id: "u", tenantId: "t", authTime: 5 })).rejects.toMatchObject({ code: "unauthenticated", details: { reason: "session-signed-out" } });
    await expect(s.end("t", "someone-else", session.id)).rejects.toMatchObject({ code: "not-found" });
  });
});

describe("workspaces", () => {
  it("shows private views to their owner, shared ones to members, public ones to all", () => {
    const base = { id: "w", tenantId: "t", ownerId: "o", name: "n", view: {}, createdAt: "", updatedAt: "" };
    expect(canSee({ ...base, visibility: "private", sharedWith: [] }, "x")).toBe(false);
    expect(canSee({ ...base, visibility: "private", sharedWith: [] }, "o")).toBe(true);
    expect(canSee({ ...base, visibility: "shared", sharedWith: ["x"] }, "x")).toBe(true);
    expect(canSee({ ...base, visibility: "shared", sharedWith: ["x"] }, "y")).toBe(false);
    expect(canSee({ ...base, visibility: "public", sharedWith: [] }, "y")).toBe(true);
  });

  it("answers not-found for a private view of someone else", async () => {
    const ws = createWorkspaceService(new MemoryDocumentStore());
    const saved = await ws.save("t", "owner", { name: "mine", visibility: "private", sharedWith: ["x"], view: {} }, null);
    expect(saved.sharedWith).toEqual([]);
    await expect(ws.getVisible("t", saved.id, "intruder")).rejects.toMatchObject({ code: "not-found" });
  });
});
