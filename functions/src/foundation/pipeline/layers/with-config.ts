import type { ConfigContext } from "../context.js";
import type { Middleware } from "../middleware.js";
import type { PipelineServices } from "../services.js";

/**
 * Layer 1, F7: resolves config and the pipeline's services once per instance (the factory is
 * memoized by the composition root) and puts them on the context.
 *
 * @example
 *   Stack.start<BaseContext>().use("config", withConfig(getPipelineServices))
 */
export function withConfig(getServices: () => Promise<PipelineServices>): Middleware<object, ConfigContext> {
  return async function config(_ctx, next) {
    return next({ services: await getServices() });
  };
}
