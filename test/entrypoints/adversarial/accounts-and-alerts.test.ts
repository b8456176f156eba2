import { adversarialSuite } from "./adversarial-suite.js";

adversarialSuite(["connectCloudAccount", "listCloudAccounts", "disconnectCloudAccount", "upsertAlertChannel", "testAlertChannel", "createApiKey", "revokeApiKey"]);
