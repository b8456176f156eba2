import { badInputSuite } from "./bad-input-suite.js";

badInputSuite(["getCostSummary", "listAnomalies", "updateAnomaly", "listRecommendations", "updateRecommendation", "getForecast", "upsertBudget", "listBudgets", "deleteBudget"]);
