import { deleteApp, type FirebaseApp, initializeApp } from "firebase/app";
import {
  collection,
  collectionGroup,
  connectFirestoreEmulator,
  deleteDoc,
  doc,
  type Firestore,
  getDoc,
  getDocs,
  getFirestore,
  query,
  setDoc,
  updateDoc,
  where,
} from "firebase/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorize } from "#foundation/iam/authorize.js";
import { type Principal, UserClaimsSchema } from "#foundation/iam/model.js";
import { paths } from "#kernel/document-paths.js";
import { repoRoot } from "../support/shared-data.js";
import { type FirestoreEmulator, startFirestoreEmulator } from "./support/firestore-emulator.js";

/**
 * firestore.rules on the official Firestore emulator with the real client SDK. Direct client
 * access mirrors what the read callables allow and nothing more: the caller's own tenant (from the
 * token claim), dashboard state only, with trust 1–4 and a workload zone (or the admin zone at
 * trust 4 with a second factor); saved views by owner, visibility and sharing; no collection-group
 * query; and no client write anywhere, server-owned state included.
 */
const PROJECT = "demo-test";

type Claims = Record<string, unknown> & { sub: string };
type Value = { stringValue: string } | { integerValue: string } | { arrayValue: { values: { stringValue: string }[] } };

const viewer: Claims = { sub: "u1", tenantId: "t1", trustLevel: 1, zones: ["prod"] };
const mfa = { firebase: { sign_in_provider: "password", sign_in_second_factor: "phone" } };
const admin: Claims = { sub: "a1", tenantId: "t1", trustLevel: 4, zones: ["nonprod", "prod", "admin"], ...mfa };

/** Who reads tenant 1's budget directly, and whether the rules let them. */
const ZONE_CASES: [string, boolean, Claims][] = [
  ["nonprod zone only", true, { ...viewer, zones: ["nonprod"] }],
  ["prod zone only", true, { ...viewer, zones: ["prod"] }],
  ["no zone at all", false, { ...viewer, zones: [] }],
  ["no zones claim", false, { sub: "u1", tenantId: "t1", trustLevel: 1 }],
  ["zones as a string, not a list", false, { ...viewer, zones: "prod" }],
  ["admin zone only, trust 4 with a second factor", true, { ...admin, zones: ["admin"] }],
  ["admin zone only, trust 4 without a second factor (counts as 2)", false, { sub: "a1", tenantId: "t1", trustLevel: 4, zones: ["admin"] }],
  ["admin zone only, trust 3 with a second factor", false, { sub: "m1", tenantId: "t1", trustLevel: 3, zones: ["admin"], ...mfa }],
  ["trust 0", false, { ...viewer, trustLevel: 0 }],
  ["trust 5", false, { ...viewer, trustLevel: 5 }],
  ["trust as a string", false, { ...viewer, trustLevel: "4" }],
  ["no trust claim", false, { sub: "u1", tenantId: "t1", zones: ["prod"] }],
  ["no tenant claim", false, { sub: "u2", trustLevel: 1, zones: ["prod"] }],
];

