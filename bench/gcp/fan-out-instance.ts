import { createServer } from "node:http";
import { FirestoreDocumentStore } from "#adapters/firestore/firestore-document-store.js";
import { messageAttributes } from "#adapters/pubsub/message-attributes.js";
import { configureDeps, getDeps } from "../../functions/src/deps.js";
import { createEdgeServer } from "../../functions/src/edge-server.js";
import { CountingDocumentStore } from "./counting-store.js";
import { remoteWarehouse } from "./remote-warehouse.js";

/**
 * One function instance of the fan-out benchmark (fan-out.ts), its own process, started as a
 * deployed instance starts (functions/src/serve.ts): FUNCTION_TARGET names the one function it
 * serves, deploy.ts loads only that function's module and opens its stores, and the edge server
 * (the framework's app behind the request-body guard) listens on PORT for the push requests the
 * benchmark's relay forwards from the Pub/Sub emulator. It runs the `emulators` runtime (the
 * Firestore emulator's documents, the Pub/Sub emulator for what it publishes) with two
 * benchmark-only changes, both outside the function's code:
 * - the ledger is the benchmark's, over HTTP (remote-warehouse.ts), as BigQuery is remote to a
 *   deployed instance;
 * - its Firestore calls are counted (counting-store.ts) and each publish is reported to the
 *   benchmark before the publish returns, so that the benchmark's delivery ledger owes the new
 *   message before the push that caused it is acknowledged, and knows when the night is over.
 * A second port (BENCH_INSTANCE_CONTROL_PORT) answers `GET /counts` and `POST /reset`.
 *
 * Bundled by fan-out.ts with the deployed bundle's options and run as `node instance.mjs`.
 */
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const target = env("FUNCTION_TARGET");
const controlUrl = env("BENCH_CONTROL_URL");
const counting = new CountingDocumentStore(
  new FirestoreDocumentStore({ projectId: env("BENCH_PROJECT_ID"), emulatorHost: env("COSTMON_EMULATORS_FIRESTORE_HOST") }),
);
configureDeps({ documents: counting, warehouse: remoteWarehouse(controlUrl) });

await import("../../functions/src/deploy.js");
const deps = await getDeps();
const publish = deps.bus.publish.bind(deps.bus);
deps.bus.publish = async <T>(topic: string, data: T, attributes?: Record<string, string>): Promise<string> => {
  const id = await publish(topic, data, attributes);
  // The emulators runtime's bus answers `<scope>-<emulator id>`; the benchmark's ledger keys on the emulator's id.
  const emulatorId = /^[0-9a-f]{8}-(.+)$/.exec(id)?.[1];
  if (!emulatorId) throw new Error(`unexpected message id ${id}`);
  let attributeBytes = 0;
  for (const [k, v] of Object.entries(messageAttributes(data, attributes))) attributeBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  const res = await fetch(`${controlUrl}/published`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ topic, id: emulatorId, dataBytes: Buffer.byteLength(JSON.stringify(data)), attributeBytes }),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`the benchmark refused the publish report: ${res.status}`);
  return id;
};

const control = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/counts") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify([...counting.counts()]));
  } else if (req.method === "POST" && req.url === "/reset") {
    counting.reset(true);
    res.end();
  } else {
    res.statusCode = 404;
    res.end();
  }
});
control.listen(Number(env("BENCH_INSTANCE_CONTROL_PORT")), "127.0.0.1");
createEdgeServer(target).listen(Number(env("PORT")), "127.0.0.1");
