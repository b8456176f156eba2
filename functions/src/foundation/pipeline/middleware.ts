/**
 * The one Middleware type (DESIGN.md §10, after middy and tRPC): an onion where each layer
 * receives the context so far, may add to it by passing additions to `next`, and sees the inner
 * result or error on the way out.
 */

/**
 * A layer of the onion. `In` is what it needs from outer layers; `Add` is what it adds for inner
 * ones. It returns what `next` returned (or a replacement), or throws.
 *
 * @example
 *   const timing: Middleware<{ log: Logger }, { startedAt: number }> = async (ctx, next) => {
 *     const startedAt = performance.now();
 *     try { return await next({ startedAt }); }
 *     finally { ctx.log.debug("done", { ms: performance.now() - startedAt }); }
 *   };
 */
export type Middleware<In extends object, Add extends object = object> = (
  ctx: In,
  next: (add: Add) => Promise<unknown>,
) => Promise<unknown>;

type AnyLayer = (ctx: object, next: (add: object) => Promise<unknown>) => Promise<unknown>;

interface NamedLayer {
  name: string;
  run: AnyLayer;
}

/**
 * Composes layers outside-in around a final handler. Each `next(add)` merges `add` into a new
 * context object, so an inner layer never mutates what an outer layer holds.
 *
 * @example
 *   const run = compose([withA, withB], async (ctx) => ctx.a + ctx.b);
 *   await run({});
 */
export function compose(layers: readonly AnyLayer[], final: (ctx: object) => Promise<unknown>) {
  const count = layers.length;
  function dispatch(i: number, ctx: object): Promise<unknown> {
    if (i === count) return final(ctx);
    const layer = layers[i] as AnyLayer;
    return layer(ctx, (add) => dispatch(i + 1, add === undefined ? ctx : { ...ctx, ...add }));
  }
  return function composed(ctx: object): Promise<unknown> {
    return dispatch(0, ctx);
  };
}

/**
 * Typed builder over {@link compose}: `use` appends a layer and grows the context type, so the
 * handler sees exactly what the layers before it provide.
 *
 * @example
 *   const run = Stack.start<{ req: Req }>()
 *     .use("trace", withTrace)          // adds { trace }
 *     .use("auth", withPrincipal)       // needs { req, trace }, adds { principal }
 *     .handle(async (ctx) => ctx.principal.id);
 */
export class Stack<C extends object> {
  private constructor(private readonly layers: readonly NamedLayer[]) {}

  static start<C extends object>(): Stack<C> {
    return new Stack<C>([]);
  }

  use<Add extends object>(name: string, layer: Middleware<C, Add>): Stack<C & Add> {
    return new Stack<C & Add>([...this.layers, { name, run: layer as unknown as AnyLayer }]);
  }

  /** Names of the layers, outermost first (tests assert the order of DESIGN.md §6). */
  get names(): string[] {
    return this.layers.map((l) => l.name);
  }

  handle<R>(final: (ctx: C) => Promise<R>): (ctx: object) => Promise<unknown> {
    return compose(
      this.layers.map((l) => l.run),
      final as (ctx: object) => Promise<unknown>,
    );
  }
}
