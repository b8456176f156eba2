import { AppError } from "#kernel/errors.js";

/**
 * Config problems: thrown at load so an instance fails fast with a message naming key and source.
 * Never shown to a caller (the operator reads it in the logs) and never retried.
 */
export class ConfigError extends AppError {
  override readonly name = "ConfigError";
  readonly problems: string[];

  constructor(problems: string[], options?: { cause?: unknown }) {
    super("failed-precondition", `invalid configuration:\n  - ${problems.join("\n  - ")}`, {
      expose: false,
      retryable: false,
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.problems = problems;
  }
}
