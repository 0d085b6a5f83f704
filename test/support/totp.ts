import { TOTP } from 'otpauth';

/**
 * The code an authenticator app holding `secret` shows now. Near the end of its 30 seconds it waits
 * for the next one, so the code is still current when the emulator checks it (moto accepts only the
 * current 30-second step).
 */
export async function currentCode(secret: string): Promise<string> {
  const totp = new TOTP({ secret });
  const periodMs = totp.period * 1000;
  const left = periodMs - (Date.now() % periodMs);
  if (left < 2_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return totp.generate();
}

/** A code that is certainly not the current one (the next number, six digits). */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
