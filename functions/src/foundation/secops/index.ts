export { createRateLimiter, type RateLimit, type RateLimitDecision, type RateLimiter } from "./rate-limiter.js";
export { createBruteForceGuard, type BruteForceGuard } from "./brute-force.js";
export {
  findInjection,
  findInjectionIn,
  INJECTION_RULES,
  InputError,
  type InputIssue,
  type InjectionFinding,
  strictParse,
} from "./input-guard.js";
export { sanitizeText } from "./sanitize-text.js";
export {
  type AuditEntry,
  type AuditLog,
  type AuditRecord,
  type AuditVerification,
  createAuditLog,
  PLATFORM_STREAM,
  tenantStream,
} from "./audit-log.js";
