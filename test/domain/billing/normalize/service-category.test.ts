import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  canonicalServiceCategory,
  deriveServiceCategory,
  FOCUS_SERVICE_CATEGORIES,
} from "#domain/billing/normalize/service-category.js";
import {
  AWS_CATEGORY_BY_PRODUCT_CODE,
  AWS_PRODUCT_CODE_BY_NAME,
  AZURE_CATEGORY_BY_CONSUMED_SERVICE,
  AZURE_CATEGORY_BY_SERVICE_NAME,
  GCP_CATEGORY_BY_SERVICE,
} from "#domain/billing/normalize/service-category-tables.js";
import { sharedData } from "../../../support/shared-data.js";

function csvMap(path: string, keyCol: string, valueCol: string): Map<string, Set<string>> {
  const rows = parse(readFileSync(path), { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = r[keyCol] ?? "";
    out.set(k, (out.get(k) ?? new Set()).add(r[valueCol] ?? ""));
  }
  return out;
}

const mapping = (file: string) => sharedData("focus-converters", "category_mappings", file);

describe("service category tables agree with the real map files", () => {
  it.each([
    ["AWS product codes", AWS_CATEGORY_BY_PRODUCT_CODE, () => csvMap(mapping("aws_category_mapping.csv"), "product_code", "ServiceCategory")],
    ["Azure consumed services", AZURE_CATEGORY_BY_CONSUMED_SERVICE, () => csvMap(mapping("azure_category_mapping.csv"), "ConsumedService", "ServiceCategory")],
    ["GCP services", GCP_CATEGORY_BY_SERVICE, () => csvMap(mapping("gcp_category_mapping.csv"), "ConsumedService", "ServiceCategory")],
    [
      "Azure service names (finops-toolkit Services.csv)",
      AZURE_CATEGORY_BY_SERVICE_NAME,
      () => csvMap(sharedData("microsoft-finops-toolkit", "open-data", "Services.csv"), "ServiceName", "ServiceCategory"),
    ],
  ])("%s: every entry is in the source with the same category", (_name, table, load) => {
    const source = load();
    const entries = Object.entries(table);
    expect(entries.length).toBeGreaterThan(20);
    for (const [key, category] of entries) {
      expect({ key, categories: [...(source.get(key) ?? [])] }).toEqual({ key, categories: [category] });
      expect(FOCUS_SERVICE_CATEGORIES).toContain(category);
    }
  });

  it("AWS name -> product code pairs agree with the AWS CUR sample wherever the sample has the name", () => {
    const cur = csvMap(
      sharedData("focus-converters", "provider_native_samples", "aws-cur-sample-anonymous.csv"),
      "product/ProductName",
      "lineItem/ProductCode",
    );
    const checked = Object.entries(AWS_PRODUCT_CODE_BY_NAME).filter(([name]) => cur.has(name));
    expect(checked.length).toBe(12);
    for (const [name, code] of checked) expect([...(cur.get(name) ?? [])]).toEqual([code]);
    for (const code of Object.values(AWS_PRODUCT_CODE_BY_NAME)) expect(AWS_CATEGORY_BY_PRODUCT_CODE[code]).toBeDefined();
  });
});

describe("deriveServiceCategory", () => {
  it.each([
    ["aws", "Amazon Simple Storage Service", "Storage"],
    ["aws", "AmazonEC2", "Compute"],
    ["aws", "amazon elastic compute cloud", "Compute"],
    ["azure", "Virtual Machines", "Compute"],
    ["azure", "microsoft.storage", "Storage"],
    ["gcp", "Compute Engine", "Compute"],
    ["other", "Cloud SQL", "Databases"],
    ["oci", "COMPUTE", "Other"],
    ["aws", "", "Other"],
    ["gcp", "Virtual Machines", "Other"],
  ] as const)("%s %j -> %s", (provider, name, category) => {
    expect(deriveServiceCategory(provider, name)).toBe(category);
  });

  it("spells FOCUS categories canonically and keeps unknown ones", () => {
    expect(canonicalServiceCategory("ai and machine learning ")).toBe("AI and Machine Learning");
    expect(canonicalServiceCategory("Quantum")).toBe("Quantum");
  });
});
