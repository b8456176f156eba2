import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSchema, type ProviderSchema } from "../../scripts/terraform/generate-provider-schema.js";
import { repoRoot } from "../support/shared-data.js";

const committed = JSON.parse(readFileSync(join(repoRoot, "scripts", "terraform", "google-provider-schema.json"), "utf8")) as ProviderSchema;

/** A jsii manifest with one resource, in the shape @cdktf/provider-google's .jsii has. */
function manifest() {
  const link = (anchor: string) => `Docs at Terraform Registry: {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/thing#${anchor} Thing#${anchor}}`;
  return {
    types: {
      "p.provider.GoogleProvider": { kind: "class", base: "cdktf.TerraformProvider", initializer: { parameters: [{ name: "config", type: { fqn: "p.provider.GoogleProviderConfig" } }] } },
      "p.provider.GoogleProviderConfig": { kind: "interface", datatype: true, properties: [{ name: "project", optional: true, type: { primitive: "string" } }] },
      "p.thing.Thing": {
        kind: "class",
        base: "cdktf.TerraformResource",
        docs: { summary: "Represents a {@link https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/thing google_thing}." },
        initializer: { parameters: [{ name: "scope", type: { fqn: "constructs.Construct" } }, { name: "config", type: { fqn: "p.thing.ThingConfig" } }] },
        properties: [
          { name: "uri", type: { primitive: "string" } },
          { name: "nameInput", type: { primitive: "string" } },
          { name: "tfResourceType", static: true, type: { primitive: "string" } },
        ],
      },
      "p.thing.ThingConfig": {
        kind: "interface",
        datatype: true,
        properties: [
          { name: "name", type: { primitive: "string" }, docs: { remarks: link("name") } },
          { name: "detectMd5Hash", optional: true, type: { primitive: "string" }, docs: { remarks: link("detect_md5hash") } },
          { name: "template", type: { fqn: "p.thing.ThingTemplate" }, docs: { summary: "template block.", remarks: link("template") } },
          { name: "env", optional: true, type: { union: { types: [{ fqn: "cdktf.IResolvable" }, { collection: { kind: "array", elementtype: { fqn: "p.thing.ThingEnv" } } }] } }, docs: { summary: "env block." } },
        ],
      },
      "p.thing.ThingTemplate": { kind: "interface", datatype: true, properties: [{ name: "image", type: { primitive: "string" } }] },
      "p.thing.ThingEnv": { kind: "interface", datatype: true, properties: [{ name: "name", type: { primitive: "string" } }] },
    },
  };
}

describe("the provider schema generator", () => {
  it("reads types, arguments, nested blocks and exported attributes from a jsii manifest", () => {
    // Act
    const schema = buildSchema(manifest() as unknown as Parameters<typeof buildSchema>[0]);
    // Assess
    const thing = schema.resources.google_thing;
    expect(thing?.a).toEqual({ name: 1, detect_md5hash: 0 });
    expect(thing?.b.template).toMatchObject({ r: 1, l: 0, a: { image: 1 } });
    expect(thing?.b.env).toMatchObject({ r: 0, l: 1, a: { name: 1 } });
    expect(thing?.c).toEqual(["uri"]);
    expect(schema.provider_config.a).toEqual({ project: 0 });
  });
});

describe("the committed schema (hashicorp/google 6.50.0)", () => {
  it("names its provider and version", () => {
    expect(committed.provider).toMatchObject({ source: "hashicorp/google", version: "6.50.0" });
    expect(Object.keys(committed.resources).length).toBeGreaterThan(1000);
  });

  it.each([
    ["google_cloud_run_v2_service", "template", "block", 1],
    ["google_cloud_run_v2_service", "location", "attr", 1],
    ["google_pubsub_subscription", "dead_letter_policy", "block", 0],
    ["google_billing_budget", "amount", "block", 1],
    ["google_storage_bucket_object", "source_md5hash", "attr", 0],
  ])("%s has %s (%s, required %s)", (type, name, kind, required) => {
    const r = committed.resources[type];
    expect(r).toBeDefined();
    if (kind === "block") expect(r?.b[name]?.r).toBe(required);
    else expect(r?.a[name]).toBe(required);
  });

  it("knows the attributes a resource only exports", () => {
    expect(committed.resources.google_cloud_run_v2_service?.c).toContain("uri");
    expect(committed.resources.google_service_account?.c).toContain("email");
  });
});
