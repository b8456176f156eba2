import { adversarialSuite } from "./adversarial-suite.js";

adversarialSuite(["getCostSummary", "listAnomalies", "updateAnomaly", "getForecast", "upsertBudget", "listBudgets", "deleteBudget", "listRecommendations", "updateRecommendation"]);
