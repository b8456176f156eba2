import { createServer, Agent, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { connect } from "node:tls";
import { generate } from "selfsigned";

/**
 * Serves test signing keys where firebase-admin's production verifier fetches Google's
 * (https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com).
 * firebase-admin takes an `httpAgent` app option and uses it for that fetch; this agent connects
 * every request to a local TLS server whose self-signed certificate (CN www.googleapis.com) it
 * trusts. So the real verification code (RS256, kid lookup, iss/aud/exp/iat/sub checks) runs
 * unchanged, against keys the test controls.
 */
export interface FakeGoogleCerts {
  agent: Agent;
  kid: string;
  /** PKCS#8 PEM private key of the served certificate, to sign valid tokens. */
  privateKey: string;
  /** The served certificate (PEM). */
  cert: string;
  fetches(): number;
  close(): Promise<void>;
}

export async function startFakeGoogleCerts(): Promise<FakeGoogleCerts> {
  const pems = await generate([{ name: "commonName", value: "www.googleapis.com" }], { keySize: 2048, algorithm: "sha256" });
  const kid = "test-kid-0001";
  let fetches = 0;
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    fetches += 1;
    if (req.url?.startsWith("/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com")) {
      res.writeHead(200, { "content-type": "application/json; charset=UTF-8", "cache-control": "public, max-age=3600" });
      res.end(JSON.stringify({ [kid]: pems.cert }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  class LocalGoogleAgent extends Agent {
    override createConnection(): ReturnType<typeof connect> {
      return connect({ host: "127.0.0.1", port, servername: "www.googleapis.com", ca: pems.cert });
    }
  }
  const agent = new LocalGoogleAgent({ keepAlive: false });
  return {
    agent,
    kid,
    privateKey: pems.private,
    cert: pems.cert,
    fetches: () => fetches,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
