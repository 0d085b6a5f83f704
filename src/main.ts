import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createAdapter } from './app.setup';
import { appConfig } from './config/configuration';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(), {
    ...APP_OPTIONS,
    bufferLogs: true,
  });
  configureApp(app);
  const { port, host } = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen(port, host);
}

void bootstrap();
