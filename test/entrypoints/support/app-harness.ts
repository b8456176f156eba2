import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import { closeDeps, configureDeps, type DepsOverrides, getDeps } from "../../../functions/src/deps.js";
import { createEdgeServer } from "../../../functions/src/edge-server.js";
import type { CostWarehouse } from "#domain/billing/ports.js";
import type { Clock, DocumentStore, SecretStore } from "#kernel/ports.js";
import { DuckDbLlmLedger } from "#adapters/local/duckdb-llm-ledger.js";
import { MemoryCostWarehouse } from "../../fakes/memory-cost-warehouse.js";
import { MemoryDocumentStore } from "../../fakes/memory-document-store.js";
import { MemorySecretStore } from "../../fakes/memory-secret-store.js";

/**
 * Serves the real entry points (functions/src/index.ts) in-process, each through the edge server a
 * deployed instance runs (functions-framework's app behind the request-body guard) on 127.0.0.1,
 * over in-memory stores, and speaks the callable protocol with fetch.
 */
export interface CallResult {
  status: number;
  body: { result?: unknown; error?: { status: string; message: string; details?: unknown } };
  headers: Headers;
}

export class MutableClock implements Clock {
  constructor(private t = Date.parse("2026-03-01T12:00:00Z")) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface App {
  documents: DocumentStore;
  warehouse: CostWarehouse;
  secrets: SecretStore;
  clock: MutableClock;
  logs: string[];
  url(name: string): Promise<string>;
  call(name: string, data: unknown, headers?: Record<string, string>): Promise<CallResult>;
  raw(name: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The callable side of an app: the real entry points served by name, whatever deps they were configured with. */
export type EntryPointClient = Pick<App, "url" | "call" | "raw" | "close">;

/**
 * Serves the real entry points (functions/src/index.ts) in-process with the edge server, each on
 * its own 127.0.0.1 port on first use, for deps the caller configured (configureDeps) beforehand.
 */
export async function serveEntryPoints(): Promise<EntryPointClient> {
  await import("../../../functions/src/index.js");
  const servers = new Map<string, Promise<{ server: Server; url: string }>>();
  function serve(name: string) {
    let s = servers.get(name);
    if (!s) {
      s = new Promise((resolve, reject) => {
        const server = createEdgeServer(name);
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo;
          resolve({ server, url: `http://127.0.0.1:${port}/` });
        });
      });
      servers.set(name, s);
    }
    return s;
  }
  async function raw(name: string, init: RequestInit) {
    const { url } = await serve(name);
    return fetch(url, init);
  }
  return {
    url: async (name) => (await serve(name)).url,
    raw,
    async call(name, data, headers = {}) {
      const res = await raw(name, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ data }),
      });
      const text = await res.text();
      let body: CallResult["body"];
      try {
        body = JSON.parse(text) as CallResult["body"];
      } catch {
        body = { error: { status: `NON_JSON(${res.status})`, message: text.slice(0, 200) } };
      }
      return { status: res.status, body, headers: res.headers };
    },
    async close() {
      for (const s of servers.values()) {
        const { server } = await s;
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
      servers.clear();
    },
  };
}

export async function startApp(over: Partial<DepsOverrides> = {}, env: Record<string, string> = {}): Promise<App> {
  const documents = over.documents ?? new MemoryDocumentStore();
  const warehouse = over.warehouse ?? new MemoryCostWarehouse();
  const secrets = over.secrets ?? new MemorySecretStore();
  const clock = new MutableClock();
  const logs: string[] = [];
  // The LLM ledger is a DuckDB file otherwise: an in-memory one keeps each app's events its own.
  const llmLedger = over.llmLedger ?? (await DuckDbLlmLedger.open({ file: ":memory:" }, () => clock.now()));
  configureDeps({
    documents,
    warehouse,
    secrets,
    clock,
    llmLedger,
    logSink: (line) => logs.push(line),
    env: { COSTMON_ENV: "dev", COSTMON_LOGGING_LEVEL: "debug", ...env },
    ...over,
  });
  const served = await serveEntryPoints();
  return {
    documents,
    warehouse,
    secrets,
    clock,
    logs,
    ...served,
    async close() {
      await served.close();
      if (!over.llmLedger) await llmLedger.close();
    },
  };
}

/**
 * The app on the stores a deployed instance ships with: the local runtime's DuckDB documents and
 * ledger and its file secret store, built by the composition root itself in a fresh data folder
 * (no store is passed in). `close` also closes those stores and removes the folder.
 */
export async function startShippedApp(over: Partial<Omit<DepsOverrides, "warehouse" | "secrets">> = {}, env: Record<string, string> = {}): Promise<App> {
  const dataDir = mkdtempSync(join(tmpdir(), "costmon-shipped-"));
  const clock = new MutableClock();
  const logs: string[] = [];
  configureDeps({
    clock,
    logSink: (line) => logs.push(line),
    env: { COSTMON_ENV: "dev", COSTMON_LOGGING_LEVEL: "debug", COSTMON_DATA_DIR: dataDir, ...env },
    ...over,
  });
  const { documents, warehouse, secrets } = await getDeps();
  const served = await serveEntryPoints();
  return {
    documents,
    warehouse,
    secrets,
    clock,
    logs,
    ...served,
    async close() {
      await served.close();
      await closeDeps();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
