import { generate } from "selfsigned";
import { type ReplayServer, sendJson, startReplayServer } from "../../support/replay/http-server.js";

/**
 * A stand-in for Microsoft Entra ID's v2.0 endpoints, as far as a service principal's
 * client-credentials sign-in goes: the tenant's OpenID configuration and its token endpoint.
 * HTTPS with its own self-signed certificate (`ca`), because the identity client refuses http;
 * its subject differs from the Azure replay's, so that both can sit in one CA file.
 */
export interface FakeEntra extends ReplayServer {
  ca: string;
  /** Bearer token handed out for a correct client secret. */
  accessToken: string;
  /** Form bodies of the token requests, parsed. */
  tokenRequests: URLSearchParams[];
}

export async function startFakeEntra(opts: { tenantId: string; clientId: string; clientSecret: string }): Promise<FakeEntra> {
  const pems = await generate([{ name: "commonName", value: "fake-entra" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const accessToken = "entra-access-token-for-replay";
  const tokenRequests: URLSearchParams[] = [];
  let base = "";
  const server = await startReplayServer(
    (req, res) => {
      const path = new URL(req.url, base).pathname;
      const tenant = `/${opts.tenantId}`;
      if (req.method === "GET" && path === `${tenant}/v2.0/.well-known/openid-configuration`) {
        return sendJson(res, 200, {
          issuer: `${base}${tenant}/v2.0`,
          authorization_endpoint: `${base}${tenant}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}${tenant}/oauth2/v2.0/token`,
          jwks_uri: `${base}${tenant}/discovery/v2.0/keys`,
        });
      }
      if (req.method === "POST" && path === `${tenant}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(req.body);
        tokenRequests.push(form);
        if (form.get("client_id") !== opts.clientId || form.get("client_secret") !== opts.clientSecret) {
          return sendJson(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
        }
        return sendJson(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
      }
      return sendJson(res, 404, { error: "not_found", error_description: `no route ${req.method} ${path}` });
    },
    { key: pems.private, cert: pems.cert },
  );
  base = server.url;
  return { ...server, ca: pems.cert, accessToken, tokenRequests };
}
