/**
 * Why `detect` splits its CSV by hand: rows per second of csv-parse (streaming API, the library
 * used everywhere else) against CostCsvColumns on the same file, and the projection to
 * 100,000 series × 365 days (36.5 M rows).
 *   npx tsx bench/detect/csv-speed.ts [--rows 2000000]
 */
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse";
import { isoFromDays } from "#kernel/days.js";
import { CostCsvColumns } from "#cli/csv/cost-csv-columns.js";

const { values } = parseArgs({ options: { rows: { type: "string", default: "2000000" } } });
const rows = Number(values.rows);
const file = join(tmpdir(), `detect-csv-speed-${rows}.csv`);
if (!existsSync(file)) {
  const out = createWriteStream(file);
  out.write("series_id,date,cost\n");
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    chunk += `s${Math.floor(i / 365)},${isoFromDays(20000 + (i % 365))},${((i * 7919) % 100000) / 100}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

let t = performance.now();
let n = 0;
for await (const _record of createReadStream(file).pipe(parse({ from_line: 2 }))) n++;
const csvParseSeconds = (performance.now() - t) / 1000;

t = performance.now();
const parser = new CostCsvColumns();
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
const cols = parser.finish();
const handSeconds = (performance.now() - t) / 1000;

const target = 36_500_000;
console.log(
  JSON.stringify(
    {
      rows: n,
      csvParse: { seconds: csvParseSeconds, rowsPerSecond: n / csvParseSeconds, projectedSeconds36_5M: (target * csvParseSeconds) / n },
      costCsvColumns: { seconds: handSeconds, rowsPerSecond: cols.rows / handSeconds, projectedSeconds36_5M: (target * handSeconds) / cols.rows },
      speedup: csvParseSeconds / handSeconds,
    },
    null,
    1,
  ),
);
