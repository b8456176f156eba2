/**
 * Each deployed function's module, loaded on demand. A Cloud Functions instance serves one function
 * (FUNCTION_TARGET), so the deploy entry (deploy.ts) loads only that module and what it imports,
 * the FUNCTION_TARGET pattern Firebase documents for cold starts. Keep in step with index.ts (a
 * test checks that both name the same functions).
 */
export const ENTRY_POINTS: Readonly<Record<string, () => Promise<unknown>>> = {
  getCostSummary: () => import("#entrypoints/callable/get-cost-summary.js"),
  listAnomalies: () => import("#entrypoints/callable/list-anomalies.js"),
  updateAnomaly: () => import("#entrypoints/callable/update-anomaly.js"),
  getForecast: () => import("#entrypoints/callable/get-forecast.js"),
  upsertBudget: () => import("#entrypoints/callable/upsert-budget.js"),
  listBudgets: () => import("#entrypoints/callable/list-budgets.js"),
  deleteBudget: () => import("#entrypoints/callable/delete-budget.js"),
  connectCloudAccount: () => import("#entrypoints/callable/connect-cloud-account.js"),
  listCloudAccounts: () => import("#entrypoints/callable/list-cloud-accounts.js"),
  disconnectCloudAccount: () => import("#entrypoints/callable/disconnect-cloud-account.js"),
  upsertAlertChannel: () => import("#entrypoints/callable/upsert-alert-channel.js"),
  testAlertChannel: () => import("#entrypoints/callable/test-alert-channel.js"),
  createApiKey: () => import("#entrypoints/callable/create-api-key.js"),
  revokeApiKey: () => import("#entrypoints/callable/revoke-api-key.js"),
  recordLlmUsage: () => import("#entrypoints/callable/record-llm-usage.js"),
  getLlmUsage: () => import("#entrypoints/callable/get-llm-usage.js"),
  getSession: () => import("#entrypoints/callable/get-session.js"),
  endSession: () => import("#entrypoints/callable/end-session.js"),
  saveWorkspace: () => import("#entrypoints/callable/save-workspace.js"),
  listWorkspaces: () => import("#entrypoints/callable/list-workspaces.js"),
  deleteWorkspace: () => import("#entrypoints/callable/delete-workspace.js"),
  verifyAuditLog: () => import("#entrypoints/callable/verify-audit-log.js"),
  health: () => import("#entrypoints/http/health.js"),
};
