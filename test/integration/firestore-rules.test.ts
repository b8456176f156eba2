import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import { connectFirestoreEmulator, doc, getDoc, getFirestore, setDoc } from "firebase/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/shared-data.js";
import { type FirestoreEmulator, startFirestoreEmulator } from "./support/firestore-emulator.js";

/**
 * firestore.rules on the official Firestore emulator with the real client SDK: direct client access
 * is read-only, limited to the caller's own tenant (from the token claim) and to dashboard state;
 * sessions, API keys, audit records and other tenants are never readable.
 */
const PROJECT = "demo-test";

describe("firestore.rules", () => {
  let emu: FirestoreEmulator;
  const apps: FirebaseApp[] = [];

  async function seed(path: string, fields: Record<string, { stringValue: string } | { arrayValue: { values: { stringValue: string }[] } }>) {
    // "Bearer owner" is the emulator's admin access, which bypasses rules (seeding only).
    const res = await fetch(`http://${emu.host}/v1/projects/${PROJECT}/databases/(default)/documents/${path}`, {
      method: "PATCH",
      headers: { authorization: "Bearer owner", "content-type": "application/json" },
      body: JSON.stringify({ fields }),
    });
    if (!res.ok) throw new Error(`seed ${path}: ${res.status} ${await res.text()}`);
  }

  function client(claims: Record<string, unknown> | null) {
    const app = initializeApp({ projectId: PROJECT, apiKey: "fake" }, `rules-${apps.length}`);
    apps.push(app);
    const db = getFirestore(app);
    const [host, port] = emu.host.split(":");
    connectFirestoreEmulator(db, host as string, Number(port), claims ? { mockUserToken: { sub: String(claims.sub), user_id: String(claims.sub), ...claims } } : {});
    return db;
  }

  async function canRead(db: ReturnType<typeof getFirestore>, path: string): Promise<boolean> {
    try {
      await getDoc(doc(db, path));
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === "permission-denied") return false;
      throw err;
    }
  }

  beforeAll(async () => {
    emu = await startFirestoreEmulator(`${repoRoot}/firestore.rules`);
    const s = (v: string) => ({ stringValue: v });
    await seed("tenants/t1/budgets/b1", { name: s("t1 budget") });
    await seed("tenants/t2/budgets/b1", { name: s("t2 budget") });
    await seed("tenants/t1/sessions/s1", { uid: s("u1") });
    await seed("tenants/t1/api_keys/h1", { prefix: s("cm_x") });
    await seed("tenants/t1/workspaces/mine", { ownerId: s("u1"), visibility: s("private") });
    await seed("tenants/t1/workspaces/theirs", { ownerId: s("u9"), visibility: s("private") });
    await seed("tenants/t1/workspaces/shared", { ownerId: s("u9"), visibility: s("shared"), sharedWith: { arrayValue: { values: [s("u1")] } } });
    await seed("audit_heads/tenant%3At1", { hash: s("x") });
  }, 90_000);

  afterAll(async () => {
    for (const a of apps) await deleteApp(a);
    await emu?.stop();
  });

  it.each([
    ["own tenant's budget", "tenants/t1/budgets/b1", true],
    ["another tenant's budget", "tenants/t2/budgets/b1", false],
    ["own sessions", "tenants/t1/sessions/s1", false],
    ["own tenant's API keys", "tenants/t1/api_keys/h1", false],
    ["own private view", "tenants/t1/workspaces/mine", true],
    ["someone's private view", "tenants/t1/workspaces/theirs", false],
    ["a view shared with me", "tenants/t1/workspaces/shared", true],
    ["the audit log", "audit_heads/tenant%3At1", false],
  ])("a tenant-1 viewer reading %s: %s", async (_label, path, allowed) => {
    const db = client({ sub: "u1", tenantId: "t1", trustLevel: 1, zones: ["prod"] });
    expect(await canRead(db, path)).toBe(allowed);
  });

  it("refuses reads without a tenant claim or without sign-in, and every client write", async () => {
    expect(await canRead(client({ sub: "u2" }), "tenants/t1/budgets/b1")).toBe(false);
    expect(await canRead(client(null), "tenants/t1/budgets/b1")).toBe(false);
    const db = client({ sub: "u1", tenantId: "t1", trustLevel: 4, zones: ["prod", "admin"] });
    await expect(setDoc(doc(db, "tenants/t1/budgets/b2"), { name: "x" })).rejects.toMatchObject({ code: "permission-denied" });
  });
});
