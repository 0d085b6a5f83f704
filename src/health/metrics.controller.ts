import { Controller, Get, Header, Inject, NotFoundException, Optional, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator';
import { operationsConfig } from '../config/configuration';
import { Metrics } from '../metrics/metrics';

/**
 * GET /metrics in Prometheus's text format. Answers exactly as an unknown route does unless metrics
 * are on and served on the API's port (with METRICS_PORT they are served only there). Public, like
 * /health: restrict it at the load balancer, or use METRICS_PORT on a port only the scraper reaches.
 */
@ApiExcludeController()
@Access({ who: 'anyone' })
@Controller('metrics')
export class MetricsController {
  private readonly served: boolean;

  constructor(
    @Optional() @Inject(Metrics) private readonly metrics: Metrics | null,
    @Inject(operationsConfig.KEY) config: ConfigType<typeof operationsConfig>,
  ) {
    this.served = metrics !== null && config.metricsPort === undefined;
  }

  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.served || !this.metrics) throw new NotFoundException('Cannot GET /metrics');
    const { contentType, body } = await this.metrics.scrape();
    void reply.type(contentType);
    return body;
  }
}
