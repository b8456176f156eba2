import { deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";

/**
 * The dashboard's demo sign-ins, per tenant: a manager (trust 3, with a phone second factor
 * enrolled: budgets and alert channels need both), an operator (trust 2: reads everything, triages
 * anomalies) and a viewer (trust 1: reads only), created in the Auth emulator with firebase-admin
 * and given the custom claims the identity middleware reads (tenantId, trustLevel, zones). The tenant
 * a request acts on then comes from the verified ID token, as deployed. Emulator only: the
 * password is public on purpose, so createDemoUsers refuses to run without FIREBASE_AUTH_EMULATOR_HOST.
 */
export const DEMO_PASSWORD = "costmon-demo-password";

export interface DemoUser {
  email: string;
  tenantId: string;
  role: "manager" | "operator" | "viewer";
  trustLevel: 1 | 2 | 3;
  /** The enrolled phone second factor (E.164, in the fictional 555-0100 to 555-0199 range); the emulator sends no SMS. */
  phone?: string;
}

export function demoUsersFor(tenantIds: readonly string[]): DemoUser[] {
  return tenantIds.flatMap((tenantId, i) => [
    { email: `manager@${tenantId}.example`, tenantId, role: "manager" as const, trustLevel: 3 as const, phone: `+1555555${String(100 + (i % 100)).padStart(4, "0")}` },
    { email: `operator@${tenantId}.example`, tenantId, role: "operator" as const, trustLevel: 2 as const },
    { email: `viewer@${tenantId}.example`, tenantId, role: "viewer" as const, trustLevel: 1 as const },
  ]);
}

/**
 * Creates (or re-creates) each user with its claims. Needs FIREBASE_AUTH_EMULATOR_HOST.
 *
 * @example
 *   process.env.FIREBASE_AUTH_EMULATOR_HOST = "127.0.0.1:9099";
 *   await createDemoUsers("demo-costmon", demoUsersFor(["acme-retail"]));
 */
export async function createDemoUsers(project: string, users: readonly DemoUser[]): Promise<void> {
  if (!process.env.FIREBASE_AUTH_EMULATOR_HOST) throw new Error("demo users are created in the Auth emulator only: FIREBASE_AUTH_EMULATOR_HOST is not set");
  const app = initializeApp({ projectId: project }, `dashboard-demo-users-${process.pid}`);
  try {
    const auth = getAuth(app);
    for (const u of users) {
      const existing = await auth.getUserByEmail(u.email).catch(() => null);
      if (existing) await auth.deleteUser(existing.uid);
      const created = await auth.createUser({ email: u.email, password: DEMO_PASSWORD, emailVerified: true, displayName: `${u.role} (${u.tenantId})` });
      await auth.setCustomUserClaims(created.uid, { tenantId: u.tenantId, trustLevel: u.trustLevel, zones: ["nonprod", "prod"] });
      if (u.phone) {
        await auth.updateUser(created.uid, {
          multiFactor: { enrolledFactors: [{ uid: `phone-${created.uid}`.slice(0, 60), phoneNumber: u.phone, factorId: "phone", displayName: "demo phone" }] },
        });
      }
    }
  } finally {
    await deleteApp(app);
  }
}
