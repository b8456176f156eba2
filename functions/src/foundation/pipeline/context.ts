import type { AuthMethod } from "../iam/authenticate.js";
import type { Action, Principal, ResourceRef, Skill, TrustLevel, Zone } from "../iam/model.js";
import type { Logger } from "../observability/logger.js";
import type { TraceContext } from "../observability/trace-context.js";
import type { SessionRecord } from "../session/sessions.js";
import type { WorkspaceRecord } from "../session/workspaces.js";
import type { PipelineServices } from "./services.js";

/** The parts of an HTTP request the pipeline reads (functions-framework gives an express Request). */
export interface HttpRequestLike {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  socket?: { remoteAddress?: string | undefined };
}

/** What an entry point declares about itself; the pipeline enforces it. */
export interface CallableDeclaration {
  name: string;
  skill: Skill;
  action: Action;
  /** Fixed zone of the call; omitted → any zone the principal holds (handlers check per resource). */
  zone?: Zone;
  minTrust?: TrustLevel;
  /**
   * The call acts on the caller's own resources (saved views, sessions): the up-front check asks
   * for scope `own`; the handler then checks the actual resource with `ctx.authorize`.
   */
  owned?: boolean;
  /** Accepted credentials; default ID tokens only. */
  auth: readonly AuthMethod[];
}

/** How far a call got: the audit record of a refusal names the layer that refused it. */
export type CallStage = "rate-limit" | "authentication" | "authorization" | "session" | "validation" | "handler";

/**
 * Mutable per-request notes that inner layers leave for outer ones (audit, metrics, lockout),
 * since the context itself only grows inward.
 */
export interface RequestState {
  principal?: Principal;
  tenantId?: string;
  /** Resource the audit record names ("budgets/b1"). */
  resource?: string;
  audit: Record<string, unknown>;
  /** The layer the call is in; each layer sets it as it starts. */
  stage?: CallStage;
  /** The client address (threat guard): the actor of a refusal before authentication. */
  source?: string;
  /** Reason of a refusal by a handler's own authorization check (`ctx.authorize`). */
  denied?: string;
}

export interface BaseContext {
  decl: CallableDeclaration;
  request: HttpRequestLike;
  state: RequestState;
}

export interface ConfigContext {
  services: PipelineServices;
}

export interface ObservedContext {
  executionId: string;
  trace: TraceContext;
  log: Logger;
}

export interface GuardContext {
  /** Client address used for the brute-force lockout. */
  source: string;
}

/** What authentication adds: the verified identity, before anything is decided about it. */
export interface AuthenticatedContext {
  principal: Principal;
}

export interface AuthContext extends AuthenticatedContext {
  /** The tenant the call acts on: the principal's, or an audited `asTenant` of a platform admin. */
  tenantId: string;
  actingAs: boolean;
  /**
   * Checks one more resource of the call against the 4D matrix (same skill by default) and throws
   * `permission-denied`; for resources known only after validation (an account's zone, a view's owner).
   */
  authorize(action: Action, resource: Omit<ResourceRef, "tenantId">, zone?: Zone, skill?: Skill): void;
}

export interface SessionContext {
  session: SessionRecord | null;
  workspace: WorkspaceRecord | null;
}

export type CallableContext = BaseContext & ConfigContext & ObservedContext & GuardContext & AuthContext & SessionContext;
