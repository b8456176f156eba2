import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { CostWarehouse } from "#domain/billing/ports.js";
import { AppError, CALLABLE_CODES, type CallableCode } from "#kernel/errors.js";

/**
 * The ledger of the fan-out benchmark's function instances (fan-out.ts): one CostWarehouse in the
 * benchmark's own process (the emulators runtime's DuckDB ledger), which each instance reaches
 * over HTTP, as a deployed instance reaches BigQuery. DuckDB lets one process at a time open a
 * database file, so the instances, each its own process, cannot all open the ledger; a remote
 * ledger is also what a deployed instance has (no BigQuery emulator runs here). Arguments and
 * results are the port's own plain JSON values (money as decimal strings); an AppError keeps its
 * code, message and retryability across the call.
 */

const METHODS = ["upsert", "replaceWindow", "queryDaily", "totals", "days"] as const;
type Method = (typeof METHODS)[number];

const Reply = z.union([
  z.strictObject({ ok: z.unknown() }),
  z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string(), retryable: z.boolean() }) }),
]);

const isCode = (code: string): code is CallableCode => Object.hasOwn(CALLABLE_CODES, code);

/** The instance's side: a CostWarehouse whose every call is a POST to `<url>/warehouse/<method>`. */
export function remoteWarehouse(url: string): CostWarehouse {
  const call = async (method: Method, args: unknown[]): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${url}/warehouse/${method}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args) });
    } catch (err) {
      throw new AppError("unavailable", `the benchmark's ledger could not be reached for ${method}`, { cause: err, retryable: true });
    }
    const reply = Reply.parse(await res.json());
    if ("error" in reply) {
      const { code, message, retryable } = reply.error;
      throw new AppError(isCode(code) ? code : "internal", message, { retryable });
    }
    return reply.ok;
  };
  return {
    upsert: async (...a) => (await call("upsert", a)) as Awaited<ReturnType<CostWarehouse["upsert"]>>,
    replaceWindow: async (...a) => (await call("replaceWindow", a)) as Awaited<ReturnType<CostWarehouse["replaceWindow"]>>,
    queryDaily: async (...a) => (await call("queryDaily", a)) as Awaited<ReturnType<CostWarehouse["queryDaily"]>>,
    totals: async (...a) => (await call("totals", a)) as Awaited<ReturnType<CostWarehouse["totals"]>>,
    days: async (...a) => (await call("days", a)) as Awaited<ReturnType<CostWarehouse["days"]>>,
    close: async () => undefined,
  };
}

/** A request's JSON body. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/**
 * The benchmark's side: answers `POST /warehouse/<method>` (a JSON array of arguments) from
 * `warehouse`. Returns false for any other path, for the caller's other routes.
 */
export async function serveWarehouse(warehouse: CostWarehouse, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const m = /^\/warehouse\/([A-Za-z]+)$/.exec(req.url ?? "");
  const method = m?.[1] as Method | undefined;
  if (req.method !== "POST" || !method || !METHODS.includes(method)) return false;
  const args = z.array(z.unknown()).parse(await readJson(req));
  let body: z.infer<typeof Reply>;
  try {
    const fn = warehouse[method] as (...a: unknown[]) => Promise<unknown>;
    body = { ok: await fn.apply(warehouse, args) };
  } catch (err) {
    const e = err instanceof AppError ? err : new AppError("internal", err instanceof Error ? err.message : String(err));
    body = { error: { code: e.code, message: e.message, retryable: e.retryable } };
  }
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
  return true;
}
