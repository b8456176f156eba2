import { DuckDbLlmLedger } from "#adapters/local/duckdb-llm-ledger.js";
import { describeLlmLedgerConformance } from "../../conformance/llm-ledger.suite.js";

/** The local runtimes' LLM ledger on an in-memory DuckDB database, against the shared LlmLedger suite. */
describeLlmLedgerConformance("DuckDbLlmLedger (in memory)", () => DuckDbLlmLedger.open({ file: ":memory:" }));
