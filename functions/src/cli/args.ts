import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import { z } from "zod";
import { isCalendarDay } from "#kernel/days.js";

/**
 * Argument parsers shared by the commands. Each throws commander's InvalidArgumentError, so a bad
 * value ends the command with exit code 2 and a message naming the option, before any work starts.
 */

export const TenantIdArg = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "tenant ids are 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit");

export const tenantId = (v: string): string => {
  const r = TenantIdArg.safeParse(v);
  if (!r.success) throw new InvalidArgumentError(r.error.issues[0]?.message ?? "invalid tenant id");
  return r.data;
};

export const isoDate = (v: string): string => {
  if (!isCalendarDay(v)) throw new InvalidArgumentError("expected a calendar date as YYYY-MM-DD");
  return v;
};

export const currencyCode = (v: string): string => {
  if (!/^[A-Z]{3}$/.test(v)) throw new InvalidArgumentError("expected an ISO 4217 code such as USD or EUR");
  return v;
};

export const accountId = (v: string): string => {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(v) || /^\.+$/.test(v)) throw new InvalidArgumentError("account ids are 1 to 128 letters, digits, '_', '-' and '.'");
  return v;
};

export const nonNegative = (v: string): number => {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1e9) throw new InvalidArgumentError("expected a number from 0");
  return n;
};

/** A non-negative decimal amount, kept as the text given (money is never a float): "50", "1234.56". */
export const decimalAmount = (v: string): string => {
  if (!/^\d{1,15}(\.\d{1,12})?$/.test(v.trim())) throw new InvalidArgumentError("expected a decimal amount from 0, such as 50 or 1234.56");
  return v.trim();
};

/** For options given several times: each value appended. */
export const collect = (v: string, previous: string[] = []): string[] => [...previous, v];

export const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 3660) throw new InvalidArgumentError("expected a whole number of days, 1 to 3660");
  return n;
};

/** A path the command reads: a missing one is a bad argument, found before any work starts. */
export const existingPath = (v: string): string => {
  if (!existsSync(resolve(v))) throw new InvalidArgumentError(`no such file or folder: ${resolve(v)}`);
  return v;
};

/** Exit codes every command documents in its --help. */
export const EXIT_CODES_HELP = "\nExit codes:\n  0  success\n  1  the work failed (a file, a page or the ledger could not be read or written), or import rejected rows\n  2  bad arguments\n";

/** A TCP port; 0 asks the OS for a free one. */
export const tcpPort = (v: string): number => {
  const r = z.coerce.number().int().min(0).max(65_535).safeParse(v.trim() === "" ? Number.NaN : v);
  if (!r.success) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return r.data;
};
