import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { mountSmartAuthServer } from '@smart-openehr/auth-server';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/env.config.js';
import {
  assignRequestId,
  logsSuccessfulRequests,
  pinoHttpOptions,
} from './logging/pino-http.options.js';

/** Creates the reference platform (not yet listening); used by `main.ts` and the e2e tests. */
export async function createApp(
  config: AppConfig,
  overrides: { synchronize?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(config, overrides),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.use(pinoHttp(pinoHttpOptions(config.logLevel)));
  app.disable('x-powered-by');
  // The discovery documents and the JWKS skip the request logger where it would write nothing
  // for them (above info); they keep the request id it gives every answer.
  const documentsAhead = !logsSuccessfulRequests(config.logLevel);
  mountSmartAuthServer(app, {
    documentsAhead,
    beforeDocumentAnswer: documentsAhead ? assignRequestId : undefined,
  });
  app.enableShutdownHooks();
  return app;
}
