import type { IncomingMessage, ServerResponse } from "node:http";
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
 * unchanged, against keys the test controls. The same server answers the Identity Toolkit's
 * `accounts:lookup` (what firebase-admin's `getUser` and the revocation check call) from a user
 * table the test fills; the app then needs a credential, e.g. {@link fakeCredential}.
 */
export interface FakeAuthUser {
  disabled?: boolean;
  /** Seconds since the epoch: tokens issued before this were revoked (`revokeRefreshTokens`). */
  validSince?: number;
}

/** An app credential for firebase-admin that needs no Google account (its token goes nowhere real). */
export const fakeCredential = {
  getAccessToken: async () => ({ access_token: "fake-access-token", expires_in: 3600 }),
};
export interface FakeGoogleCerts {
  agent: Agent;
  kid: string;
  /** PKCS#8 PEM private key of the served certificate, to sign valid tokens. */
  privateKey: string;
  /** The served certificate (PEM). */
  cert: string;
  fetches(): number;
  /** Users `accounts:lookup` knows; any other uid is not found. */
  users: Map<string, FakeAuthUser>;
  close(): Promise<void>;
}

export async function startFakeGoogleCerts(): Promise<FakeGoogleCerts> {
  const pems = await generate([{ name: "commonName", value: "www.googleapis.com" }], { keySize: 2048, algorithm: "sha256" });
  const kid = "test-kid-0001";
  let fetches = 0;
  const users = new Map<string, FakeAuthUser>();
  const lookup = async (req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    const ids = ((JSON.parse(text) as { localId?: string[] }).localId ?? []).filter((id) => users.has(id));
    const found = ids.map((localId) => {
      const u = users.get(localId) as FakeAuthUser;
      return { localId, disabled: u.disabled === true, ...(u.validSince === undefined ? {} : { validSince: String(u.validSince) }) };
    });
    res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    res.end(JSON.stringify({ kind: "identitytoolkit#GetAccountInfoResponse", ...(found.length ? { users: found } : {}) }));
  };
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    fetches += 1;
    if (req.method === "POST" && /\/accounts:lookup$/.test(req.url ?? "")) {
      void lookup(req, res);
      return;
    }
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
    users,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
