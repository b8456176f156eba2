import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { paths } from "#kernel/document-paths.js";
import { closeDeps, configureDeps, getDeps } from "../../deps.js";
import { edgeHandler } from "../../edge-server.js";
import { type EntryPointName, loadEntryPoint } from "../../entry-points.js";
import { type AuthEmulator, startAuthEmulator } from "../dashboard/auth-emulator.js";
import { buildDashboardAssets } from "../dashboard/dashboard-assets.js";
import { API_BASE, createDashboardServer } from "../dashboard/dashboard-server.js";
import { createDemoUsers, DEMO_PASSWORD, demoUsersFor } from "../dashboard/demo-users.js";
import { cliLogSink } from "../log-sink.js";
import { createProgress } from "../progress.js";
import { UsageError } from "../usage-error.js";

export interface DashboardCommandOptions {
  port: number;
  dataDir: string;
  configDir?: string;
  /** One JSON line on stdout once serving (url, Auth emulator, demo users), for scripts and tests. */
  json?: boolean;
  quiet?: boolean;
}

/** The callables the page uses; nothing else is reachable through the dashboard's origin. */
export const DASHBOARD_CALLABLES = [
  "getCostSummary",
  "listAnomalies",
  "updateAnomaly",
  "listBudgets",
  "upsertBudget",
  "getForecast",
  "upsertAlertChannel",
  "testAlertChannel",
  "listRecommendations",
  "getLlmUsage",
  // The tenant's locale, so the page writes numbers the way alerts and reports do.
  "getSession",
] as const satisfies readonly EntryPointName[];

export interface DashboardReady {
  url: string;
  authEmulatorHost: string;
  projectId: string;
  users: { email: string; tenantId: string; role: string }[];
  password: string;
}

/**
 * `costmon dashboard` (`npm run dashboard`): serves the dashboard on 127.0.0.1 over the local stores
 * of `--data-dir`, until SIGINT or SIGTERM. Sign-in goes through the Firebase Auth emulator (started
 * here unless FIREBASE_AUTH_EMULATOR_HOST names one), with demo users whose claims name their
 * tenant; every figure the page shows comes from a callable, verified as deployed.
 */
export async function runDashboardCommand(opts: DashboardCommandOptions): Promise<number> {
  const dataDir = resolve(opts.dataDir);
  if (!existsSync(dataDir)) throw new UsageError(`--data-dir ${dataDir} does not exist (npm run nightly creates it)`);
  const progress = createProgress({ quiet: opts.quiet ?? false });
  configureDeps({ env: { COSTMON_DATA_DIR: dataDir }, ...(opts.configDir ? { configDir: resolve(opts.configDir) } : {}), logSink: cliLogSink(progress) });
  let emulator: AuthEmulator | undefined;
  const stopping = new AbortController();
  const onSignal = () => stopping.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const killEmulator = () => emulator?.killNow();
  process.on("exit", killEmulator);
  let server: ReturnType<typeof createDashboardServer> | undefined;
  try {
    const deps = await getDeps();
    const projectId = deps.config.project.id;
    if (!projectId.startsWith("demo-")) throw new UsageError(`the dashboard signs in through the Auth emulator, which needs a demo- project id (project.id is ${projectId})`);
    const tenants = (await deps.documents.list(paths.tenants(), { limit: 300 })).docs.map((d) => d.id);
    if (tenants.length === 0) throw new UsageError(`no tenant in ${dataDir} (run npm run nightly first)`);

    let authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
    if (!authHost) {
      progress.info("starting the Firebase Auth emulator…");
      emulator = await startAuthEmulator(projectId, stopping.signal);
      authHost = emulator.host;
      progress.info(`Auth emulator on ${authHost}`);
      process.env.FIREBASE_AUTH_EMULATOR_HOST = authHost;
    }
    const users = demoUsersFor(tenants);
    await createDemoUsers(projectId, users);

    const callables = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
    for (const name of DASHBOARD_CALLABLES) {
      await loadEntryPoint(name);
      callables.set(name, edgeHandler(name));
    }
    const assets = await buildDashboardAssets();
    const page = {
      projectId,
      authEmulatorUrl: `http://${authHost}`,
      apiBase: API_BASE,
      demoUsers: users.map(({ email, tenantId, role }) => ({ email, tenantId, role })),
      demoPassword: DEMO_PASSWORD,
    };
    const srv = createDashboardServer({ assets, callables, page });
    server = srv;
    await new Promise<void>((ok, fail) => {
      srv.once("error", (err: NodeJS.ErrnoException) =>
        fail(err.code === "EADDRINUSE" ? new UsageError(`port ${opts.port} on 127.0.0.1 is in use (choose another with --port)`) : err),
      );
      srv.listen(opts.port, "127.0.0.1", () => ok());
    });
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const ready: DashboardReady = { url, authEmulatorHost: authHost, projectId, users: page.demoUsers, password: DEMO_PASSWORD };
    if (opts.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
    else {
      process.stdout.write(`dashboard: ${url}\n`);
      process.stdout.write(`sign in as one of (password ${DEMO_PASSWORD}, Auth emulator at ${authHost}):\n`);
      for (const u of users) process.stdout.write(`  ${u.email}  (${u.role}, tenant ${u.tenantId})\n`);
      process.stdout.write("Ctrl-C stops it.\n");
    }
    if (!stopping.signal.aborted) await new Promise((ok) => stopping.signal.addEventListener("abort", ok, { once: true }));
    return 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (server) {
      const s = server;
      s.closeAllConnections();
      await new Promise<void>((ok) => s.close(() => ok()));
    }
    await closeDeps();
    await emulator?.stop();
    process.off("exit", killEmulator);
  }
}
