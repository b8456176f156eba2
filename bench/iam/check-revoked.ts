import { performance } from "node:perf_hooks";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { importPKCS8, SignJWT } from "jose";
import { firebaseIdTokenVerifier } from "#foundation/iam/id-token.js";
import setupAuthEmulator from "../../test/integration/global-setup.js";
import { adminAuth, closeAdmin, createUser, PASSWORD, PROJECT } from "../../test/integration/support/emulator-users.js";
import { fakeCredential, startFakeGoogleCerts } from "../../test/integration/support/fake-google-certs.js";

/**
 * What checking revocation adds to an ID token verification (F1), against the Firebase Auth
 * emulator. firebase-admin's `verifyIdToken(token, true)` is the signature check plus one
 * `getUser` (Identity Toolkit `accounts:lookup`) of the token's subject. Measured in one process,
 * round by round alternated:
 * - `verifyOnly`: the production verification path (RS256 against locally served test keys, as
 *   test/integration/isolation-forged-tokens.test.ts does) with checkRevoked off;
 * - `revocationLookup`: that added `getUser`, answered by the Auth emulator;
 * - `emulatorVerify`: firebase-admin's emulator-mode verify, which always includes the lookup.
 * Prints JSON.   npx tsx bench/iam/check-revoked.ts [--rounds 10] [--calls 200]
 * The emulator answers on localhost, so the lookup figure is a floor: deployed, the Auth API is a
 * network round trip away.
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;
const round = (x: number) => Number(x.toFixed(3));
const stats = (xs: number[]) => ({ p50Ms: round(pct(xs, 50)), p99Ms: round(pct(xs, 99)), meanMs: round(xs.reduce((a, b) => a + b, 0) / xs.length) });

async function time(samples: number[], calls: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
}

const stopEmulator = await setupAuthEmulator();
const emulatorHost = process.env.FIREBASE_AUTH_EMULATOR_HOST as string;
const certs = await startFakeGoogleCerts();
const prodApp = initializeApp({ projectId: PROJECT, httpAgent: certs.agent, credential: fakeCredential }, "bench-production-path");
try {
  const email = "bench-revoked@bench.test";
  const uid = await createUser({ email, claims: { tenantId: "t-bench", trustLevel: 1, zones: ["prod"] } });
  const res = await fetch(`http://${emulatorHost}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, returnSecureToken: true }),
  });
  const emulatorToken = ((await res.json()) as { idToken: string }).idToken;
  const now = Math.floor(Date.now() / 1000);
  const signedToken = await new SignJWT({ tenantId: "t-bench", trustLevel: 1, zones: ["prod"], auth_time: now - 60 })
    .setProtectedHeader({ alg: "RS256", kid: certs.kid, typ: "JWT" })
    .setIssuer(`https://securetoken.google.com/${PROJECT}`)
    .setAudience(PROJECT)
    .setSubject(uid)
    .setIssuedAt(now - 30)
    .setExpirationTime(now + 3600)
    .sign(await importPKCS8(certs.privateKey, "RS256"));
  const verifyOnly = firebaseIdTokenVerifier({ app: async () => prodApp, checkRevoked: false });
  const emulatorVerify = firebaseIdTokenVerifier({ projectId: PROJECT });
  const auth = adminAuth();
  const modes = {
    verifyOnly: async () => {
      delete process.env.FIREBASE_AUTH_EMULATOR_HOST; // firebase-admin reads it on every call
      try {
        await verifyOnly(signedToken);
      } finally {
        process.env.FIREBASE_AUTH_EMULATOR_HOST = emulatorHost;
      }
    },
    revocationLookup: () => auth.getUser(uid),
    emulatorVerify: () => emulatorVerify(emulatorToken),
  };
  type Mode = keyof typeof modes;
  const names = Object.keys(modes) as Mode[];
  const samples = Object.fromEntries(names.map((m) => [m, [] as number[]])) as Record<Mode, number[]>;
  for (const m of names) await modes[m](); // warm: certificates fetched, connections open
  const rounds = arg("rounds", 10);
  const calls = arg("calls", 200);
  for (let r = 0; r < rounds; r++) {
    for (const m of r % 2 ? [...names].reverse() : names) await time(samples[m], calls, modes[m]);
  }
  await auth.updateUser(uid, { disabled: true });
  const disabledUser = await emulatorVerify(emulatorToken).then(
    () => "accepted",
    (e: { reason?: string }) => `refused (${e.reason})`,
  );
  const result = Object.fromEntries(names.map((m) => [m, stats(samples[m])])) as Record<Mode, ReturnType<typeof stats>>;
  console.log(
    JSON.stringify(
      {
        machine: { node: process.version, cpus: (await import("node:os")).cpus().length, loadavg: (await import("node:os")).loadavg().map((x) => Number(x.toFixed(2))) },
        callsPerMode: samples.verifyOnly.length,
        ...result,
        checkRevokedAddsMs: { p50: result.revocationLookup.p50Ms, p99: result.revocationLookup.p99Ms, mean: result.revocationLookup.meanMs },
        disabledUsersTokenWithCheck: disabledUser,
      },
      null,
      2,
    ),
  );
} finally {
  await deleteApp(prodApp);
  await certs.close();
  await closeAdmin();
  await stopEmulator?.();
}
