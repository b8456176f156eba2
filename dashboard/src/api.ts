import { initializeApp } from "firebase/app";
import { type Auth, connectAuthEmulator, indexedDBLocalPersistence, initializeAuth } from "firebase/auth";
import { type Functions, FunctionsError, getFunctions, httpsCallableFromURL } from "firebase/functions";
import type { PageConfig } from "./config.js";

/**
 * The dashboard's only data path: the callables, through the Firebase JS SDK's
 * `httpsCallableFromURL`, which sends the signed-in user's ID token. The server takes the tenant
 * from that verified token; nothing the page sends names it.
 */
export interface Api {
  auth: Auth;
  call<T>(name: string, data?: unknown): Promise<T>;
}

export function createApi(config: PageConfig): Api {
  const app = initializeApp({ apiKey: "demo-api-key", projectId: config.projectId, authDomain: `${config.projectId}.firebaseapp.com` });
  // No popup/redirect resolver: sign-in is by e-mail and password, so no Google iframe is loaded.
  const auth = initializeAuth(app, { persistence: indexedDBLocalPersistence });
  connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });
  const functions: Functions = getFunctions(app);
  const base = new URL(config.apiBase, location.origin);
  return {
    auth,
    async call<T>(name: string, data: unknown = {}) {
      const fn = httpsCallableFromURL<unknown, T>(functions, new URL(name, base).href);
      return (await fn(data)).data;
    },
  };
}

/** A message a person can act on, from a callable's error (its code, and the server's reason when it gives one). */
export function describeError(err: unknown): string {
  if (err instanceof FunctionsError) {
    const reason = (err.details as { reason?: unknown } | undefined)?.reason;
    if (reason === "mfa-required") return "This change needs a manager who signed in with a second factor.";
    if (err.code === "functions/permission-denied") return `Not allowed for your role (${err.message}).`;
    if (err.code === "functions/not-found") return `Not found: ${err.message}`;
    if (err.code === "functions/unauthenticated") return "Your sign-in has expired: sign in again.";
    return `${err.code.replace("functions/", "")}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
