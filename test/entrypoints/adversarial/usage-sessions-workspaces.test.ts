import { adversarialSuite } from "./adversarial-suite.js";

adversarialSuite(["recordLlmUsage", "getLlmUsage", "getSession", "endSession", "saveWorkspace", "listWorkspaces", "deleteWorkspace", "verifyAuditLog"]);
