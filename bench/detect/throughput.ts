/**
 * Speed and footprint of `detect` on 100,000 series × 365 days, one core (DESIGN.md §9, issue 3):
 *   npx tsx bench/detect/throughput.ts [--series 100000] [--days 365] [--dir /tmp]
 * Generates a deterministic CSV once (seed 42, the held-out generator's pattern mix), then runs
 * throughput-child.ts pinned to CPU 0 (`taskset -c 0` when available) and prints JSON: wall time
 * and peak RSS of the real detect path, and series/second of the detector beside the z-score
 * baseline's, measured in the same process. Targets: ≤ 60 s and ≤ 1.5 GiB.
 */
import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, renameSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isoFromDays, parseIsoDay } from "#kernel/days.js";
import { drawShape, KINDS, Rng, realise } from "./synthetic.js";

const { values } = parseArgs({
  options: {
    series: { type: "string", default: "100000" },
    days: { type: "string", default: "365" },
    dir: { type: "string", default: "/tmp" },
  },
});
const seriesCount = Number(values.series);
const days = Number(values.days);
const file = join(values.dir, `detect-throughput-${seriesCount}x${days}.csv`);

async function generate(): Promise<void> {
  const rng = new Rng(42);
  const end = parseIsoDay("2026-06-30") as number;
  const start = end - days + 1;
  const dates = Array.from({ length: days }, (_, i) => isoFromDays(start + i));
  const tmp = `${file}.part`;
  const out = createWriteStream(tmp);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r())));
  await write("series_id,date,cost\n");
  for (let k = 0; k < seriesCount; k++) {
    const id = `t${k}`;
    const shape = drawShape(rng, rng.pick(KINDS), start, days);
    const costs = realise(rng, shape);
    let chunk = "";
    for (let i = 0; i < days; i++) chunk += `${id},${dates[i]},${costs[i]}\n`;
    await write(chunk);
  }
  await new Promise<void>((r) => out.end(() => r()));
  renameSync(tmp, file);
}

if (!existsSync(file)) await generate();
const child = join(import.meta.dirname, "throughput-child.ts");
const nodeArgs = ["--import", "tsx", child, "--input", file, "--output", join(values.dir, "detect-throughput-out.json")];
let pinned = true;
let stdout: string;
try {
  stdout = execFileSync("taskset", ["-c", "0", process.execPath, ...nodeArgs], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  pinned = false;
  stdout = execFileSync(process.execPath, nodeArgs, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}
const r = JSON.parse(stdout.trim().split("\n").pop() as string);
console.log(
  JSON.stringify(
    {
      input: file,
      pinnedToOneCore: pinned,
      ...r,
      targets: { wallSeconds: 60, peakRssMiB: 1536 },
      pass: r.endToEnd.wallSeconds <= 60 && r.endToEnd.peakRssMiB <= 1536,
      loadAverageAtEnd: loadavg()[0],
      detectorVsBaselineSpeed: r.scanOnly.detector.seriesPerSecond / r.scanOnly.zscoreBaseline.seriesPerSecond,
    },
    null,
    1,
  ),
);
