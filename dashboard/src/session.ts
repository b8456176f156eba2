import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api } from "./api.js";

/**
 * The signed-in user as the page shows it. `tenantId` and `trustLevel` are read from the ID token's
 * claims to label the page and hide buttons the role cannot use; the server decides from the
 * verified token again on every call.
 */
export interface Session {
  api: Api;
  email: string;
  tenantId: string;
  trustLevel: number;
  /** The last day the ledger was analyzed (the total forecast's as-of day), or today. */
  asOf: string;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a signed-in page");
  return s;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
