import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { IsoDate } from "#kernel/days.js";
import { forecastSeries, type DailyPoint } from "#domain/analysis/forecast/index.js";
import { openOutput } from "../output.js";

/**
 * `forecast --input F.csv --horizon H --output F.json` (DESIGN.md §8).
 * Input: `series_id,date,cost` with a header. Output: {"forecasts":[{series_id,date,mean,lower80,upper80,lower95,upper95}]}
 * for the H days after each series' last date.
 */

export interface RunForecastOptions {
  input: string;
  horizon: number;
  output: string;
  onProgress?: (done: number, total: number) => void;
}

const optionsSchema = z.object({
  input: z.string().min(1),
  horizon: z.number().int().min(1).max(3660),
  output: z.string().min(1),
});

const rowSchema = z.object({
  series_id: z.string().min(1, "series_id is empty"),
  date: IsoDate,
  cost: z
    .string()
    .trim()
    .regex(/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/, "cost must be a decimal number")
    .transform(Number),
});

/** Six decimals: well below a cent, and keeps 100k-series outputs small. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function parseCostCsv(text: string): Map<string, DailyPoint[]> {
  const records: unknown[] = parse(text, { columns: true, skip_empty_lines: true, trim: true });
  const series = new Map<string, DailyPoint[]>();
  records.forEach((record, i) => {
    const row = rowSchema.safeParse(record);
    if (!row.success) {
      throw new Error(`forecast input line ${i + 2}: ${row.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    }
    const list = series.get(row.data.series_id) ?? [];
    list.push({ date: row.data.date, cost: row.data.cost });
    series.set(row.data.series_id, list);
  });
  return series;
}

export async function runForecast(opts: RunForecastOptions): Promise<{ series: number; points: number }> {
  const { input, horizon, output } = optionsSchema.parse(opts);
  const series = parseCostCsv(await readFile(input, "utf8"));
  // Streamed series by series: 10^5 series x 90 days would not fit in one JSON string.
  const out = await openOutput(output);
  let points = 0;
  let done = 0;
  try {
    await out.write('{"forecasts":[');
    for (const [seriesId, history] of series) {
      const rows = forecastSeries(history, horizon).map((p) =>
        JSON.stringify({
          series_id: seriesId,
          date: p.date,
          mean: round(p.mean),
          lower80: round(p.lower80),
          upper80: round(p.upper80),
          lower95: round(p.lower95),
          upper95: round(p.upper95),
        }),
      );
      await out.write((points > 0 ? "," : "") + rows.join(","));
      points += rows.length;
      done++;
      opts.onProgress?.(done, series.size);
    }
    await out.write("]}\n");
  } finally {
    await out.close();
  }
  return { series: series.size, points };
}
