import type { AuthContext, BaseContext, ConfigContext, ObservedContext, SessionContext } from "../context.js";
import type { Middleware } from "../middleware.js";

/**
 * Layer 6, F2: the session of a signed-in user (at most 3 live, 30-min idle timeout, refreshed
 * on every call) and the workspace named by `X-Workspace-Id`, if the user may see it. Both are
 * injected into the handler's context and into every later log line as labels. API keys and
 * service identities have no session.
 *
 * @example
 *   stack.use("session", sessionContext())  // adds { session, workspace }
 */
export function sessionContext(): Middleware<BaseContext & ConfigContext & ObservedContext & AuthContext, SessionContext> {
  return async function withSession(ctx, next) {
    const { principal, services } = ctx;
    ctx.state.stage = "session";
    if (principal.kind !== "user" || principal.authTime === undefined || principal.tenantId === null) {
      return next({ session: null, workspace: null });
    }
    const { session } = await services.sessions.touch(
      { id: principal.id, tenantId: principal.tenantId, authTime: principal.authTime },
      ctx.log,
    );
    const header = ctx.request.headers["x-workspace-id"];
    const workspaceId = Array.isArray(header) ? header[0] : header;
    const workspace =
      workspaceId && /^[A-Za-z0-9_-]{1,64}$/.test(workspaceId)
        ? await services.workspaces.getVisible(ctx.tenantId, workspaceId, principal.id)
        : null;
    const labels: Record<string, string> = { session: session.id };
    if (workspace) labels.workspace = workspace.id;
    return next({ session, workspace, log: ctx.log.child(labels) } as SessionContext);
  };
}
