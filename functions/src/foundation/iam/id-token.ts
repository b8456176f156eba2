import type { App } from "firebase-admin/app";
import type { Auth } from "firebase-admin/auth";
import { AppError } from "#kernel/errors.js";

/**
 * Firebase Auth ID token verification with firebase-admin 13 (F1). firebase-admin is imported on
 * first use, not at module load: it is the heaviest dependency of a callable's cold start.
 * With FIREBASE_AUTH_EMULATOR_HOST set, firebase-admin accepts the emulator's unsigned tokens
 * (and then always checks revocation); in production it checks the RS256 signature against
 * Google's published certificates, and revocation as `checkRevoked` says.
 */
export interface VerifiedIdToken {
  uid: string;
  /** All claims, custom ones included. */
  claims: Record<string, unknown>;
  /** `firebase.sign_in_second_factor` ("phone", "totp") when the sign-in used a second factor. */
  secondFactor?: string;
  authTime: number;
}

export type IdTokenVerifier = (token: string) => Promise<VerifiedIdToken>;

/** Why a token was refused; always mapped to `unauthenticated`. */
export class TokenRejected extends AppError {
  override readonly name = "TokenRejected";
  constructor(
    readonly reason: "expired" | "revoked" | "invalid",
    options?: { cause?: unknown },
  ) {
    super("unauthenticated", `ID token ${reason}`, options?.cause === undefined ? {} : { cause: options.cause });
  }
}

export interface FirebaseVerifierOptions {
  /** An initialized app (tests inject one whose `httpAgent` serves test keys); default: the default app. */
  app?: () => Promise<App>;
  projectId?: string;
  /**
   * Whether each verification also asks the Auth API whether the user was disabled, deleted or
   * signed out everywhere since this sign-in (firebase-admin's `checkRevoked`). Default true:
   * otherwise such a user keeps access until the ID token expires, up to an hour. It costs one
   * Auth API read per call (bench/iam/check-revoked.ts; docs/security.md).
   */
  checkRevoked?: boolean;
  /** Clock skew allowed for `iat`/`auth_time` in the future; default 300 s. */
  maxSkewSec?: number;
  now?: () => number;
}

let defaultApp: Promise<App> | undefined;

async function loadDefaultApp(projectId?: string): Promise<App> {
  const { getApps, initializeApp } = await import("firebase-admin/app");
  const existing = getApps().find((a) => a.name === "[DEFAULT]");
  return existing ?? initializeApp(projectId ? { projectId } : {});
}

/**
 * @example
 *   const verify = firebaseIdTokenVerifier({ projectId: "demo-test" });
 *   const { uid, claims } = await verify(bearerToken);
 */
export function firebaseIdTokenVerifier(opts: FirebaseVerifierOptions = {}): IdTokenVerifier {
  let auth: Promise<Auth> | undefined;
  function getAuthOnce(): Promise<Auth> {
    auth ??= (async () => {
      if (!opts.app) defaultApp ??= loadDefaultApp(opts.projectId);
      const app = opts.app ? await opts.app() : await (defaultApp as Promise<App>);
      const { getAuth } = await import("firebase-admin/auth");
      return getAuth(app);
    })();
    return auth;
  }
  return async function verifyIdToken(token) {
    const a = await getAuthOnce();
    try {
      const decoded = await a.verifyIdToken(token, opts.checkRevoked ?? true);
      const { uid, auth_time, firebase, iat } = decoded;
      // Firebase's ID token rules say iat and auth_time "must be in the past"; firebase-admin 13
      // checks neither (found by isolation-forged-tokens.test.ts), so check them here.
      const latest = Math.floor((opts.now?.() ?? Date.now()) / 1000) + (opts.maxSkewSec ?? 300);
      if (!(iat <= latest) || !(auth_time <= latest)) throw new TokenRejected("invalid");
      const secondFactor = firebase?.sign_in_second_factor;
      return {
        uid,
        claims: decoded as unknown as Record<string, unknown>,
        authTime: auth_time,
        ...(typeof secondFactor === "string" ? { secondFactor } : {}),
      };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === "auth/id-token-expired") throw new TokenRejected("expired", { cause: err });
      // A deleted user's tokens are as good as revoked.
      if (code === "auth/id-token-revoked" || code === "auth/user-disabled" || code === "auth/user-not-found") throw new TokenRejected("revoked", { cause: err });
      if (typeof code === "string" && code.startsWith("auth/") && code !== "auth/internal-error") {
        throw new TokenRejected("invalid", { cause: err });
      }
      throw err;
    }
  };
}
