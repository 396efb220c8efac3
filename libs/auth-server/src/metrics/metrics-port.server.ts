import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import { SmartAuthMetrics } from './auth-metrics.service.js';

/**
 * The metrics listener of its own (`metrics.port`): `GET /metrics` (also `HEAD`) answers the
 * exposition without authentication, anything else 404 or 405. Listens when the application
 * starts (a port in use fails the start), closes with the application.
 */
@Injectable()
export class MetricsPortServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SmartAuthMetrics');
  private server: Server | undefined;

  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    private readonly metrics: SmartAuthMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port, host } = this.options.metrics;
    if (!enabled || port === undefined) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/metrics') return void res.writeHead(404).end();
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      this.metrics.exposition().then(
        (answer) => {
          if (!answer) return void res.writeHead(404).end();
          res.writeHead(200, { 'Content-Type': answer.contentType, 'Cache-Control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : answer.text);
        },
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`metrics on http://${host}:${port}/metrics`);
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
