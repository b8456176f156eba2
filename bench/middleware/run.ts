import { measureColdStart } from "./cold-start.js";
import { measurePerCall } from "./per-call.js";

/**
 * Middleware benchmark (issue 4): prints one JSON object.
 *   npx tsx bench/middleware/run.ts [--cold-runs 11] [--rounds 10] [--calls 500]
 * Goals: cold start ≤ 2× the bare handler's; middleware adds ≤ 2 ms at p99.
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number, d = 3) => Number(x.toFixed(d));

// Per-call first, while this process is quiet; then the cold starts in child processes.
const perCall = await measurePerCall(arg("rounds", 10), arg("calls", 500));
const cold = await measureColdStart(arg("cold-runs", 11));
const coldBare = median(cold.bare.map((c) => c.ms));
const coldFull = median(cold.full.map((c) => c.ms));
const result = {
  machine: { node: process.version, cpus: (await import("node:os")).cpus().length, loadavg: (await import("node:os")).loadavg().map((x) => round(x, 2)) },
  coldStart: {
    runs: cold.bare.length,
    bareMs: round(coldBare, 1),
    fullMs: round(coldFull, 1),
    ratio: round(coldFull / coldBare, 2),
    bareRssMb: round(median(cold.bare.map((c) => c.rssMb)), 1),
    fullRssMb: round(median(cold.full.map((c) => c.rssMb)), 1),
    goal: "ratio <= 2",
  },
  perCall: {
    calls: perCall.calls,
    bare: { p50Ms: round(perCall.bare.p50), p99Ms: round(perCall.bare.p99) },
    handlerOnly: { p50Ms: round(perCall.handlerOnly.p50), p99Ms: round(perCall.handlerOnly.p99) },
    full: { p50Ms: round(perCall.full.p50), p99Ms: round(perCall.full.p99) },
    /** What the whole middleware stack adds to the same handler work. */
    middlewareP50Ms: round(perCall.full.p50 - perCall.handlerOnly.p50),
    middlewareP99Ms: round(perCall.full.p99 - perCall.handlerOnly.p99),
    addedP50Ms: round(perCall.full.p50 - perCall.bare.p50),
    addedP99Ms: round(perCall.full.p99 - perCall.bare.p99),
    ratioP50: round(perCall.full.p50 / perCall.bare.p50, 2),
    ratioP99: round(perCall.full.p99 / perCall.bare.p99, 2),
    goal: "middlewareP99Ms <= 2 (addedP99Ms also counts the handler's own work)",
  },
  inProcess: {
    handlerOnly: { p50Ms: round(perCall.inProcess.handlerOnly.p50), p99Ms: round(perCall.inProcess.handlerOnly.p99) },
    full: { p50Ms: round(perCall.inProcess.full.p50), p99Ms: round(perCall.inProcess.full.p99) },
    middlewareP50Ms: round(perCall.inProcess.full.p50 - perCall.inProcess.handlerOnly.p50),
    middlewareP99Ms: round(perCall.inProcess.full.p99 - perCall.inProcess.handlerOnly.p99),
  },
};
console.log(JSON.stringify(result, null, 2));
process.exit(0);
