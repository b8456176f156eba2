import { describe, expect, it } from "vitest";
import { compose, type Middleware, Stack } from "#foundation/pipeline/middleware.js";

describe("Middleware onion", () => {
  it("runs layers outside-in, then unwinds inside-out, growing the context", async () => {
    // Prepare
    const trail: string[] = [];
    const a: Middleware<{ start: number }, { a: number }> = async (ctx, next) => {
      trail.push("a in");
      const r = await next({ a: ctx.start + 1 });
      trail.push("a out");
      return r;
    };
    const b: Middleware<{ start: number; a: number }, { b: number }> = async (ctx, next) => {
      trail.push("b in");
      const r = await next({ b: ctx.a * 10 });
      trail.push("b out");
      return r;
    };
    // Act
    const run = Stack.start<{ start: number }>().use("a", a).use("b", b).handle(async (ctx) => {
      trail.push("handler");
      return ctx.start + ctx.a + ctx.b;
    });
    // Assess
    expect(await run({ start: 1 })).toBe(1 + 2 + 20);
    expect(trail).toEqual(["a in", "b in", "handler", "b out", "a out"]);
  });

  it("lets an outer layer see and replace an inner error", async () => {
    const run = compose(
      [async (_ctx, next) => next({}).catch((e: Error) => `caught ${e.message}`)],
      async () => {
        throw new Error("boom");
      },
    );
    expect(await run({})).toBe("caught boom");
  });

  it("never mutates the context an outer layer holds", async () => {
    const seen: object[] = [];
    const run = compose(
      [
        async (ctx, next) => {
          seen.push(ctx);
          return next({ x: 1 });
        },
      ],
      async (ctx) => ctx,
    );
    const inner = await run({ y: 2 });
    expect(inner).toEqual({ y: 2, x: 1 });
    expect(seen[0]).toEqual({ y: 2 });
  });

  it("names the layers in order", () => {
    const pass: Middleware<object> = async (_c, next) => next({});
    expect(Stack.start().use("one", pass).use("two", pass).names).toEqual(["one", "two"]);
  });
});
