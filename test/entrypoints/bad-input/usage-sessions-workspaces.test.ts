import { badInputSuite } from "./bad-input-suite.js";

badInputSuite(["recordLlmUsage", "getLlmUsage", "getSession", "endSession", "saveWorkspace", "listWorkspaces", "deleteWorkspace", "verifyAuditLog"]);
