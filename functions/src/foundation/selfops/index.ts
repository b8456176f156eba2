export { defaultIsRetryable, type RetryOptions, retryWithBackoff } from "./retry.js";
export { type BreakerOptions, type BreakerState, breakerFor, breakerStates, resetBreakers } from "./circuit-breaker.js";
export { type CheckResult, createHealthCheck, type HealthCheck, type Readiness } from "./health.js";
export {
  boundedRetryPlaybook,
  createPlaybookRegistry,
  openCircuitCooldownPlaybook,
  type Playbook,
  type PlaybookOutcome,
  type PlaybookRun,
  registerPlaybook,
  replayFromDeadLetterPlaybook,
  runPlaybooks,
  type Signal,
} from "./playbooks.js";
export { redactSecrets } from "./redact.js";
