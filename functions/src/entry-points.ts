/**
 * The one list of deployed functions: each name and its module, loaded on demand. A Cloud
 * Functions instance serves one function (FUNCTION_TARGET), so the deploy entry (deploy.ts) loads
 * only that module and what it imports, the FUNCTION_TARGET pattern Firebase documents for cold
 * starts; index.ts loads them all. How each is triggered (callable, Pub/Sub topic, schedule, plain
 * HTTP) is declared by the function itself, in its module under entrypoints/.
 */
export const ENTRY_POINTS = {
  getCostSummary: () => import("./entrypoints/callable/get-cost-summary.js"),
  listAnomalies: () => import("./entrypoints/callable/list-anomalies.js"),
  updateAnomaly: () => import("./entrypoints/callable/update-anomaly.js"),
  listRecommendations: () => import("./entrypoints/callable/list-recommendations.js"),
  updateRecommendation: () => import("./entrypoints/callable/update-recommendation.js"),
  getForecast: () => import("./entrypoints/callable/get-forecast.js"),
  upsertBudget: () => import("./entrypoints/callable/upsert-budget.js"),
  listBudgets: () => import("./entrypoints/callable/list-budgets.js"),
  deleteBudget: () => import("./entrypoints/callable/delete-budget.js"),
  connectCloudAccount: () => import("./entrypoints/callable/connect-cloud-account.js"),
  listCloudAccounts: () => import("./entrypoints/callable/list-cloud-accounts.js"),
  disconnectCloudAccount: () => import("./entrypoints/callable/disconnect-cloud-account.js"),
  upsertAlertChannel: () => import("./entrypoints/callable/upsert-alert-channel.js"),
  testAlertChannel: () => import("./entrypoints/callable/test-alert-channel.js"),
  createApiKey: () => import("./entrypoints/callable/create-api-key.js"),
  revokeApiKey: () => import("./entrypoints/callable/revoke-api-key.js"),
  recordLlmUsage: () => import("./entrypoints/callable/record-llm-usage.js"),
  getLlmUsage: () => import("./entrypoints/callable/get-llm-usage.js"),
  checkLlmBudget: () => import("./entrypoints/callable/check-llm-budget.js"),
  getLlmReconciliation: () => import("./entrypoints/callable/get-llm-reconciliation.js"),
  recordLlmInvoice: () => import("./entrypoints/callable/record-llm-invoice.js"),
  getSession: () => import("./entrypoints/callable/get-session.js"),
  endSession: () => import("./entrypoints/callable/end-session.js"),
  saveWorkspace: () => import("./entrypoints/callable/save-workspace.js"),
  listWorkspaces: () => import("./entrypoints/callable/list-workspaces.js"),
  deleteWorkspace: () => import("./entrypoints/callable/delete-workspace.js"),
  verifyAuditLog: () => import("./entrypoints/callable/verify-audit-log.js"),
  fanOutCollection: () => import("./entrypoints/pubsub/fan-out-collection.js"),
  collectAccount: () => import("./entrypoints/pubsub/collect-account.js"),
  collectAccountFailed: () => import("./entrypoints/pubsub/collect-account-failed.js"),
  analyzeTenant: () => import("./entrypoints/pubsub/analyze-tenant.js"),
  dispatchAlerts: () => import("./entrypoints/pubsub/dispatch-alerts.js"),
  ingestLlmUsage: () => import("./entrypoints/pubsub/ingest-llm-usage.js"),
  retryPendingAlerts: () => import("./entrypoints/scheduler/retry-pending-alerts.js"),
  sendDigests: () => import("./entrypoints/scheduler/send-digests.js"),
  syncRecommendations: () => import("./entrypoints/scheduler/sync-recommendations.js"),
  health: () => import("./entrypoints/http/health.js"),
  mcp: () => import("./entrypoints/http/mcp.js"),
} as const;

export type EntryPointName = keyof typeof ENTRY_POINTS;

/** The function each module exports under the entry's name (the module's registration has run). */
export type EntryPoint<N extends EntryPointName> = Awaited<ReturnType<(typeof ENTRY_POINTS)[N]>>[N & keyof Awaited<ReturnType<(typeof ENTRY_POINTS)[N]>>];

export function isEntryPointName(name: string): name is EntryPointName {
  return Object.hasOwn(ENTRY_POINTS, name);
}

/** Loads one entry's module and returns its function. */
export async function loadEntryPoint<N extends EntryPointName>(name: N): Promise<EntryPoint<N>> {
  const mod = (await ENTRY_POINTS[name]()) as Record<string, unknown>;
  return mod[name] as EntryPoint<N>;
}

/** Loads every entry's module (registering each with functions-framework) and returns the functions by name. */
export async function loadAllEntryPoints(): Promise<{ [N in EntryPointName]: EntryPoint<N> }> {
  const names = Object.keys(ENTRY_POINTS) as EntryPointName[];
  const fns = await Promise.all(names.map((n) => loadEntryPoint(n)));
  return Object.fromEntries(names.map((n, i) => [n, fns[i]])) as unknown as { [N in EntryPointName]: EntryPoint<N> };
}
