import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { DashboardAssets } from "./dashboard-assets.js";

/**
 * The dashboard's one origin: the page, its bundled assets, and the callables it uses under
 * `/api/<name>`, each handed to that function's edge handler (functions-framework's app behind the
 * request-body guard, as deployed). Serving them on the page's own origin keeps the browser's
 * requests same-origin, so no CORS opening is needed. Only the listed callables are reachable;
 * every other path is a 404. Alert links (`/tenants/<t>/anomalies/<id>`, `/budgets/<id>`,
 * `/accounts/<id>`, what `alerts.dashboard_url` prefixes) serve the page, which opens that view.
 */
export interface DashboardPageConfig {
  projectId: string;
  /** http://host:port of the Auth emulator the page signs in through. */
  authEmulatorUrl: string;
  /** Path prefix of the callables. */
  apiBase: string;
  /** Shown on the sign-in form: the emulator's demo users (the password is the emulator's, public). */
  demoUsers: { email: string; tenantId: string; role: string }[];
  demoPassword: string;
}

export interface DashboardServerOptions {
  assets: DashboardAssets;
  callables: ReadonlyMap<string, (req: IncomingMessage, res: ServerResponse) => void>;
  page: DashboardPageConfig;
}

export const API_BASE = "/api/";

const ID = "[A-Za-z0-9_.~-]{1,128}";
/** The page's own routes, and the alert links' paths. */
export const PAGE_ROUTES: readonly RegExp[] = [
  /^\/(?:|overview|costs|anomalies|budgets|forecasts|channels|recommendations|llm)$/,
  new RegExp(`^/tenants/${ID}/(?:anomalies|budgets|accounts)/${ID}$`),
];

const jsonInScript = (v: unknown): string => JSON.stringify(v).replace(/</g, "\\u003c");

export function renderPage(page: DashboardPageConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>costmon dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
<script type="application/json" id="dashboard-config">${jsonInScript(page)}</script>
<script type="module" src="/assets/main.js"></script>
</head>
<body>
<div id="app"><p class="loading">Loading the dashboard…</p></div>
</body>
</html>
`;
}

/** Same-origin scripts and styles only; the one other origin reached is the Auth emulator. */
export function contentSecurityPolicy(page: DashboardPageConfig): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${page.authEmulatorUrl}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * @example
 *   const server = createDashboardServer({ assets, callables, page });
 *   server.listen(5000, "127.0.0.1");
 */
export function createDashboardServer(opts: DashboardServerOptions): Server {
  const html = Buffer.from(renderPage(opts.page));
  const csp = contentSecurityPolicy(opts.page);
  function send(res: ServerResponse, status: number, type: string, body: Buffer | string, head = false): void {
    res.writeHead(status, {
      "content-type": type,
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "content-security-policy": csp,
    });
    res.end(head ? undefined : body);
  }
  return createServer(function routeDashboard(req, res) {
    const path = new URL(req.url ?? "/", "http://dashboard.invalid").pathname;
    if (path.startsWith(API_BASE)) {
      const handler = opts.callables.get(path.slice(API_BASE.length));
      if (handler) return handler(req, res);
      return send(res, 404, "application/json", JSON.stringify({ error: { status: "NOT_FOUND", message: "no such function" } }));
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "method not allowed");
    }
    const head = req.method === "HEAD";
    const asset = opts.assets.files.get(path);
    if (asset) return send(res, 200, asset.type, asset.body, head);
    if (PAGE_ROUTES.some((r) => r.test(path))) return send(res, 200, "text/html; charset=utf-8", html, head);
    return send(res, 404, "text/plain; charset=utf-8", "not found", head);
  });
}
