import type { BruteForceGuard } from "#foundation/secops/brute-force.js";

/**
 * One successful sign-in as a caller sees it: the request's `check`, then whatever success report
 * the guard takes. Guards used to take `recordSuccess`, which wiped the source's failures; calling
 * it when a guard still has it lets one test prove that no success report, past or present, can
 * reset a guessing source's count.
 */
export async function succeed(guard: BruteForceGuard, source: string): Promise<void> {
  await guard.check(source);
  const report = (guard as BruteForceGuard & { recordSuccess?: (source: string) => Promise<void> }).recordSuccess;
  await report?.call(guard, source);
}

/**
 * The attacker of the probe: `rounds` rounds of `bad` wrong guesses then one valid credential,
 * each request refused while the source is blocked. Returns how many wrong guesses were let
 * through (reached authentication) before the first refusal, and whether the source ended blocked.
 */
export async function guessAroundSuccesses(
  guard: BruteForceGuard,
  source: string,
  { rounds, bad }: { rounds: number; bad: number },
): Promise<{ wrongGuessesLetThrough: number; blocked: boolean }> {
  let wrongGuessesLetThrough = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < bad; i++) {
      if ((await guard.check(source)).blocked) return { wrongGuessesLetThrough, blocked: true };
      wrongGuessesLetThrough += 1;
      await guard.recordFailure(source);
    }
    if ((await guard.check(source)).blocked) return { wrongGuessesLetThrough, blocked: true };
    await succeed(guard, source);
  }
  return { wrongGuessesLetThrough, blocked: (await guard.check(source)).blocked };
}
