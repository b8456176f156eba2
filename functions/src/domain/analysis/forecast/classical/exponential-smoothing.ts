import { nelderMead } from "./nelder-mead.js";

/**
 * Additive-error exponential smoothing without seasonality (Hyndman et al. 2008, "Forecasting
 * with Exponential Smoothing", ETS(A,N,N), ETS(A,A,N), ETS(A,Ad,N)): the SES, Holt and Damped
 * benchmarks of M4. Smoothing parameters and initial states minimise the in-sample squared
 * one-step errors, with the parameter bounds of R's `forecast::ets`.
 */

export type TrendKind = "none" | "linear" | "damped";

interface Params {
  alpha: number;
  beta: number;
  phi: number;
  level0: number;
  trend0: number;
}

const squash = (x: number, lo: number, hi: number) => lo + (hi - lo) / (1 + Math.exp(-x));
const unsquash = (y: number, lo: number, hi: number) => Math.log((y - lo) / (hi - y));

function sse(x: readonly number[], p: Params, kind: TrendKind): number {
  let level = p.level0;
  let trend = kind === "none" ? 0 : p.trend0;
  const phi = kind === "damped" ? p.phi : 1;
  let total = 0;
  for (const v of x) {
    const fc = level + phi * trend;
    const e = v - fc;
    total += e * e;
    const newLevel = fc + p.alpha * e;
    if (kind !== "none") trend = phi * trend + p.beta * p.alpha * e;
    level = newLevel;
  }
  return total;
}

function decode(v: readonly number[], kind: TrendKind, scale: number, x0: number): Params {
  const alpha = squash(v[0] ?? 0, 1e-4, 0.9999);
  const level0 = x0 + (v[1] ?? 0) * scale;
  if (kind === "none") return { alpha, beta: 0, phi: 1, level0, trend0: 0 };
  // beta* = beta * alpha in the error-correction form; 0 < beta < alpha as in forecast::ets.
  const beta = squash(v[2] ?? 0, 1e-4, 0.9999);
  const trend0 = (v[3] ?? 0) * scale * 0.1;
  const phi = kind === "damped" ? squash(v[4] ?? 0, 0.8, 0.98) : 1;
  return { alpha, beta, phi, level0, trend0 };
}

export interface FittedSmoothing {
  forecast(horizon: number): number[];
  alpha: number;
}

export function fitExponentialSmoothing(x: readonly number[], kind: TrendKind): FittedSmoothing {
  const x0 = x[0] ?? 0;
  const scale = Math.max(1e-9, Math.abs(x0), ...x.slice(0, 10).map(Math.abs)) * 0.1;
  const slope0 = x.length > 1 ? ((x[Math.min(x.length - 1, 4)] ?? x0) - x0) / Math.min(x.length - 1, 4) : 0;
  const start =
    kind === "none"
      ? [unsquash(0.3, 1e-4, 0.9999), 0]
      : [unsquash(0.3, 1e-4, 0.9999), 0, unsquash(0.1, 1e-4, 0.9999), slope0 / (scale * 0.1), ...(kind === "damped" ? [unsquash(0.95, 0.8, 0.98)] : [])];
  const best = nelderMead((v) => sse(x, decode(v, kind, scale, x0), kind), start, 0.5, kind === "none" ? 120 : 300);
  const p = decode(best, kind, scale, x0);
  // Run the filter once more to get the final states.
  let level = p.level0;
  let trend = kind === "none" ? 0 : p.trend0;
  const phi = kind === "damped" ? p.phi : 1;
  for (const v of x) {
    const fc = level + phi * trend;
    const e = v - fc;
    level = fc + p.alpha * e;
    if (kind !== "none") trend = phi * trend + p.beta * p.alpha * e;
  }
  return {
    alpha: p.alpha,
    forecast(horizon: number): number[] {
      const out: number[] = [];
      let damp = 0;
      for (let h = 1; h <= horizon; h++) {
        damp += kind === "damped" ? phi ** h : kind === "linear" ? 1 : 0;
        out.push(level + damp * trend);
      }
      return out;
    },
  };
}
