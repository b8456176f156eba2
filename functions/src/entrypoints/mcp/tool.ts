import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { CostWarehouse } from "#domain/billing/ports.js";
import type { LlmLedger } from "#domain/llm-usage/ledger-port.js";
import type { DocumentStore } from "#kernel/ports.js";
import { IsoDate } from "#kernel/days.js";
import type { ToolScope } from "./gate.js";
import { DEFAULT_PAGE, MAX_PAGE } from "./result.js";

/** The stored data the tools read: the ledger, the tenant documents, the LLM usage ledger. Never a provider API. */
export interface McpDeps {
  warehouse: CostWarehouse;
  documents: DocumentStore;
  llmLedger: () => Promise<LlmLedger>;
}

/** One flat, typed tool: explicit dates and enums, no `operation` switch, no nested ranges. */
export interface ToolSpec<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  scope: ToolScope;
  input: S;
  run: (args: z.output<z.ZodObject<S>>, tenantId: string, deps: McpDeps) => Promise<CallToolResult>;
}

/** Keeps each spec's argument type while collecting them in one list. */
export const defineTool = <S extends z.ZodRawShape>(spec: ToolSpec<S>): ToolSpec => spec as unknown as ToolSpec;

/** Argument pieces every tool spells the same way. */
export const args = {
  start: IsoDate.describe("first day, YYYY-MM-DD (inclusive)"),
  end: IsoDate.describe("last day, YYYY-MM-DD (inclusive); at most 400 days after start"),
  view: z.enum(["summary", "rows"]).default("summary").describe("summary: totals only (smallest answer); rows: a paged table"),
  limit: z.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE).describe(`rows per page (1-${MAX_PAGE})`),
  cursor: z.string().min(1).max(2000).optional().describe("next_cursor of the previous page, with otherwise identical arguments"),
};
