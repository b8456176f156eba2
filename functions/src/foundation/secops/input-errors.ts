/** A readable validation problem: `path` is dotted ("budgets.0.amount"), "" for the root. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * Raised for input that fails validation or the injection checks. The pipeline (H7) maps it
 * to the callable code `invalid-argument` with `issues` as the error details.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly code = "invalid-argument" as const;
  readonly expose = true;
  readonly retryable = false;
  readonly issues: InputIssue[];

  constructor(message: string, issues: InputIssue[], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
  }
}
