import { createReadStream } from "node:fs";
import { z } from "zod";
import {
  type AnomalyFlag,
  createScanner,
  type DetectionConfigInput,
  flagDenseSeries,
  parseDetectionConfig,
} from "#domain/analysis/anomaly/index.js";
import { forEachDenseSeries } from "#domain/analysis/anomaly/series-groups.js";
import { CostCsvColumns, CsvRowError } from "../csv/cost-csv-columns.js";
import { openOutput } from "../output.js";
import { groupIntoWindows } from "./detect-windows.js";

/**
 * `detect --input F.csv --output F.json` (DESIGN.md §8). Input: `series_id,date,cost` with a header;
 * series may start and end on any day and rows may be in any order. Every date is judged causally.
 * Output: {"anomalies":[{series_id,date,direction,expected,actual,impact,score,severity}]}.
 * Sized for 100,000 series × 365 days: the CSV is streamed into typed columns (see
 * cli/csv/cost-csv-columns.ts) and series are scanned one at a time with reused buffers.
 */
export interface RunDetectOptions {
  input: string;
  /** A file, or `-` for stdout. */
  output: string;
  /** Group consecutive flagged days into windows, as the nightly does; default one entry per day. */
  windows?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Tenant detection settings; the defaults of config.ts otherwise. */
  config?: DetectionConfigInput;
}

const optionsSchema = z.object({
  input: z.string().min(1, "--input is required"),
  output: z.string().min(1, "--output is required"),
});

const PROGRESS_EVERY = 1000;

export async function runDetect(opts: RunDetectOptions): Promise<{ series: number; anomalies: number }> {
  const { input, output } = optionsSchema.parse(opts);
  const config = parseDetectionConfig(opts.config ?? {});
  const parser = new CostCsvColumns();
  try {
    for await (const chunk of createReadStream(input, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
  } catch (err) {
    if (err instanceof CsvRowError) throw new Error(`detect input ${input}, ${err.message}`);
    throw err;
  }
  let cols: ReturnType<CostCsvColumns["finish"]>;
  try {
    cols = parser.finish();
  } catch (err) {
    if (err instanceof CsvRowError) throw new Error(`detect input ${input}, ${err.message}`);
    throw err;
  }

  const scanner = createScanner(config);
  const total = cols.seriesIds.length;
  const flags: AnomalyFlag[] = [];
  let done = 0;
  forEachDenseSeries(cols, (id, series) => {
    flagDenseSeries(id, series, scanner, config, flags);
    done++;
    if (opts.onProgress && (done % PROGRESS_EVERY === 0 || done === total)) opts.onProgress(done, total);
  });

  const entries: object[] = opts.windows ? groupIntoWindows(flags) : flags;
  const file = await openOutput(output);
  try {
    await file.write('{"anomalies":[');
    const BATCH = 5000;
    for (let i = 0; i < entries.length; i += BATCH) {
      const part = entries.slice(i, i + BATCH).map((f) => JSON.stringify(f));
      await file.write((i === 0 ? "\n" : ",\n") + part.join(",\n"));
    }
    await file.write("\n]}\n");
  } finally {
    await file.close();
  }
  return { series: total, anomalies: entries.length };
}
