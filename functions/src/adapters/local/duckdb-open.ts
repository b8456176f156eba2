import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export const DEFAULT_DATA_DIR = ".data";

/**
 * Where a local DuckDB database lives: `file: ":memory:"` for tests, an explicit file, or
 * `<dataDir>/<defaultFile>` (dataDir defaults to .data, DESIGN.md §5).
 */
export interface DuckDbLocation {
  dataDir?: string;
  file?: string;
}

export function resolveDuckDbFile(loc: DuckDbLocation, defaultFile: string): string {
  if (loc.file === ":memory:") return ":memory:";
  return loc.file ?? join(loc.dataDir ?? DEFAULT_DATA_DIR, defaultFile);
}

export interface DuckDbHandle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  file: string;
}

export async function openDuckDb(loc: DuckDbLocation, defaultFile: string): Promise<DuckDbHandle> {
  const file = resolveDuckDbFile(loc, defaultFile);
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  // Two plain instances on one file in one process do not see each other's writes (checked with
  // node-api 1.5.6), so file databases come from DuckDB's per-process instance cache.
  const instance = file === ":memory:" ? await DuckDBInstance.create(file) : await DuckDBInstance.fromCache(file);
  const connection = await instance.connect();
  return { instance, connection, file };
}

export function closeDuckDb(h: DuckDbHandle): void {
  h.connection.closeSync();
  h.instance.closeSync();
}
