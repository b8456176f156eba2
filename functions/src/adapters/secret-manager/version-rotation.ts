/**
 * Which versions of one secret the rotation cleanup disables. A version stops being current when
 * the next one is added; it then stays enabled for the grace period, so that an instance still
 * holding it (cached credentials, a client built from them) keeps working while the new value
 * propagates, and is disabled once the grace has passed since its successor was created. The
 * newest version is never disabled; disabled and destroyed versions are left as they are.
 *
 * @example
 *   // v1 superseded by v2 25 hours ago, with a 24-hour grace: disable v1, keep v2
 *   versionsToDisable([{ version: 1, state: "ENABLED", createdAtMs: t0 }, { version: 2, state: "ENABLED", createdAtMs: now - 25 * HOUR }], now, 24 * HOUR); // [1]
 */
export type VersionState = "ENABLED" | "DISABLED" | "DESTROYED" | "UNKNOWN";

export interface VersionInfo {
  /** The version number, from the end of its resource name. */
  version: number;
  state: VersionState;
  createdAtMs: number;
}

/** Version numbers to disable at `nowMs`, oldest first. */
export function versionsToDisable(versions: readonly VersionInfo[], nowMs: number, graceMs: number): number[] {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const out: number[] = [];
  for (let i = 1; i < newestFirst.length; i++) {
    const v = newestFirst[i] as VersionInfo;
    const successor = newestFirst[i - 1] as VersionInfo;
    if (v.state === "ENABLED" && nowMs - successor.createdAtMs >= graceMs) out.push(v.version);
  }
  return out.reverse();
}

const STATES: Readonly<Record<string, VersionState>> = {
  ENABLED: "ENABLED",
  DISABLED: "DISABLED",
  DESTROYED: "DESTROYED",
  // Over REST the client asks for numeric enums (SecretVersion.State).
  "1": "ENABLED",
  "2": "DISABLED",
  "3": "DESTROYED",
};

/** A SecretVersion as the client returns it. */
export interface ClientVersion {
  name?: string | null;
  state?: unknown;
  createTime?: { seconds?: unknown; nanos?: unknown } | null;
}

/** The version's number, state and creation time; null for a name without a version number. */
export function toVersionInfo(v: ClientVersion): VersionInfo | null {
  const number = /\/versions\/(\d+)$/.exec(v.name ?? "")?.[1];
  if (number === undefined) return null;
  return { version: Number(number), state: STATES[String(v.state)] ?? "UNKNOWN", createdAtMs: timestampMs(v.createTime) };
}

/** A protobuf Timestamp in milliseconds; NaN when absent, which never counts as expired. */
function timestampMs(ts: ClientVersion["createTime"]): number {
  if (!ts || ts.seconds === undefined || ts.seconds === null) return Number.NaN;
  return Number(String(ts.seconds)) * 1000 + Math.floor(Number(ts.nanos ?? 0) / 1e6);
}
