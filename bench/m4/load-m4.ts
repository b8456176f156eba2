import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";

/** One M4 series: id, training values and the test values (the official holdout). */
export interface M4Series {
  id: string;
  train: number[];
  test: number[];
}

function readRows(path: string): Map<string, number[]> {
  // M4 csv: quoted header "V1".."Vn", V1 = id, train rows right-padded with empty cells.
  const rows: string[][] = parse(readFileSync(path, "utf8"), { from_line: 2, relax_column_count: true });
  const out = new Map<string, number[]>();
  for (const [id, ...vals] of rows) {
    if (id === undefined) continue;
    const xs = vals.filter((v) => v.trim() !== "").map(Number);
    if (xs.some((v) => !Number.isFinite(v))) throw new Error(`non-numeric value in ${path} series ${id}`);
    out.set(id, xs);
  }
  return out;
}

export function loadM4(dataDir: string, frequency: "Weekly" | "Hourly"): M4Series[] {
  const train = readRows(join(dataDir, "Dataset", "Train", `${frequency}-train.csv`));
  const test = readRows(join(dataDir, "Dataset", "Test", `${frequency}-test.csv`));
  return [...train].map(([id, xs]) => ({ id, train: xs, test: test.get(id) ?? [] }));
}

/** The published rows of the M4 table (sMAPE/MASE/OWA for one frequency). */
export function publishedRows(path: string, frequency: string): { method: string; sMAPE: number; MASE: number; OWA: number }[] {
  const rows: Record<string, string>[] = parse(readFileSync(path, "utf8"), { columns: true });
  return rows.map((r) => ({
    method: r.method ?? "",
    sMAPE: Number(r[`sMAPE_${frequency}`]),
    MASE: Number(r[`MASE_${frequency}`]),
    OWA: Number(r[`OWA_${frequency}`]),
  }));
}
