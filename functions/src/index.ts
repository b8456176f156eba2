/**
 * Deployed entry points, nothing else (DESIGN.md §3). Importing a module registers its function
 * with functions-framework under the exported name.
 */
export { getCostSummary } from "#entrypoints/callable/get-cost-summary.js";
export { listAnomalies } from "#entrypoints/callable/list-anomalies.js";
export { updateAnomaly } from "#entrypoints/callable/update-anomaly.js";
export { getForecast } from "#entrypoints/callable/get-forecast.js";
export { upsertBudget } from "#entrypoints/callable/upsert-budget.js";
export { listBudgets } from "#entrypoints/callable/list-budgets.js";
export { deleteBudget } from "#entrypoints/callable/delete-budget.js";
export { connectCloudAccount } from "#entrypoints/callable/connect-cloud-account.js";
export { listCloudAccounts } from "#entrypoints/callable/list-cloud-accounts.js";
export { disconnectCloudAccount } from "#entrypoints/callable/disconnect-cloud-account.js";
export { upsertAlertChannel } from "#entrypoints/callable/upsert-alert-channel.js";
export { testAlertChannel } from "#entrypoints/callable/test-alert-channel.js";
export { createApiKey } from "#entrypoints/callable/create-api-key.js";
export { revokeApiKey } from "#entrypoints/callable/revoke-api-key.js";
export { recordLlmUsage } from "#entrypoints/callable/record-llm-usage.js";
export { getLlmUsage } from "#entrypoints/callable/get-llm-usage.js";
export { getSession } from "#entrypoints/callable/get-session.js";
export { endSession } from "#entrypoints/callable/end-session.js";
export { saveWorkspace } from "#entrypoints/callable/save-workspace.js";
export { listWorkspaces } from "#entrypoints/callable/list-workspaces.js";
export { deleteWorkspace } from "#entrypoints/callable/delete-workspace.js";
export { verifyAuditLog } from "#entrypoints/callable/verify-audit-log.js";
export { health } from "#entrypoints/http/health.js";
