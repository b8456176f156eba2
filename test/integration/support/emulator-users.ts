import { type App as AdminApp, deleteApp as deleteAdminApp, initializeApp as initAdmin } from "firebase-admin/app";
import { type Auth as AdminAuth, getAuth as getAdminAuth } from "firebase-admin/auth";
import { type FirebaseApp, deleteApp, initializeApp } from "firebase/app";
import { type Auth, connectAuthEmulator, getAuth, signInWithEmailAndPassword } from "firebase/auth";
import { type Functions, getFunctions, httpsCallableFromURL } from "firebase/functions";

/**
 * Users in the Firebase Auth emulator: created and given custom claims with firebase-admin, signed
 * in with the real client SDK (firebase@12), one client app per user so each has its own session.
 */
export const PROJECT = "demo-test";

export function emulatorHost(): string {
  const host = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  if (!host) throw new Error("FIREBASE_AUTH_EMULATOR_HOST is not set: run through test/integration/global-setup.ts");
  return host;
}

let admin: { app: AdminApp; auth: AdminAuth } | undefined;

export function adminAuth(): AdminAuth {
  if (!admin) {
    const app = initAdmin({ projectId: PROJECT }, `admin-${process.pid}`);
    admin = { app, auth: getAdminAuth(app) };
  }
  return admin.auth;
}

export interface UserSpec {
  email: string;
  claims: Record<string, unknown>;
  phone?: string;
}

export const PASSWORD = "correct-horse-battery-1";

export async function createUser(spec: UserSpec): Promise<string> {
  const auth = adminAuth();
  const existing = await auth.getUserByEmail(spec.email).catch(() => null);
  if (existing) await auth.deleteUser(existing.uid);
  const user = await auth.createUser({ email: spec.email, password: PASSWORD, emailVerified: true });
  await auth.setCustomUserClaims(user.uid, spec.claims);
  if (spec.phone) {
    await auth.updateUser(user.uid, {
      multiFactor: { enrolledFactors: [{ uid: `phone-${user.uid}`.slice(0, 60), phoneNumber: spec.phone, factorId: "phone", displayName: "test phone" }] },
    });
  }
  return user.uid;
}

export interface SignedIn {
  uid: string;
  app: FirebaseApp;
  auth: Auth;
  functions: Functions;
  idToken(): Promise<string>;
  callable<T = unknown>(url: string): (data?: unknown) => Promise<{ data: T }>;
  close(): Promise<void>;
}

let seq = 0;

/** Signs in with the real client SDK against the emulator. */
export async function signIn(email: string): Promise<SignedIn> {
  const app = initializeApp({ apiKey: "fake-api-key", projectId: PROJECT, authDomain: `${PROJECT}.firebaseapp.com` }, `client-${++seq}`);
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${emulatorHost()}`, { disableWarnings: true });
  const cred = await signInWithEmailAndPassword(auth, email, PASSWORD);
  const functions = getFunctions(app);
  return {
    uid: cred.user.uid,
    app,
    auth,
    functions,
    idToken: () => cred.user.getIdToken(),
    callable: <T>(url: string) => httpsCallableFromURL<unknown, T>(functions, url),
    close: () => deleteApp(app),
  };
}

const rest = (path: string) => `http://${emulatorHost()}/identitytoolkit.googleapis.com/${path}?key=fake-api-key`;

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(rest(path), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * Phone second factor through the emulator's REST flow (ENVIRONMENT.md): password sign-in gives a
 * pending credential, mfaSignIn:start sends a code the emulator exposes, mfaSignIn:finalize returns
 * an ID token with `firebase.sign_in_second_factor: "phone"`.
 */
export async function signInWithPhoneMfa(email: string): Promise<string> {
  const first = await post("v1/accounts:signInWithPassword", { email, password: PASSWORD, returnSecureToken: true });
  const pending = first.mfaPendingCredential as string | undefined;
  const info = (first.mfaInfo as { mfaEnrollmentId: string; phoneInfo: string }[] | undefined)?.[0];
  if (!pending || !info) throw new Error("user has no second factor enrolled");
  const started = await post("v2/accounts/mfaSignIn:start", {
    mfaPendingCredential: pending,
    mfaEnrollmentId: info.mfaEnrollmentId,
    phoneSignInInfo: { recaptchaToken: "test" },
  });
  const sessionInfo = (started.phoneResponseInfo as { sessionInfo: string }).sessionInfo;
  const codes = (await (await fetch(`http://${emulatorHost()}/emulator/v1/projects/${PROJECT}/verificationCodes`)).json()) as {
    verificationCodes: { sessionInfo: string; code: string }[];
  };
  const code = codes.verificationCodes.find((c) => c.sessionInfo === sessionInfo)?.code;
  if (!code) throw new Error("no verification code in the emulator");
  const done = await post("v2/accounts/mfaSignIn:finalize", {
    mfaPendingCredential: pending,
    phoneVerificationInfo: { sessionInfo, code },
  });
  return done.idToken as string;
}

export async function closeAdmin(): Promise<void> {
  if (admin) await deleteAdminApp(admin.app);
  admin = undefined;
}
