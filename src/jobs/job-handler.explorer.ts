import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { JobContext, JobDefinition } from './job';
import { JOB_HANDLER } from './job-handler.decorator';
import { JobHandlers } from './job-queue';

type Methods = Record<string, (payload: object, context: JobContext) => Promise<void>>;

/** Registers every `@JobHandler(...)` method of the application's providers, once, at boot. */
@Injectable()
export class JobHandlerExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly handlers: JobHandlers,
  ) {}

  onModuleInit(): void {
    for (const { instance } of this.discovery.getProviders()) {
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as Methods;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const job = this.reflector.get<JobDefinition<object> | undefined>(JOB_HANDLER, prototype[method]);
        if (!job) continue;
        this.handlers.register(job, (payload, context) => (instance as Methods)[method](payload, context));
      }
    }
  }
}
