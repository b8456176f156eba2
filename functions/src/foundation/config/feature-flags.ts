import { createHash } from "node:crypto";
import type { FeatureFlag } from "./config-schema.js";

/**
 * Feature flags (issue 4): deterministic per user. Order of evaluation:
 *   1. unknown or disabled flag → off;
 *   2. uid in `allow_users` or tenant in `allow_tenants` → on;
 *   3. `attributes` targeting: every listed attribute must have one of its values, else off;
 *   4. percentage rollout: bucket = first 32 bits of SHA-256("flag:uid") mod 10,000, on when
 *      bucket < rollout_percent × 100. The same user always lands in the same bucket, and raising
 *      the percentage only adds users.
 */
export interface FlagUser {
  uid: string;
  tenantId?: string;
  attributes?: Record<string, string>;
}

export interface FlagEvaluator {
  isEnabled(flag: string, user: FlagUser): boolean;
}

/** The user's stable bucket in [0, 10000) for a flag. */
export function rolloutBucket(flag: string, uid: string): number {
  const digest = createHash("sha256").update(`${flag}:${uid}`).digest();
  return digest.readUInt32BE(0) % 10_000;
}

export function createFlagEvaluator(flags: Record<string, FeatureFlag>): FlagEvaluator {
  return {
    isEnabled(flag, user) {
      const f = Object.hasOwn(flags, flag) ? flags[flag] : undefined;
      if (!f?.enabled) return false;
      if (f.allow_users.includes(user.uid)) return true;
      if (user.tenantId !== undefined && f.allow_tenants.includes(user.tenantId)) return true;
      for (const [attr, accepted] of Object.entries(f.attributes)) {
        const v = user.attributes?.[attr];
        if (v === undefined || !accepted.includes(v)) return false;
      }
      return rolloutBucket(flag, user.uid) < Math.round(f.rollout_percent * 100);
    },
  };
}
