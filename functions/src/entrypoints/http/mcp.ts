import { type HttpFunction, http } from "@google-cloud/functions-framework";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { getDeps, getPipelineServices } from "../../deps.js";
import { callerFromAuthInfo, createMcpGate } from "#entrypoints/mcp/gate.js";
import { challenge, checkAudience, METADATA_PATH, protectedResourceMetadata, resourceUrl } from "#entrypoints/mcp/protected-resource.js";
import { buildMcpServer } from "#entrypoints/mcp/server.js";
import { bearerToken } from "#foundation/iam/authenticate.js";
import { toCallableError } from "#foundation/pipeline/callable-errors.js";
import { applyCors } from "#foundation/pipeline/callable-protocol.js";
import type { BaseContext, CallableDeclaration } from "#foundation/pipeline/context.js";
import { authenticate } from "#foundation/pipeline/layers/authenticate.js";
import { requestContext } from "#foundation/pipeline/layers/request-context.js";
import { threatGuard } from "#foundation/pipeline/layers/threat-guard.js";
import { withConfig } from "#foundation/pipeline/layers/with-config.js";
import { Stack } from "#foundation/pipeline/middleware.js";
import { PLATFORM_STREAM } from "#foundation/secops/audit-log.js";
import { AppError } from "#kernel/errors.js";

type Req = Parameters<HttpFunction>[0];
type Res = Parameters<HttpFunction>[1];

/** The request as the pipeline sees it; tools are authorized one by one by the gate. */
const DECLARATION: CallableDeclaration = { name: "mcp", skill: "costs", action: "read", auth: ["id-token", "api-key"] };

/**
 * The MCP server over Streamable HTTP, stateless (MCP spec 2025-06-18, "Streamable HTTP"): each
 * POST gets its own server and transport, answered as JSON. Before the protocol sees the request,
 * the callables' own layers run: the source rate limit and lockout, F1 authentication (Firebase ID
 * token or API key), then this resource's audience check. A refusal is audited and answered 401
 * with the RFC 9728 challenge. Each tool call is then authorized, rate-limited per tenant and
 * audited by the gate. GET on the well-known path serves the protected-resource metadata.
 */
const serve = Stack.start<BaseContext>()
  .use("F7 config", withConfig(getPipelineServices))
  .use("F3 request context", requestContext())
  .use("F4 rate limit (source) + brute force", threatGuard())
  .use("F1 authenticate", authenticate())
  .use("audience", async (ctx, next) => {
    checkAudience(ctx.principal, ctx.request.headers, ctx.services.config.projectId);
    return next({});
  })
  .handle(async (ctx) => {
    const { req, res } = ctx.request as unknown as { req: Req; res: Res };
    const deps = await getDeps();
    const authInfo: AuthInfo = { token: "verified", clientId: clientOf(req), scopes: [], extra: { principal: ctx.principal } };
    const gate = createMcpGate({ audit: ctx.services.audit, rateLimiter: ctx.services.rateLimiter }, callerFromAuthInfo);
    const server = buildMcpServer({ warehouse: deps.warehouse, documents: deps.documents, llmLedger: deps.llmLedger }, gate);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(Object.assign(req, { auth: authInfo }), res, req.body);
  });

/** The client's own name from its User-Agent (MCP SDKs send one), bounded: an audit label, never trusted. */
function clientOf(req: Req): string {
  const ua = req.headers["user-agent"];
  return (typeof ua === "string" ? ua : "unknown").replace(/[^\x20-\x7e]/g, "").slice(0, 128) || "unknown";
}

function metadataUrl(req: Req): string {
  return resourceUrl(req.headers, METADATA_PATH);
}

async function refuse(req: Req, res: Res, err: unknown, state: BaseContext["state"]): Promise<void> {
  const services = await getPipelineServices().catch(() => undefined);
  const { code, httpStatus, body } = toCallableError(err);
  const details = body.error.details as { reason?: string; retryAfterMs?: number } | undefined;
  await services?.audit
    .append({
      stream: PLATFORM_STREAM,
      tenantId: "-",
      actor: `source:${state.source ?? "unknown"}`,
      action: "read:costs:mcp",
      decision: "deny",
      outcome: "failure",
      details: { stage: state.stage ?? "rate-limit", reason: details?.reason ?? code, code, client: clientOf(req) },
    })
    .catch(() => undefined);
  if (code === "unauthenticated") {
    res.setHeader("WWW-Authenticate", challenge(metadataUrl(req), bearerToken(req.headers) !== undefined || req.headers["x-api-key"] !== undefined));
    res.status(401).json({ error: "invalid_token", error_description: "send a Firebase ID token of this project, or an API key, as the bearer token" });
    return;
  }
  if (code === "resource-exhausted") {
    res.setHeader("Retry-After", String(Math.ceil((details?.retryAfterMs ?? 1000) / 1000)));
    res.status(429).json({ error: "rate_limited", error_description: body.error.message });
    return;
  }
  if (code === "permission-denied") {
    res.status(403).json({ error: "insufficient_scope", error_description: body.error.message });
    return;
  }
  res.status(httpStatus).json({ error: "server_error", error_description: body.error.message });
}

/** What a browser client may send and read (the MCP transport's headers, the auth challenge). */
const ALLOW_HEADERS = "authorization, content-type, x-api-key, mcp-protocol-version, mcp-session-id";
const EXPOSE_HEADERS = "www-authenticate, mcp-session-id";

export const mcp: HttpFunction = async (req, res) => {
  res.setHeader("Cache-Control", "no-store");
  const { config } = await getPipelineServices();
  // MCP transport security: servers must validate Origin (DNS rebinding). Non-browser clients send
  // none; a browser's must be one of the deployment's allowed origins, as for the callables.
  const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
  if (origin !== undefined && !config.corsOrigins.includes("*") && !config.corsOrigins.includes(origin)) {
    res.status(403).json({ error: "origin_not_allowed", error_description: "this origin is not in server.cors_origins" });
    return;
  }
  applyCors(req, res, config.corsOrigins);
  res.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
    res.setHeader("Access-Control-Max-Age", "3600");
    res.status(204).end();
    return;
  }
  if (req.method === "GET" && req.path.startsWith(METADATA_PATH)) {
    res.status(200).json(protectedResourceMetadata(resourceUrl(req.headers), config.projectId));
    return;
  }
  if (req.method !== "POST") {
    // Stateless: no server-to-client stream (GET) and no session to end (DELETE).
    res.setHeader("Allow", "POST");
    res.status(405).json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this stateless server takes POST only" }, id: null });
    return;
  }
  const state: BaseContext["state"] = { audit: {} };
  // The pipeline reads headers and socket from `request`; the handler takes the raw pair back.
  const request = Object.assign(Object.create(null) as object, { method: req.method, headers: req.headers, socket: req.socket, body: undefined, req, res });
  try {
    await serve({ decl: DECLARATION, request, state });
  } catch (err) {
    if (res.headersSent) return;
    await refuse(req, res, err instanceof Error ? err : new AppError("internal", "internal"), state);
  }
};

http("mcp", mcp);
