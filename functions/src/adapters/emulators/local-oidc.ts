import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { z } from "zod";
import { AppError } from "#kernel/errors.js";

/** The issuer Google's OIDC tokens carry, which the authenticator routes to the OIDC verifier. */
const GOOGLE_ISSUER = "https://accounts.google.com";
const LIFETIME_S = 3600;
/** A cached token is replaced this long before it expires. */
const RENEW_BEFORE_S = 300;

/**
 * Signs the OIDC tokens of push requests on this machine, where the Pub/Sub emulator attaches
 * none. The tokens have the shape Google gives a push subscription's token (issuer
 * accounts.google.com, the push audience, the service account's verified e-mail), signed with an
 * RSA key made when the emulator runtime starts and never written anywhere; only its public half
 * is, as a certificates file that the `emulators` runtime's verifier reads in place of Google's.
 */
export interface LocalOidcSigner {
  /** A token for `serviceAccount` with audience `audience`, valid for an hour (cached until near expiry). */
  token(audience: string, serviceAccount: string): Promise<string>;
  /** The public keys by key id, as Google publishes its certificates. */
  certificates(): Record<string, string>;
}

/**
 * @example
 *   const signer = await createLocalOidcSigner();
 *   await writeCertificates(".data/emulators/oidc-certs.json", signer.certificates());
 *   const token = await signer.token("http://127.0.0.1:9000", "pubsub-push@demo-test.iam.gserviceaccount.com");
 */
export async function createLocalOidcSigner(): Promise<LocalOidcSigner> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = `local-${randomUUID()}`;
  const certs = { [kid]: await exportSPKI(publicKey) };
  const cache = new Map<string, { token: string; exp: number }>();
  return {
    async token(audience, serviceAccount) {
      const key = `${audience}\n${serviceAccount}`;
      const now = Math.floor(Date.now() / 1000);
      const hit = cache.get(key);
      if (hit && hit.exp - RENEW_BEFORE_S > now) return hit.token;
      const exp = now + LIFETIME_S;
      const token = await new SignJWT({ email: serviceAccount, email_verified: true })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .setIssuer(GOOGLE_ISSUER)
        .setAudience(audience)
        .setSubject(createHash("sha256").update(serviceAccount).digest("hex").slice(0, 21))
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(privateKey);
      cache.set(key, { token, exp });
      return token;
    },
    certificates: () => ({ ...certs }),
  };
}

const CertificatesFile = z.record(z.string().min(1), z.string().startsWith("-----BEGIN PUBLIC KEY-----"));

/** Writes the public keys where the verifier of the `emulators` runtime reads them (`emulators.oidc_certs_file`). */
export async function writeCertificates(file: string, certs: Record<string, string>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(CertificatesFile.parse(certs), null, 2)}\n`, { mode: 0o644 });
}

/**
 * The certificate source of the `emulators` runtime's OIDC verifier: the file the runtime wrote
 * when it started, read on first use and kept. Refuses (`failed-precondition`) a missing or
 * malformed file rather than accepting any token.
 *
 * @example
 *   googleOidcVerifier({ audience, allowedServiceAccounts, certs: localCertificates(config.emulators.oidc_certs_file) });
 */
export function localCertificates(file: string): () => Promise<Record<string, string>> {
  let loaded: Promise<Record<string, string>> | undefined;
  const load = async () => {
    if (!file) throw new AppError("failed-precondition", "emulators.oidc_certs_file is not set: the emulator runtime writes it when it starts");
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new AppError("failed-precondition", `cannot read the local OIDC certificates ${file}`, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new AppError("failed-precondition", `${file} is not JSON`, { cause: err });
    }
    const parsed = CertificatesFile.safeParse(json);
    if (!parsed.success) throw new AppError("failed-precondition", `${file} is not a certificates file: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  };
  return () => {
    loaded ??= load().catch((err: unknown) => {
      loaded = undefined;
      throw err;
    });
    return loaded;
  };
}
