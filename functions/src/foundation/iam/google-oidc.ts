import type { OAuth2Client } from "google-auth-library";
import { AppError } from "#kernel/errors.js";

/**
 * Google-signed OIDC tokens that Cloud Scheduler and Pub/Sub push attach (F1). The audience is
 * the function's URL; only the configured service accounts are accepted. `certs` lets tests
 * inject their own signing keys; production fetches Google's certificates.
 */
export interface OidcIdentity {
  email: string;
  subject: string;
}

export interface GoogleOidcOptions {
  audience: string | string[];
  allowedServiceAccounts: readonly string[];
  /** PEM certificates by key id; default Google's published ones. */
  certs?: () => Promise<Record<string, string>>;
}

export type OidcVerifier = (token: string) => Promise<OidcIdentity>;

const ISSUERS = ["https://accounts.google.com", "accounts.google.com"];

export function googleOidcVerifier(opts: GoogleOidcOptions): OidcVerifier {
  let client: Promise<OAuth2Client> | undefined;
  const getClient = () => {
    client ??= import("google-auth-library").then((m) => new m.OAuth2Client());
    return client;
  };
  return async function verifyOidc(token) {
    const c = await getClient();
    const ticket = opts.certs
      ? await c.verifySignedJwtWithCertsAsync(token, await opts.certs(), opts.audience, ISSUERS)
      : await c.verifyIdToken({ idToken: token, audience: opts.audience });
    const payload = ticket.getPayload();
    const email = payload?.email;
    if (!payload || typeof email !== "string" || payload.email_verified !== true) {
      throw new AppError("unauthenticated", "OIDC token without a verified e-mail");
    }
    if (!opts.allowedServiceAccounts.includes(email)) throw new AppError("unauthenticated", `service account ${email} not allowed`);
    return { email, subject: payload.sub };
  };
}
