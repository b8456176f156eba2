/**
 * Child process of throughput.ts (so its peak RSS is the detector's alone):
 *   node --import tsx bench/detect/throughput-child.ts --input F.csv --output F.json
 * 1. times the real `detect` path end to end (stream CSV → scan → JSON) and reads peak RSS;
 * 2. re-parses, then times (CPU) the detector's scan alone and the z-score baseline's on the same series.
 */
import { createReadStream } from "node:fs";
import { parseArgs } from "node:util";
import { runDetect } from "#cli/commands/detect.js";
import { CostCsvColumns } from "#cli/csv/cost-csv-columns.js";
import { createScanner, DEFAULT_DETECTION_CONFIG } from "#domain/analysis/anomaly/index.js";
import { forEachDenseSeries } from "#domain/analysis/anomaly/series-groups.js";
import { zscoreFlags } from "./zscore-baseline.js";

const { values } = parseArgs({ options: { input: { type: "string" }, output: { type: "string" } } });
const input = values.input ?? "";
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = await runDetect({ input, output: values.output ?? "" });
const wallSeconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// CPU time is what the detector costs; wall time also counts waiting for a shared, busy core.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const peakRssMiB = process.resourceUsage().maxRSS / 1024;

const parser = new CostCsvColumns();
for await (const chunk of createReadStream(input, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
const cols = parser.finish();
const scanner = createScanner(DEFAULT_DETECTION_CONFIG);
const cpuNow = () => process.cpuUsage().user / 1e6;
let t = cpuNow();
let detectorFlags = 0;
forEachDenseSeries(cols, (_id, s) => scanner.scan(s.startDay, s.costs, s.n, () => detectorFlags++));
const detectorScanSeconds = cpuNow() - t;
t = cpuNow();
let baselineFlags = 0;
forEachDenseSeries(cols, (_id, s) => {
  baselineFlags += zscoreFlags(s.costs, s.n);
});
const baselineScanSeconds = cpuNow() - t;

console.log(
  JSON.stringify({
    series: result.series,
    rows: cols.rows,
    anomalies: result.anomalies,
    endToEnd: { wallSeconds, cpuSeconds, seriesPerSecond: result.series / wallSeconds, peakRssMiB },
    scanOnly: {
      detector: { seconds: detectorScanSeconds, seriesPerSecond: result.series / detectorScanSeconds, flags: detectorFlags },
      zscoreBaseline: { seconds: baselineScanSeconds, seriesPerSecond: result.series / baselineScanSeconds, flags: baselineFlags },
    },
  }),
);
