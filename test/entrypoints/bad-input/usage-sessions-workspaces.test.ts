import { badInputSuite } from "./bad-input-suite.js";

badInputSuite(["recordLlmUsage", "getLlmUsage", "checkLlmBudget", "getSession", "endSession", "saveWorkspace", "listWorkspaces", "deleteWorkspace", "verifyAuditLog"]);
