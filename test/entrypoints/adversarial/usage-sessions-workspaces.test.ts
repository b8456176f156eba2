import { adversarialSuite } from "./adversarial-suite.js";

adversarialSuite(["recordLlmUsage", "getLlmUsage", "checkLlmBudget", "getSession", "endSession", "saveWorkspace", "listWorkspaces", "deleteWorkspace", "verifyAuditLog"]);
