import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MotoUnavailableError, startMoto } from '../tools/moto';

describe('moto set-up, shared by npm test and npm start', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'moto-setup-'));
    // A Python without moto: a virtual environment that does not see the system's packages.
    execFileSync('python3', ['-m', 'venv', '--without-pip', join(dir, 'bare')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets up a virtual environment when the Python has no moto, and says what to install when that fails', async () => {
    const progress: string[] = [];
    const venvDir = join(dir, 'venv');

    const attempt = startMoto({
      python: join(dir, 'bare', 'bin', 'python'),
      venvDir,
      progress: (line) => progress.push(line),
      // No package index and no pip configuration: the install fails at once, with or without a network.
      env: { PIP_NO_INDEX: '1', PIP_CONFIG_FILE: devNull },
    });

    await expect(attempt).rejects.toThrow(MotoUnavailableError);
    await expect(attempt).rejects.toThrow('pip install "moto[server]"');
    expect(progress).toEqual([expect.stringMatching(/has no moto: installing moto\[server\] into .*venv/)]);
    expect(existsSync(join(venvDir, 'bin', 'python'))).toBe(true);
    expect(existsSync(join(venvDir, '.setup.lock'))).toBe(false);
  }, 60_000);
});
