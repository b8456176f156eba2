import type { Provider } from "../cost-record.js";
import {
  AWS_CATEGORY_BY_PRODUCT_CODE,
  AWS_PRODUCT_CODE_BY_NAME,
  AZURE_CATEGORY_BY_CONSUMED_SERVICE,
  AZURE_CATEGORY_BY_SERVICE_NAME,
  GCP_CATEGORY_BY_SERVICE,
} from "./service-category-tables.js";

/** FOCUS 1.2 ServiceCategory allowed values (FOCUS spec, column ServiceCategory). */
export const FOCUS_SERVICE_CATEGORIES = [
  "AI and Machine Learning",
  "Analytics",
  "Business Applications",
  "Compute",
  "Databases",
  "Developer Tools",
  "Multicloud",
  "Identity",
  "Integration",
  "Internet of Things",
  "Management and Governance",
  "Media",
  "Migration",
  "Mobile",
  "Networking",
  "Security",
  "Storage",
  "Web",
  "Other",
] as const;

const CANONICAL = new Map(FOCUS_SERVICE_CATEGORIES.map((c) => [c.toLowerCase(), c as string]));

/** A FOCUS category spelled with the spec's casing, or the trimmed input when it is not a FOCUS value. */
export function canonicalServiceCategory(value: string): string {
  const t = value.trim();
  return CANONICAL.get(t.toLowerCase()) ?? t;
}

function lowerKeys(table: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
}

const AWS_BY_CODE = lowerKeys(AWS_CATEGORY_BY_PRODUCT_CODE);
const AWS_CODE_BY_NAME = lowerKeys(AWS_PRODUCT_CODE_BY_NAME);
const AZURE_BY_NAME = lowerKeys(AZURE_CATEGORY_BY_SERVICE_NAME);
const AZURE_BY_RP = lowerKeys(AZURE_CATEGORY_BY_CONSUMED_SERVICE);
const GCP_BY_SERVICE = lowerKeys(GCP_CATEGORY_BY_SERVICE);

function awsLookup(key: string): string | undefined {
  const code = AWS_CODE_BY_NAME.get(key)?.toLowerCase() ?? key;
  return AWS_BY_CODE.get(code);
}

const LOOKUPS: Record<Provider, ((key: string) => string | undefined)[]> = {
  aws: [awsLookup],
  azure: [(k) => AZURE_BY_NAME.get(k), (k) => AZURE_BY_RP.get(k)],
  gcp: [(k) => GCP_BY_SERVICE.get(k)],
  oci: [],
  other: [],
};
const ALL = [awsLookup, (k: string) => AZURE_BY_NAME.get(k), (k: string) => AZURE_BY_RP.get(k), (k: string) => GCP_BY_SERVICE.get(k)];

/**
 * Derives a FOCUS ServiceCategory from a service name (or AWS product code, or Azure resource
 * provider) when a file leaves ServiceCategory null. Unknown services fall into FOCUS's "Other".
 */
export function deriveServiceCategory(provider: Provider, serviceName: string): string {
  const key = serviceName.trim().toLowerCase();
  if (key === "") return "Other";
  const lookups = LOOKUPS[provider].length > 0 ? LOOKUPS[provider] : ALL;
  for (const lookup of lookups) {
    const hit = lookup(key);
    if (hit) return hit;
  }
  return "Other";
}
