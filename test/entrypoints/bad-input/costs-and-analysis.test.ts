import { badInputSuite } from "./bad-input-suite.js";

badInputSuite(["getCostSummary", "listAnomalies", "updateAnomaly", "getForecast", "upsertBudget", "listBudgets", "deleteBudget"]);
