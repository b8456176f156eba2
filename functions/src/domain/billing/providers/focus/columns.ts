import { cellText } from "../../normalize/null-token.js";
import { FocusImportError } from "./types.js";

/**
 * FOCUS columns the importer reads, each with the header spellings accepted (matched
 * case-insensitively, so the v1.2 examples' `SkuPriceid` style misspellings do not matter).
 * ServiceProviderName replaced ProviderName in FOCUS 1.2; `Provider` is the 1.0-preview name.
 */
export const FOCUS_COLUMNS = {
  BilledCost: ["BilledCost"],
  ChargePeriodStart: ["ChargePeriodStart"],
  ChargeCategory: ["ChargeCategory"],
  EffectiveCost: ["EffectiveCost"],
  ListCost: ["ListCost"],
  BillingCurrency: ["BillingCurrency"],
  ProviderName: ["ServiceProviderName", "ProviderName", "Provider"],
  BillingAccountId: ["BillingAccountId"],
  SubAccountId: ["SubAccountId"],
  ServiceName: ["ServiceName"],
  ServiceCategory: ["ServiceCategory"],
  RegionId: ["RegionId", "Region"],
  ResourceId: ["ResourceId"],
  PricingQuantity: ["PricingQuantity"],
  PricingUnit: ["PricingUnit"],
  Tags: ["Tags"],
  SkuId: ["SkuId"],
  ChargeDescription: ["ChargeDescription"],
} as const satisfies Record<string, readonly string[]>;

export type FocusColumn = keyof typeof FOCUS_COLUMNS;

/** Without these a row has no day, no category or no amount: the file cannot be imported. */
export const REQUIRED_FOCUS_COLUMNS: readonly FocusColumn[] = ["BilledCost", "ChargePeriodStart", "ChargeCategory"];

/** Maps logical column names onto positions in one file's header. Generic so that native formats reuse it. */
export class HeaderMap<C extends string> {
  private constructor(
    private readonly positions: ReadonlyMap<C, readonly number[]>,
    private readonly header: readonly string[],
    private readonly aliases: Readonly<Record<C, readonly string[]>>,
  ) {}

  static resolve<C extends string>(
    file: string,
    header: readonly string[],
    aliases: Readonly<Record<C, readonly string[]>>,
    required: readonly C[],
  ): HeaderMap<C> {
    const byName = new Map<string, number>();
    header.forEach((h, i) => {
      const key = h.trim().toLowerCase();
      if (!byName.has(key)) byName.set(key, i);
    });
    const positions = new Map<C, number[]>();
    for (const col of Object.keys(aliases) as C[]) {
      const found = aliases[col].map((a) => byName.get(a.toLowerCase())).filter((i) => i !== undefined);
      if (found.length > 0) positions.set(col, found);
    }
    const missing = required.filter((c) => !positions.has(c));
    if (missing.length > 0) {
      const names = missing.map((c) => aliases[c][0] ?? c).join(", ");
      throw new FocusImportError(`${file}: missing required column ${names} in the header`, file, names);
    }
    return new HeaderMap(positions, header, aliases);
  }

  has(col: C): boolean {
    return this.positions.has(col);
  }

  /** The header spelling of a column in this file (else its first alias), for error messages. */
  name(col: C): string {
    const fallback = this.aliases[col][0] ?? col;
    const i = this.positions.get(col)?.[0];
    return i === undefined ? fallback : (this.header[i]?.trim() ?? fallback);
  }

  /** The header as written in the file, trimmed. */
  get names(): readonly string[] {
    return this.header.map((h) => h.trim());
  }

  /** Trimmed text of the first non-null cell among the column's aliases in the file (NULL/null/"" are null). */
  text(col: C, cells: readonly (string | null)[]): string | null {
    for (const i of this.positions.get(col) ?? []) {
      const v = cellText(cells[i]);
      if (v !== null) return v;
    }
    return null;
  }

  get width(): number {
    return this.header.length;
  }
}
