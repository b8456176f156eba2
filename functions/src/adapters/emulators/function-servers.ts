import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { AppError } from "#kernel/errors.js";

export interface FunctionServers {
  /** Each function's URL, by name. */
  urls: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

/** Builds the (not yet listening) HTTP server of one registered function. */
export type ServerFor = (name: string) => Server;

/**
 * Serves each named function with functions-framework in this process, each on its own
 * 127.0.0.1 port, as Cloud Functions gives each function its own service. The functions must
 * be registered with the framework already (their modules loaded: entry-points.ts). `serverFor`
 * builds each server: by default the framework's own app (`getTestServer`); the command line
 * passes the deployed bundle's edge server, which puts the request-body guard in front of it.
 * Only the loopback interface listens; the framework's command line would listen on every one.
 *
 * @example
 *   const servers = await startFunctionServers(["collectAccount", "analyzeTenant"]);
 *   servers.urls.get("collectAccount"); // "http://127.0.0.1:41234/"
 *   await servers.close();
 */
export async function startFunctionServers(names: readonly string[], serverFor: ServerFor = getTestServer): Promise<FunctionServers> {
  const servers: Server[] = [];
  const urls = new Map<string, string>();
  const close = async () => {
    await Promise.all(servers.map(closeServer));
  };
  try {
    for (const name of names) {
      let server: Server;
      try {
        server = serverFor(name);
      } catch (err) {
        throw new AppError("failed-precondition", `function ${name} is not registered with functions-framework`, { cause: err });
      }
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
      urls.set(name, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { urls, close };
}
