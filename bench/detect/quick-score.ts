/**
 * Fast in-process score of the detector on a labelled set, optionally with changed settings:
 *   npx tsx bench/detect/quick-score.ts --data DIR [--sensitivity low|medium|high] [--verbose]
 * Prints JSON. Used to check that results are stable around the chosen thresholds; publish figures
 * from the official eval-detect.mjs.
 */
import { parseArgs } from "node:util";
import { parseDetectionConfig } from "#domain/analysis/anomaly/config.js";
import { detectSeries } from "#domain/analysis/anomaly/index.js";
import { loadSet, scoreFlags } from "./score-lib.js";

const { values } = parseArgs({
  options: {
    data: { type: "string" },
    sensitivity: { type: "string", default: "medium" },
    "min-impact": { type: "string", default: "1" },
    percent: { type: "string", default: "0.2" },
    verbose: { type: "boolean", default: false },
  },
});
if (!values.data) throw new Error("--data DIR is required");
const set = loadSet(values.data);
const cfg = parseDetectionConfig({
  sensitivity: values.sensitivity,
  minImpact: Number(values["min-impact"]),
  percentThreshold: Number(values.percent),
});
const flags = new Map<string, Set<string>>();
for (const [id, points] of set.series) {
  const inc = detectSeries(points, cfg, [], id).filter((f) => f.direction === "increase");
  flags.set(id, new Set(inc.map((f) => f.date)));
}
const { missed, falsePositives, ...score } = scoreFlags(set, flags);
console.log(JSON.stringify(values.verbose ? { ...score, missed, falsePositives } : score, null, 1));
