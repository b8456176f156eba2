import { adversarialSuite } from "./adversarial-suite.js";

adversarialSuite(["recordLlmUsage", "getLlmUsage", "checkLlmBudget", "getLlmReconciliation", "recordLlmInvoice", "getSession", "endSession", "saveWorkspace", "listWorkspaces", "deleteWorkspace", "verifyAuditLog"]);
