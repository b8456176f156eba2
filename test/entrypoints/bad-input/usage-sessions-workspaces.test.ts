import { badInputSuite } from "./bad-input-suite.js";

badInputSuite(["recordLlmUsage", "getLlmUsage", "checkLlmBudget", "getLlmReconciliation", "recordLlmInvoice", "getSession", "endSession", "saveWorkspace", "listWorkspaces", "deleteWorkspace", "verifyAuditLog"]);
