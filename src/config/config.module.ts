import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { configSlices } from './configuration';
import { validateEnvironment } from './env.validation';

/** The environment, validated once at boot, exposed only as typed slices (see configuration.ts). */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: true,
      cache: true,
      validate: validateEnvironment,
      load: configSlices,
    }),
  ],
  exports: [ConfigModule],
})
export class AppConfigModule {}
