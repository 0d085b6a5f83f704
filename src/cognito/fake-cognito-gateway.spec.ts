import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..');

/** Every file of src/ that ships: not a spec, not a fixture. */
const shipped = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return shipped(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|fixture)\.ts$/.test(entry.name) ? [path] : [];
  });

describe('the fake gateway and the other fixtures', () => {
  it('are imported by specs only: the build leaves them out, so production code must not need them', () => {
    const importers = shipped(SRC)
      .filter((path) => /from '[^']*\.fixture'/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC, path));
    expect(importers).toEqual([]);
  });
});
