import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { authorize as decide } from "#foundation/iam/authorize.js";
import { type Action, type Principal, type Skill, type TrustLevel, ZONES } from "#foundation/iam/model.js";
import { type AuditEntry, PLATFORM_STREAM, tenantStream } from "#foundation/secops/audit-log.js";
import type { RateLimiter } from "#foundation/secops/rate-limiter.js";
import { AppError } from "#kernel/errors.js";
import { argumentHash, fixIt } from "./result.js";

/** The skill, action and trust a tool needs: those of the callable that serves the same data. */
export interface ToolScope {
  /** The callable whose authorization the tool repeats (a test compares their declarations). */
  callable: string;
  skill: Skill;
  action: Action;
  minTrust?: TrustLevel;
}

/** Who is calling: a verified principal and the client it came through. */
export interface McpCaller {
  principal: Principal;
  client: string;
}

/** Where the principal travels: `AuthInfo.extra` as the HTTP function or a test's transport sets it. */
export function callerFromAuthInfo(authInfo: AuthInfo | undefined): McpCaller | undefined {
  const principal = authInfo?.extra?.principal as Principal | undefined;
  if (!principal || typeof principal !== "object" || typeof principal.id !== "string") return undefined;
  return { principal, client: authInfo?.clientId || "unknown" };
}

export interface GateServices {
  audit: { append(entry: AuditEntry): Promise<unknown> };
  rateLimiter: Pick<RateLimiter, "consume">;
}

/** Runs one tool call for the tenant the gate allowed; never sees a tenant from the arguments. */
export type ToolRun = (tenantId: string) => Promise<CallToolResult>;

export type McpGate = (call: { tool: string; scope: ToolScope; args: unknown; authInfo: AuthInfo | undefined }, run: ToolRun) => Promise<CallToolResult>;

/** The rate-limit endpoint of every tool call: one bucket per tenant (config `rate_limit.overrides.mcp`). */
export const MCP_RATE_ENDPOINT = "mcp";

/**
 * The same decision as the callable pipeline's authorization layer: deny by default, the tenant
 * from the verified principal only, ACTION × SKILL × ZONE over the zones the principal holds, then
 * the callable's minimum trust.
 */
export function authorizeTool(principal: Principal, scope: ToolScope): { allowed: true; tenantId: string } | { allowed: false; reason: string } {
  const tenantId = principal.tenantId;
  if (!tenantId) return { allowed: false, reason: "no-tenant" };
  let last: ReturnType<typeof decide> | undefined;
  for (const zone of ZONES.filter((z) => principal.zones.includes(z))) {
    last = decide(principal, scope.action, scope.skill, { tenantId }, zone, tenantId);
    if (last.allowed) break;
  }
  if (!last) return { allowed: false, reason: "zone-not-granted" };
  if (!last.allowed) return { allowed: false, reason: last.reason ?? "denied" };
  if (scope.minTrust !== undefined && last.effectiveTrust < scope.minTrust) {
    return { allowed: false, reason: principal.trustLevel >= scope.minTrust ? "mfa-required" : "insufficient-trust" };
  }
  return { allowed: true, tenantId };
}

/** What a failed call tells the model: the fix for its own mistakes, nothing internal. */
function failure(err: unknown): { result: CallToolResult; code: string } {
  if (err instanceof AppError && err.expose !== false && ["invalid-argument", "not-found", "failed-precondition", "out-of-range"].includes(err.code)) {
    return { result: fixIt(`${err.code}: ${err.message}`), code: err.code };
  }
  return { result: fixIt("internal error: the call could not be answered; try again later"), code: err instanceof AppError ? err.code : "internal" };
}

/**
 * Every tool call passes here: the caller is resolved from verified auth info (or the local
 * operator), authorized like the matching callable, rate-limited per tenant, and audited on the
 * hash-chained log whatever the outcome (tool, argument hash, tenant, client, result size, latency).
 * Like the callables' audit layer it fails closed: an answer whose record cannot be written is not given.
 *
 * @example
 *   const gate = createMcpGate(services, (authInfo) => callerFromAuthInfo(authInfo));
 *   await gate({ tool: "get_costs", scope, args, authInfo }, async (tenantId) => text(await read(tenantId)));
 */
export function createMcpGate(services: GateServices, resolveCaller: (authInfo: AuthInfo | undefined) => McpCaller | undefined, now: () => number = () => performance.now()): McpGate {
  return async function gate({ tool, scope, args, authInfo }, run) {
    const started = now();
    const caller = resolveCaller(authInfo);
    const base = { action: `${scope.action}:${scope.skill}:mcp.${tool}` };
    const details = (extra: Record<string, unknown>) => ({ tool, argsHash: argumentHash(args), client: caller?.client ?? "unknown", latencyMs: Math.round(now() - started), ...extra });
    const record = async (entry: Omit<AuditEntry, "action">, extra: Record<string, unknown>): Promise<boolean> => {
      try {
        await services.audit.append({ ...entry, ...base, details: details(extra) });
        return true;
      } catch {
        return false;
      }
    };
    if (!caller) {
      await record({ stream: PLATFORM_STREAM, tenantId: "-", actor: "mcp:anonymous", decision: "deny", outcome: "failure" }, { stage: "authentication", reason: "no-credentials" });
      return fixIt("unauthenticated: send a Firebase ID token or API key as the bearer token");
    }
    const { principal } = caller;
    const actor = `${principal.kind}:${principal.id}`;
    const verdict = authorizeTool(principal, scope);
    if (!verdict.allowed) {
      const stream = principal.tenantId ? tenantStream(principal.tenantId) : PLATFORM_STREAM;
      await record({ stream, tenantId: principal.tenantId ?? "-", actor, decision: "deny", outcome: "failure" }, { stage: "authorization", reason: verdict.reason });
      return fixIt(`permission denied (${verdict.reason}): this credential may not ${scope.action} ${scope.skill}; ask a tenant admin for a role or API key that grants it`);
    }
    const { tenantId } = verdict;
    const entry = { stream: tenantStream(tenantId), tenantId, actor };
    const limit = await services.rateLimiter.consume(`tenant:${tenantId}`, MCP_RATE_ENDPOINT);
    if (!limit.allowed) {
      await record({ ...entry, decision: "deny", outcome: "failure" }, { stage: "rate-limit", reason: "rate-limited" });
      return fixIt(`rate limited: this tenant's tool calls are over their limit; retry after ${Math.ceil(limit.retryAfterMs / 1000)} s`);
    }
    let result: CallToolResult;
    let code = "ok";
    try {
      result = await run(tenantId);
      if (result.isError) code = "invalid-argument";
    } catch (err) {
      ({ result, code } = failure(err));
    }
    const resultBytes = Buffer.byteLength(JSON.stringify(result));
    const ok = await record({ ...entry, decision: "allow", outcome: code === "ok" ? "success" : "failure" }, { resultBytes, code });
    return ok ? result : fixIt("unavailable: the call could not be recorded in the audit log, so it was not answered; try again");
  };
}
