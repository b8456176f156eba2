import fc from "fast-check";
import { SKILLS } from "#foundation/iam/model.js";
import type { DocumentData, DocumentStore, SecretStore } from "#kernel/ports.js";
import { recommendationIdOf } from "../support/seed.js";
import { awkwardNumber, bigArray, bigRecord, calendarDay, dayAfter, idLike, money, text } from "./values.js";

/**
 * For every callable: an arbitrary of adversarial inputs meant to pass its schema (the suite keeps
 * only those that do), and, for callables that store what they are given, where the stored
 * documents are and which of their fields are input, to read them back through the same schema.
 */
export interface StoredView {
  /** The stored input fields, shaped as the callable's input, to parse with its schema. */
  input: Record<string, unknown>;
  /** Where they were read from, for the failure message. */
  path: string;
}

export interface ReadBackDeps {
  documents: DocumentStore;
  secrets: SecretStore;
}

export interface AdversarialCase {
  name: string;
  input: (tenant: string) => fc.Arbitrary<Record<string, unknown>>;
  /** What the call stored, as input again; undefined when it stores nothing of its input. */
  readBack?: (deps: ReadBackDeps, tenant: string, input: Record<string, unknown>, result: unknown) => Promise<StoredView[]>;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const docId = idLike(`${ALNUM}_.~-`, 128, ["~", "...", "-", "_", ".a", "a.", "~~~", "a~b"]);
const plainId = idLike(`${ALNUM}_-`, 64, ["-", "_", "--", "a-"]);
const pageSize = fc.constantFrom(1, 2, 199, 200);
const cursor = text(1, 2000);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Drops undefined members, as JSON would. */
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const pick = (doc: DocumentData | null, keys: readonly string[]) => defined(Object.fromEntries(keys.map((k) => [k, doc?.[k]])));

const window = (maxSpan: number) => fc.tuple(calendarDay, fc.integer({ min: 0, max: maxSpan })).map(([start, span]) => ({ start, end: dayAfter(start, span) }));

const scopeStrings = (max: number) => bigArray(text(1, 300), 1, max);

const budgetInput = fc
  .record({
    id: plainId,
    name: text(1, 200),
    amount: money,
    currency: text(3, 3),
    period: fc.constantFrom("monthly", "quarterly", "annual", "custom"),
    custom: window(20_000),
    scope: fc.record(
      {
        provider: bigArray(text(1, 64), 0, 10),
        sub_account_id: scopeStrings(100),
        service_name: scopeStrings(100),
        region_id: scopeStrings(100),
        tags: bigRecord(text(0, 64), text(0, 256), 400),
      },
      { requiredKeys: [] },
    ),
    thresholds: bigArray(fc.record({ percent: fc.oneof(fc.constantFrom(1000, 5e-324, 0.1 + 0.2, 999.9999999), fc.double({ min: 1e-9, max: 1000, noNaN: true })), basis: fc.constantFrom("actual", "forecast") }), 1, 20),
  })
  .map(({ custom, ...b }) => (b.period === "custom" ? { ...b, customStart: custom.start, customEnd: custom.end } : b));

const viewValue = fc.oneof(text(0, 500), awkwardNumber, fc.boolean(), bigArray(text(0, 200), 0, 100));

export const ADVERSARIAL_CASES: AdversarialCase[] = [
  {
    name: "getCostSummary",
    input: () =>
      fc
        .record({
          w: window(399),
          groupBy: fc.subarray(["provider", "account", "service", "region", "tag"] as const, { maxLength: 4 }),
          tagKey: idLike("ABCxyz019_.:/-", 128, ["a:b/c", "."]),
          granularity: fc.constantFrom("daily", "monthly"),
          filter: fc.record(
            {
              provider: bigArray(text(1, 64), 1, 20),
              account: bigArray(text(1, 128), 1, 100),
              service: bigArray(text(1, 256), 1, 100),
              region: bigArray(text(1, 64), 1, 100),
            },
            { requiredKeys: [] },
          ),
        })
        .map(({ w, groupBy, tagKey, ...rest }) => ({ ...w, groupBy, ...(groupBy.includes("tag") ? { tagKey } : {}), ...rest })),
  },
  {
    name: "listAnomalies",
    input: () => fc.record({ status: fc.constantFrom("open", "acknowledged", "resolved"), severity: fc.constantFrom("critical", "high", "medium", "low", "info"), limit: pageSize, cursor }, { requiredKeys: [] }),
  },
  {
    name: "updateAnomaly",
    input: (t) =>
      fc
        .record({
          id: fc.oneof(fc.constant(`anom-${t}`), docId),
          acknowledge: opt(fc.boolean()),
          resolve: opt(fc.constant(true)),
          feedback: opt(fc.constantFrom("expected", "unexpected", "planned", null)),
          note: opt(text(0, 2000)),
        })
        .map(defined),
    readBack: async ({ documents }, t, input) => {
      const path = `tenants/${t}/anomalies/${input.id as string}`;
      const doc = await documents.get(path);
      const stored = pick(doc, ["note", "feedback"]);
      return Object.keys(stored).length ? [{ path, input: { id: input.id, ...stored } }] : [];
    },
  },
  {
    name: "listRecommendations",
    input: () =>
      fc
        .record(
          {
            provider: fc.constantFrom("gcp", "aws", "azure"),
            category: fc.constantFrom("rightsizing", "idle", "commitment", "storage"),
            state: fc.constantFrom("active", "claimed", "succeeded", "failed", "dismissed"),
            minSavings: money,
            currency: fc.constantFrom("USD", "EUR", "JPY"),
            limit: fc.constantFrom(1, 199, 200),
          },
          { requiredKeys: [] },
        )
        .map(defined),
  },
  {
    name: "updateRecommendation",
    input: (t) =>
      fc
        .record({
          id: fc.oneof(fc.constant(recommendationIdOf(t)), idLike("0123456789abcdef", 32).map((s) => s.padEnd(32, "0").slice(0, 32))),
          op: fc.constantFrom("claim", "dismiss", "done"),
          outcome: opt(fc.constantFrom("succeeded", "failed")),
          reason: opt(text(1, 2000)),
          etag: opt(text(0, 256)),
        })
        .map(defined),
    readBack: async ({ documents }, t, input) => {
      const path = `tenants/${t}/recommendations/${input.id as string}`;
      const stored = pick(await documents.get(path), ["reason"]);
      return typeof stored.reason === "string" ? [{ path, input: { id: input.id, op: "dismiss", reason: stored.reason } }] : [];
    },
  },
  { name: "getForecast", input: () => fc.record({ seriesKey: idLike(`${ALNUM}_.:=~|,@-`, 500, ["tenant", "a|b,c=d:e~f", "total@EUR", "..", "."]) }, { requiredKeys: [] }) },
  {
    name: "upsertBudget",
    input: () => budgetInput,
    readBack: async ({ documents }, t, input) => {
      const path = `tenants/${t}/budgets/${input.id as string}`;
      const keys = ["id", "name", "amount", "currency", "period", "customStart", "customEnd", "scope", "thresholds"];
      return [{ path, input: pick(await documents.get(path), keys) }];
    },
  },
  { name: "listBudgets", input: () => fc.record({ limit: pageSize, cursor }, { requiredKeys: [] }) },
  { name: "deleteBudget", input: () => fc.record({ id: docId }) },
  {
    name: "connectCloudAccount",
    input: () =>
      fc
        .record({
          accountId: opt(idLike(`${ALNUM}_.-`, 128, ["a.b", "-", "_", "..."])),
          provider: fc.constantFrom("gcp", "aws", "azure", "oci", "other"),
          displayName: text(0, 200),
          billingAccountId: text(1, 256),
          subAccountId: text(1, 256),
          environment: fc.constantFrom("nonprod", "prod"),
          scope: bigRecord(text(0, 64, { nul: false }), fc.oneof(text(1, 256), bigArray(text(1, 256), 0, 100)), 8),
          credentials: fc.oneof(
            fc.dictionary(idLike(`${ALNUM}_`, 64), text(1, 16_384), { minKeys: 1, maxKeys: 20 }),
            fc.tuple(text(16_384, 16_384), fc.integer({ min: 1, max: 20 })).map(([v, n]) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, v]))),
          ),
        })
        .map(defined),
    readBack: async ({ documents, secrets }, t, _input, result) => {
      const id = (result as { id: string }).id;
      const path = `tenants/${t}/cloud_accounts/${id}`;
      const doc = await documents.get(path);
      const secret = typeof doc?.secretRef === "string" ? await secrets.get(doc.secretRef) : null;
      const credentials = secret === null ? undefined : (JSON.parse(secret) as Record<string, unknown>);
      return [{ path, input: { accountId: id, ...pick(doc, ["provider", "displayName", "billingAccountId", "subAccountId", "environment", "scope"]), credentials } }];
    },
  },
  { name: "listCloudAccounts", input: () => fc.record({ limit: pageSize, cursor }, { requiredKeys: [] }) },
  { name: "disconnectCloudAccount", input: () => fc.record({ accountId: docId }) },
  {
    name: "upsertAlertChannel",
    input: () =>
      fc
        .record({
          id: docId,
          kind: fc.constantFrom("slack", "pagerduty", "console"),
          name: opt(text(1, 200)),
          enabled: opt(fc.boolean()),
          slackPath: idLike(`${ALNUM}_/-`, 2000, ["T0/B0/x", "/", "-"]),
          pdKey: idLike(ALNUM, 32),
          consoleSecret: text(8, 2048),
          rules: bigArray(
            fc.record(
              {
                minSeverity: fc.constantFrom("critical", "high", "medium", "low"),
                minImpactUsd: money,
                minImpact: fc.record({ USD: money, EUR: money, JPY: money }, { requiredKeys: [] }),
                providers: bigArray(text(1, 300), 1, 50),
                eventTypes: fc.subarray(["anomaly.opened", "anomaly.resolved", "budget.threshold_crossed", "collection.failing", "llm_budget.crossed"] as const, { minLength: 1 }),
              },
              { requiredKeys: [] },
            ),
            0,
            20,
          ),
        })
        .map(({ slackPath, pdKey, consoleSecret, ...c }) => {
          const secret = c.kind === "slack" ? `https://hooks.slack.com/services/${slackPath}`.slice(0, 2048) : c.kind === "pagerduty" ? pdKey.padEnd(32, "a").slice(0, 32) : consoleSecret;
          return defined({ ...c, secret });
        }),
    readBack: async ({ documents, secrets }, t, input) => {
      const path = `tenants/${t}/alert_channels/${input.id as string}`;
      const doc = await documents.get(path);
      const secret = typeof doc?.secretRef === "string" ? await secrets.get(doc.secretRef) : null;
      return [{ path, input: { ...pick(doc, ["id", "kind", "name", "enabled", "rules"]), ...(secret === null ? {} : { secret }) } }];
    },
  },
  { name: "testAlertChannel", input: () => fc.record({ id: docId }) },
  {
    name: "createApiKey",
    input: () =>
      fc.record(
        {
          name: text(1, 100),
          skills: bigArray(fc.constantFrom(...SKILLS.filter((s) => s !== "admin")), 1, SKILLS.length),
          zones: fc.constantFrom(["nonprod"], ["prod"], ["prod", "prod"], ["nonprod", "prod"]),
          trustLevel: fc.constantFrom(1, 2),
        },
        { requiredKeys: ["name", "skills", "zones"] },
      ),
    readBack: async ({ documents }, t, _input, result) => {
      const prefix = (result as { prefix: string }).prefix;
      const docs = await documents.list(`tenants/${t}/api_keys`, { limit: 10_000 });
      const doc = docs.docs.find((d) => d.data.prefix === prefix);
      return [{ path: doc?.path ?? `tenants/${t}/api_keys/?`, input: pick(doc?.data ?? null, ["name", "skills", "zones", "trustLevel"]) }];
    },
  },
  { name: "revokeApiKey", input: () => fc.record({ prefix: idLike(ALNUM, 8).map((p) => `cm_${p.padEnd(8, "0").slice(0, 8)}`) }) },
  {
    name: "recordLlmUsage",
    // Stored in the LLM ledger, not in documents: the suite's read-back does not apply.
    input: () => {
      const llmEvent = fc.record(
        {
          eventId: idLike(`${ALNUM}._:@/+=-`, 128, ["-", ".", "a/b", "__proto__", "constructor"]),
          provider: fc.oneof(fc.constantFrom("openai", "anthropic", "google", "aws", "azure", "constructor", "__proto__"), idLike("abcdefghijklmnopqrstuvwxyz0123456789_.-", 40)),
          model: fc.oneof(fc.constantFrom("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-pro", "constructor", "__proto__"), idLike(`${ALNUM}._:/@+-`, 128, ["a:b", "a/b"])),
          inputTokens: fc.constantFrom(0, 1, 1e9, 999_999_999),
          outputTokens: fc.constantFrom(0, 1, 1e9),
          cacheReadTokens: fc.constantFrom(0, 1, 1e9),
          cacheWriteTokens: fc.constantFrom(0, 1),
          reasoningTokens: fc.constantFrom(0, 1e9),
          audioInputTokens: fc.constantFrom(0, 1),
          audioOutputTokens: fc.constantFrom(0, 1),
          serviceTier: fc.constantFrom("standard", "batch", "flex", "priority"),
          // The shipped app's clock stands at 2026-03-01T12:00Z; requests within its accepted window.
          requestedAt: fc.integer({ min: Date.parse("2026-01-25T00:00:00Z"), max: Date.parse("2026-03-02T23:59:59Z") }).map((t) => new Date(t).toISOString()),
          clientCostUsd: money,
          latencyMs: fc.oneof(fc.constantFrom(0, 3_600_000, 5e-324), fc.double({ min: 0, max: 3_600_000, noNaN: true })),
          tags: fc.record({ app: text(1, 128), team: text(1, 128), user: text(1, 128), key: text(1, 128) }, { requiredKeys: [] }),
        },
        { requiredKeys: ["eventId", "provider", "model", "inputTokens", "outputTokens", "requestedAt"] },
      );
      return fc.oneof(llmEvent, fc.record({ events: fc.array(llmEvent, { minLength: 1, maxLength: 40 }) }));
    },
  },
  {
    name: "getLlmUsage",
    input: () =>
      fc
        .record({ w: window(500), model: opt(idLike(`${ALNUM}._:/@+-`, 128)), team: opt(text(1, 128)), key: opt(text(1, 128)), limit: opt(fc.constantFrom(1, 1000)) })
        .map(({ w, ...rest }) => defined({ ...w, ...rest })),
  },
  {
    name: "checkLlmBudget",
    input: () =>
      fc.record(
        {
          provider: fc.oneof(fc.constantFrom("openai", "constructor", "__proto__"), idLike("abcdefghijklmnopqrstuvwxyz0123456789_.-", 40)),
          model: fc.oneof(fc.constantFrom("gpt-4o", "constructor"), idLike(`${ALNUM}._:/@+-`, 128)),
          tags: fc.record({ app: text(1, 128), team: text(1, 128), user: text(1, 128), key: text(1, 128) }, { requiredKeys: [] }),
        },
        { requiredKeys: ["provider", "model"] },
      ),
  },
  {
    name: "getLlmReconciliation",
    input: () =>
      fc
        .record({
          month: fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, "0")}`),
          provider: opt(fc.oneof(fc.constantFrom("openai", "constructor", "__proto__"), idLike("abcdefghijklmnopqrstuvwxyz0123456789_.-", 40))),
        })
        .map(defined),
  },
  {
    name: "recordLlmInvoice",
    input: () =>
      fc
        .record({
          provider: fc.oneof(fc.constantFrom("openai", "anthropic", "constructor", "__proto__"), idLike("abcdefghijklmnopqrstuvwxyz0123456789_.-", 40)),
          month: fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, "0")}`),
          amountUsd: money,
          reference: opt(text(1, 128)),
        })
        .map(defined),
    readBack: async ({ documents }, t, input) => {
      const path = `tenants/${t}/llm_invoices/${String(input.provider).trim().toLowerCase()}~${input.month}`;
      return [{ path, input: pick(await documents.get(path), ["provider", "month", "amountUsd"]) }];
    },
  },
  { name: "getSession", input: () => fc.constant({}) },
  { name: "endSession", input: () => fc.record({ sessionId: idLike("0123456789abcdef", 24).map((s) => s.padEnd(24, "f").slice(0, 24)) }, { requiredKeys: [] }) },
  {
    name: "saveWorkspace",
    input: () =>
      fc.record(
        {
          id: plainId,
          name: text(1, 200),
          visibility: fc.constantFrom("private", "shared", "public"),
          sharedWith: bigArray(idLike(`${ALNUM}_-`, 128), 0, 100),
          view: bigRecord(idLike(`${ALNUM}_.-`, 60), viewValue, 50),
        },
        { requiredKeys: ["name", "visibility"] },
      ),
    readBack: async ({ documents }, t, _input, result) => {
      const id = (result as { id: string }).id;
      const path = `tenants/${t}/workspaces/${id}`;
      return [{ path, input: pick(await documents.get(path), ["id", "name", "visibility", "sharedWith", "view"]) }];
    },
  },
  { name: "listWorkspaces", input: () => fc.constant({}) },
  { name: "deleteWorkspace", input: () => fc.record({ id: plainId }) },
  { name: "verifyAuditLog", input: () => fc.constant({}) },
];
