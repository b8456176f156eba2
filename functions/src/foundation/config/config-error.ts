/** Config problems: thrown at load so an instance fails fast with a message naming key and source. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: string[];

  constructor(problems: string[], options?: { cause?: unknown }) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`, options);
    this.problems = problems;
  }
}
