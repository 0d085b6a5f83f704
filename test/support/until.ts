/**
 * Waits until `done()` holds, checking every 20 ms; throws naming `what` after `timeoutMs`. The
 * deadline is only how long to wait before calling it a failure: generous, since a busy machine runs
 * everything late.
 */
export async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
