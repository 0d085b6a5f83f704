// Must stay the first import: it speeds up loading every module after it.
import './compile-cache';
// Next: a bad environment stops here with the configuration message, before any module can throw.
import './config/boot-check';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createAdapter, shutDownGracefully } from './app.setup';
import { appConfig, httpLimitsFromEnvironment, trustProxyFromEnvironment } from './config/configuration';

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 25_000;

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    createAdapter(trustProxyFromEnvironment(), httpLimitsFromEnvironment()),
    APP_OPTIONS,
  );
  configureApp(app);
  const { port, host } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen(port, host);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
      void shutDownGracefully(app).then(() => process.exit(0));
    });
  }
}

void bootstrap();