describe("firestore.rules", () => {
  let emu: FirestoreEmulator;
  const apps: FirebaseApp[] = [];

  const s = (v: string) => ({ stringValue: v });
  const list = (...v: string[]) => ({ arrayValue: { values: v.map(s) } });

  /** Admin REST access ("Bearer owner" is the emulator's, and bypasses rules): seeding and checking only. */
  async function rest(method: "PATCH" | "GET", path: string, fields?: Record<string, Value>): Promise<Record<string, unknown> | null> {
    const res = await fetch(`http://${emu.host}/v1/projects/${PROJECT}/databases/(default)/documents/${path}`, {
      method,
      headers: { authorization: "Bearer owner", "content-type": "application/json" },
      ...(fields ? { body: JSON.stringify({ fields }) } : {}),
    });
    if (method === "GET" && res.status === 404) return null;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { fields?: Record<string, unknown> }).fields ?? {};
  }

  function client(claims: Claims | null): Firestore {
    const app = initializeApp({ projectId: PROJECT, apiKey: "fake" }, `rules-${apps.length}`);
    apps.push(app);
    const db = getFirestore(app);
    const [host, port] = emu.host.split(":");
    // mockUserToken takes any claims; `firebase.sign_in_second_factor` is how a second factor shows.
    const token = claims ? { mockUserToken: { user_id: claims.sub, ...claims } as never } : {};
    connectFirestoreEmulator(db, host as string, Number(port), token);
    return db;
  }

  async function allowed(op: Promise<unknown>): Promise<boolean> {
    try {
      await op;
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === "permission-denied") return false;
      throw err;
    }
  }

  const canRead = (db: Firestore, path: string) => allowed(getDoc(doc(db, path)));

  beforeAll(async () => {
    emu = await startFirestoreEmulator({ rulesFile: `${repoRoot}/firestore.rules` });
    const seeds: [string, Record<string, Value>][] = [
      ["tenants/t1", { name: s("tenant one") }],
      ["tenants/t1/budgets/b1", { name: s("t1 budget") }],
      ["tenants/t2/budgets/b1", { name: s("t2 budget") }],
      ["tenants/t1/anomalies/a1", { status: s("open") }],
      ["tenants/t1/forecasts/f1", { total: s("10.00") }],
      ["tenants/t1/recommendations/r1", { savings: s("5.00") }],
      ["tenants/t1/cloud_accounts/c1", { provider: s("aws"), environment: s("prod") }],
      ["tenants/t1/llm_usage_daily/d1", { model: s("m"), day: s("2026-11-01") }],
      ["tenants/t1/sessions/s1", { uid: s("u1") }],
      ["tenants/t1/users/u1", { role: s("viewer") }],
      ["tenants/t1/api_keys/h1", { prefix: s("cm_x") }],
      ["tenants/t1/alert_channels/ch1", { kind: s("slack") }],
      ["tenants/t1/runs/2026-11-20", { status: s("done") }],
      ["tenants/t1/workspaces/mine", { ownerId: s("u1"), visibility: s("private") }],
      ["tenants/t1/workspaces/theirs", { ownerId: s("u9"), visibility: s("private") }],
      ["tenants/t1/workspaces/shared", { ownerId: s("u9"), visibility: s("shared"), sharedWith: list("u1") }],
      ["tenants/t1/workspaces/shared-others", { ownerId: s("u9"), visibility: s("shared"), sharedWith: list("u7") }],
      ["tenants/t1/workspaces/public", { ownerId: s("u9"), visibility: s("public") }],
      ["tenants/t2/workspaces/public", { ownerId: s("u8"), visibility: s("public") }],
      ["api_key_index/h1", { tenantId: s("t1") }],
      ["audit_heads/tenant%3At1", { hash: s("x") }],
      ["idempotency/fn~abc", { state: s("done") }],
      ["alert_deliveries/d1", { tenantId: s("t1") }],
      ["platform/config", { x: s("y") }],
      [paths.bruteForceSource("0".repeat(64)), { failures: list() }],
    ];
    for (const [path, fields] of seeds) await rest("PATCH", path, fields);
  }, 90_000);

  afterAll(async () => {
    for (const a of apps) await deleteApp(a);
    await emu?.stop();
  });

  describe("reads of single documents by a tenant-1 viewer", () => {
    it.each([
      ["own tenant's budget", "tenants/t1/budgets/b1", true],
      ["own tenant's anomaly", "tenants/t1/anomalies/a1", true],
      ["own tenant's forecast", "tenants/t1/forecasts/f1", true],
      ["own tenant's recommendation", "tenants/t1/recommendations/r1", true],
      ["own tenant's cloud account", "tenants/t1/cloud_accounts/c1", true],
      ["own tenant's LLM usage", "tenants/t1/llm_usage_daily/d1", true],
      ["another tenant's budget", "tenants/t2/budgets/b1", false],
      ["the tenant document", "tenants/t1", false],
      ["own sessions", "tenants/t1/sessions/s1", false],
      ["own user document", "tenants/t1/users/u1", false],
      ["own tenant's API keys", "tenants/t1/api_keys/h1", false],
      ["own tenant's alert channels", "tenants/t1/alert_channels/ch1", false],
      ["own tenant's run document", "tenants/t1/runs/2026-11-20", false],
      ["the API key index", "api_key_index/h1", false],
      ["the audit log", "audit_heads/tenant%3At1", false],
      ["an idempotency lease", "idempotency/fn~abc", false],
      ["the alert outbox", "alert_deliveries/d1", false],
      ["platform config", "platform/config", false],
      ["a brute-force lockout record", paths.bruteForceSource("0".repeat(64)), false],
    ])("%s: %s", async (_label, path, expected) => {
      expect(await canRead(client(viewer), path)).toBe(expected);
    });
  });

  describe("zones and trust, as the read callables decide them", () => {
    it.each(ZONE_CASES)("%s: allowed %s", async (_label, expected, claims) => {
      expect(await canRead(client(claims), "tenants/t1/budgets/b1")).toBe(expected);
    });

    it("those answers are the F1 policy's: the read callables allow exactly the same principals", () => {
      for (const [label, expected, claims] of ZONE_CASES) {
        const parsed = UserClaimsSchema.safeParse(claims);
        // Claims that do not parse are refused by the callables (missing-claims).
        const principal: Principal | null = parsed.success
          ? {
              kind: "user",
              id: claims.sub,
              tenantId: parsed.data.tenantId,
              trustLevel: parsed.data.trustLevel as Principal["trustLevel"],
              zones: parsed.data.zones,
              mfa: (claims.firebase as { sign_in_second_factor?: string } | undefined)?.sign_in_second_factor !== undefined,
              skills: "all",
              platformAdmin: false,
              method: "id-token",
            }
          : null;
        const byPolicy = principal !== null && principal.zones.some((z) => authorize(principal, "read", "budgets", { tenantId: "t1" }, z).allowed);
        expect(byPolicy, label).toBe(expected);
      }
    });

    it("an unsigned-in client reads nothing", async () => {
      expect(await canRead(client(null), "tenants/t1/budgets/b1")).toBe(false);
    });
  });

  describe("saved views (workspaces)", () => {
    it.each([
      ["own private view", "tenants/t1/workspaces/mine", true],
      ["someone's private view", "tenants/t1/workspaces/theirs", false],
      ["a view shared with me", "tenants/t1/workspaces/shared", true],
      ["a view shared with others only", "tenants/t1/workspaces/shared-others", false],
      ["a public view of my tenant", "tenants/t1/workspaces/public", true],
      ["a public view of another tenant", "tenants/t2/workspaces/public", false],
    ])("a tenant-1 viewer reading %s: %s", async (_label, path, expected) => {
      expect(await canRead(client(viewer), path)).toBe(expected);
    });

    it("a tenant admin does not read someone's private view directly either (the callables never list it)", async () => {
      expect(await canRead(client(admin), "tenants/t1/workspaces/theirs")).toBe(false);
    });

    it("a public or own view is not readable without a workload zone", async () => {
      const zoneless = client({ ...viewer, zones: [] });
      expect(await canRead(zoneless, "tenants/t1/workspaces/public")).toBe(false);
      expect(await canRead(zoneless, "tenants/t1/workspaces/mine")).toBe(false);
    });
  });

  describe("queries", () => {
    it("lists own tenant's dashboard collection, never another tenant's", async () => {
      const db = client(viewer);
      const own = await getDocs(collection(db, "tenants/t1/budgets"));
      expect(own.docs.map((d) => d.id)).toEqual(["b1"]);
      expect(await allowed(getDocs(collection(db, "tenants/t2/budgets")))).toBe(false);
    });

    it("refuses a collection-group query, which would span tenants", async () => {
      expect(await allowed(getDocs(collectionGroup(client(viewer), "budgets")))).toBe(false);
      expect(await allowed(getDocs(collectionGroup(client(admin), "workspaces")))).toBe(false);
    });

    it("lists views only with a filter that proves each one visible", async () => {
      const db = client(viewer);
      const views = collection(db, "tenants/t1/workspaces");
      const mine = await getDocs(query(views, where("ownerId", "==", "u1")));
      const pub = await getDocs(query(views, where("visibility", "==", "public")));

      expect(mine.docs.map((d) => d.id)).toEqual(["mine"]);
      expect(pub.docs.map((d) => d.id)).toEqual(["public"]);
      expect(await allowed(getDocs(views))).toBe(false);
      expect(await allowed(getDocs(query(views, where("visibility", "==", "private"))))).toBe(false);
    });
  });

  describe("writes: no client writes anything, not even a tenant admin with a second factor", () => {
    const targets: [string, string][] = [
      ["a budget", "tenants/t1/budgets/b1"],
      ["an anomaly (acknowledging it directly)", "tenants/t1/anomalies/a1"],
      ["a forecast", "tenants/t1/forecasts/f1"],
      ["a recommendation", "tenants/t1/recommendations/r1"],
      ["a cloud account", "tenants/t1/cloud_accounts/c1"],
      ["LLM usage", "tenants/t1/llm_usage_daily/d1"],
      ["own saved view", "tenants/t1/workspaces/mine"],
      ["own session", "tenants/t1/sessions/s1"],
      ["own user document (trust level)", "tenants/t1/users/u1"],
      ["the tenant document", "tenants/t1"],
      ["an API key", "tenants/t1/api_keys/h1"],
      ["the API key index", "api_key_index/h1"],
      ["an alert channel", "tenants/t1/alert_channels/ch1"],
      ["the alert outbox", "alert_deliveries/d1"],
      ["the audit head", "audit_heads/tenant%3At1"],
      ["an idempotency lease", "idempotency/fn~abc"],
      ["platform config", "platform/config"],
      ["a brute-force lockout record", paths.bruteForceSource("0".repeat(64))],
    ];

    it.each(targets)("%s: create, update and delete are refused and the document is unchanged", async (_label, path) => {
      // Prepare
      const db = client(admin);
      const before = await rest("GET", path);
      // Act
      const replaced = await allowed(setDoc(doc(db, path), { forged: true }));
      const updated = await allowed(updateDoc(doc(db, path), { forged: true }));
      const deleted = await allowed(deleteDoc(doc(db, path)));
      // Assess
      expect([replaced, updated, deleted]).toEqual([false, false, false]);
      expect(await rest("GET", path)).toEqual(before);
    });

    it("creating a new document anywhere is refused (own tenant, another tenant, a new collection)", async () => {
      const db = client(admin);
      for (const path of ["tenants/t1/budgets/new", "tenants/t2/budgets/new", "tenants/t1/anything/new", "tenants/new", "platform/flags"]) {
        expect(await allowed(setDoc(doc(db, path), { forged: true })), path).toBe(false);
        expect(await rest("GET", path), path).toBeNull();
      }
    });
  });
});
