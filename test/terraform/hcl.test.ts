// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL templates, whose interpolations are written ${...}
import { describe, expect, it } from "vitest";
import { evaluate, Unknown, type Value } from "../../scripts/terraform/hcl-eval.js";
import { HclSyntaxError, parseExpression, parseTemplate, traversals } from "../../scripts/terraform/hcl-expr.js";
import { satisfies } from "../../scripts/terraform/tf-static.js";

/** An evaluation scope with a few variables and one unknown resource attribute. */
const scope = {
  moduleDir: ".",
  root: (name: string): Value => {
    if (name === "var") return { get: (n: string) => ({ region: "europe-west1", names: ["a", "b"], fns: { getX: { trigger: "callable" }, onY: { trigger: "pubsub" } } })[n] };
    if (name === "google_service_account") return { get: () => ({ get: (attr: string) => new Unknown([`google_service_account.fn.${attr}`]) }) };
    throw new Error(`unexpected root ${name}`);
  },
};

const ev = (text: string) => evaluate(parseTemplate(text), scope);

describe("HCL templates from hcl2json", () => {
  it.each([
    ["plain text", "roles/run.invoker", "roles/run.invoker"],
    ["one interpolation keeps its type", "${1 + 2}", 3],
    ["text around an interpolation", "projects/${var.region}/x", "projects/europe-west1/x"],
    ["an escaped interpolation", "$${literal}", "${literal}"],
    ["a conditional", '${var.region == "europe-west1" ? "eu" : "other"}', "eu"],
    ["a filtering for expression", '${[for k, f in var.fns : k if f.trigger == "pubsub"]}', ["onY"]],
    ["an object for expression", "${{ for n in var.names : n => upper(n) }}", { a: "A", b: "B" }],
    ["regex replace with a group", '${lower(replace("getCostSummary", "/([A-Z])/", "-$1"))}', "get-cost-summary"],
    ["merge of expanded maps", "${merge([{ a = 1 }, { b = 2 }]...)}", { a: 1, b: 2 }],
    ["nested template in a string", '${"x-${var.region}"}', "x-europe-west1"],
  ])("%s", (_name, text, want) => {
    expect(ev(text)).toEqual(want);
  });

  it("keeps what is known only after apply as Unknown, with where it came from and the template text", () => {
    const v = ev("serviceAccount:${google_service_account.fn.email}");
    expect(v).toBeInstanceOf(Unknown);
    expect((v as Unknown).refs).toEqual(["google_service_account.fn.email"]);
    expect((v as Unknown).template).toBe("serviceAccount:${?}");
  });

  it("refuses template directives and broken expressions", () => {
    expect(() => parseTemplate("%{ if true }x%{ endif }")).toThrow(HclSyntaxError);
    expect(() => parseExpression("var.x +")).toThrow(HclSyntaxError);
  });
});

describe("references", () => {
  it("finds traversals, but not for-expression variables, object keys or string contents", () => {
    const e = parseTemplate('${{ for k, v in var.m : k => "roles/run.invoker" if v.x == local.y } == google_x.y["k"].email}');
    const found = traversals(e).map((t) => `${t.root}.${t.steps.map((s) => ("attr" in s ? s.attr : "[]")).join(".")}`);
    expect(found.sort()).toEqual(["google_x.y.[].email", "local.y", "var.m"]);
  });
});

describe("provider version constraints", () => {
  it.each([
    ["~> 6.50", "6.50.0", true],
    ["~> 6.50", "6.99.1", true],
    ["~> 6.50", "7.0.0", false],
    ["~> 6.50.0", "6.51.0", false],
    [">= 6.0, < 7.0", "6.50.0", true],
    ["~> 5.40", "6.50.0", false],
  ])("%s with %s is %s", (c, v, want) => {
    expect(satisfies(c, v)).toBe(want);
  });
});
