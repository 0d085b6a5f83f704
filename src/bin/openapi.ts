import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app.module';
import { APP_OPTIONS, buildOpenApiDocument, createAdapter } from '../app.setup';

/** Objects with their keys sorted at every level, so the committed file diffs cleanly. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** Writes openapi.json at the repository's top from the app's module graph, without listening. */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(), {
    ...APP_OPTIONS,
    logger: ['error'],
  });
  const document = buildOpenApiDocument(app);
  // The document's version is the package's: one place to bump it.
  const root = resolve(__dirname, '..', '..');
  const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
  document.info.version = version;
  const target = resolve(root, 'openapi.json');
  writeFileSync(target, `${JSON.stringify(sortKeys(document), null, 2)}\n`);
  await app.close();
  console.log(`Wrote ${target}`);
}

void main();
