import { badInputSuite } from "./bad-input-suite.js";

badInputSuite(["connectCloudAccount", "listCloudAccounts", "disconnectCloudAccount", "upsertAlertChannel", "testAlertChannel", "createApiKey", "revokeApiKey"]);
