export {
  DEFAULT_DETECTION_CONFIG,
  type DetectionConfig,
  type DetectionConfigInput,
  DetectionConfigSchema,
  parseDetectionConfig,
  SENSITIVITIES,
  SENSITIVITY_Z,
  type Sensitivity,
  type SeverityBands,
} from "./config.js";
export { type DenseSeries, densify, detectSeries, flagDenseSeries } from "./detect-series.js";
export { createScanner } from "./detector.js";
export { FEEDBACK_LABELS, type FeedbackLabel, type SeriesFeedback, SeriesFeedbackSchema } from "./feedback.js";
export { attributeRootCause, type ChildSeries, expectedCostOn, type RootCause, UNATTRIBUTED } from "./root-cause.js";
export { severityOf } from "./severity.js";
export type { AnomalyFlag, AnomalySeverity, CostPoint, Direction } from "./types.js";
export { type AnomalyRun, type AnomalyRunOptions, findAnomalyRuns, RECENT_DAYS, type SettingsForSeries, settingsFor } from "./anomaly-runs.js";
export {
  type AnomalyThresholdBasis,
  type CurrencyThresholds,
  parseTenantDetectionSettings,
  type ResolvedThresholds,
  resolveThresholds,
  type TenantDetectionSettings,
  type ThresholdCurrencyContext,
  type ThresholdSource,
  thresholdBasisOf,
} from "./thresholds.js";
export { parseSeriesKey, type SeriesWhere, seriesKeyOf } from "./series-key.js";
export { type UsageSeries, usageSeries } from "./usage-series.js";
