import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { configSlices, validateConfiguration } from './configuration';

/** The environment, validated once at boot, exposed only as typed slices (see configuration.ts). */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      ignoreEnvFile: true,
      cache: true,
      validate: validateConfiguration,
      load: configSlices,
    }),
  ],
  exports: [ConfigModule],
})
export class AppConfigModule {}
