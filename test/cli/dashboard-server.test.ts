import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDashboardServer, type DashboardPageConfig, renderPage } from "#cli/dashboard/dashboard-server.js";
import { demoUsersFor } from "#cli/dashboard/demo-users.js";
import { runCostmon } from "../support/run-costmon.js";

/** The dashboard's one origin: page routes (the alert links' paths among them), assets, and an allow-list of callables. */
const page: DashboardPageConfig = {
  projectId: "demo-test",
  authEmulatorUrl: "http://127.0.0.1:9099",
  apiBase: "/api/",
  demoUsers: [{ email: "operator@t.example", tenantId: "t", role: "operator" }],
  demoPassword: "pw",
};

describe("dashboard server", () => {
  let server: Server;
  let url: string;
  const called: string[] = [];

  beforeAll(async () => {
    const files = new Map([["/assets/main.js", { body: Buffer.from("console.log(1)"), type: "text/javascript; charset=utf-8" }]]);
    const callables = new Map([
      [
        "listAnomalies",
        (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
          called.push(`${req.method} ${req.url}`);
          res.writeHead(200, { "content-type": "application/json" }).end('{"result":{}}');
        },
      ],
    ]);
    server = createDashboardServer({ assets: { files }, callables, page });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each(["/", "/overview", "/costs", "/anomalies", "/budgets", "/forecasts", "/channels", "/recommendations", "/llm", "/tenants/acme-retail/anomalies/a6e8d2e4dc6741e962516e07", "/tenants/initech/budgets/initech-monthly", "/tenants/acme/accounts/acme-aws-prod"])(
    "serves the page on %s",
    async (path) => {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await res.text()).toContain('<script type="module" src="/assets/main.js"></script>');
    },
  );

  it.each(["/tenants/acme/anomalies", "/tenants/acme/secrets/x", "/tenants/../anomalies/x", "/tenants/a/anomalies/x/y", "/index.html", "/assets/missing.js"])("answers 404 on %s", async (path) => {
    expect((await fetch(`${url}${path}`)).status).toBe(404);
  });

  it("routes /api/<name> to listed callables only, whatever the method", async () => {
    const ok = await fetch(`${url}/api/listAnomalies`, { method: "POST", body: "{}" });
    expect(ok.status).toBe(200);
    expect(called).toContain("POST /api/listAnomalies");
    for (const name of ["createApiKey", "revokeApiKey", "", "listAnomalies/extra"]) {
      expect((await fetch(`${url}/api/${name}`, { method: "POST", body: "{}" })).status).toBe(404);
    }
  });

  it("refuses writes to pages, and sends a CSP that allows only itself and the Auth emulator", async () => {
    expect((await fetch(`${url}/`, { method: "POST", body: "x" })).status).toBe(405);
    const res = await fetch(`${url}/assets/main.js`);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:9099;");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("embeds its configuration so that no string can close the script element", () => {
    const html = renderPage({ ...page, demoUsers: [{ email: "</script><script>alert(1)</script>", tenantId: "t", role: "r" }] });
    expect(html).not.toContain("</script><script>alert(1)");
    expect(html).toContain("\\u003c/script>");
  });

  it("makes a manager with a phone second factor, an operator and a viewer per tenant", () => {
    expect(demoUsersFor(["a", "b"]).map((u) => `${u.email}:${u.trustLevel}:${u.phone ?? "-"}`)).toEqual([
      "manager@a.example:3:+15555550100",
      "operator@a.example:2:-",
      "viewer@a.example:1:-",
      "manager@b.example:3:+15555550101",
      "operator@b.example:2:-",
      "viewer@b.example:1:-",
    ]);
  });

  it.each([["-1"], ["65536"], ["http"], [""], ["1.5"]])("costmon dashboard refuses --port %j with exit code 2", async (port) => {
    const r = await runCostmon("dashboard", "--port", port);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("port");
  });

  it("costmon dashboard refuses a missing data dir before starting anything", async () => {
    const r = await runCostmon("dashboard", "--data-dir", "/nonexistent/costmon-data");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("npm run nightly");
  });
});
