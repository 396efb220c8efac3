import { mkdirSync } from 'node:fs';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { SmartAuthServerModule, smartAuthDataSourceOptions } from '#auth-server';
import { AdminClientBootstrap } from './bootstrap/admin-client.bootstrap.js';
import { APP_CONFIG } from './config/app-config.constants.js';
import type { AppConfig } from './config/env.config.js';
import { HealthController } from './health/health.controller.js';
import { pinoHttpOptions } from './logging/pino-http.options.js';

/** The reference platform: the SMART auth server over embedded SQLite or PostgreSQL. */
@Module({})
export class AppModule {
  static register(config: AppConfig, overrides: { synchronize?: boolean } = {}): DynamicModule {
    if (!config.databaseUrl && config.dataDir !== ':memory:') {
      mkdirSync(config.dataDir, { recursive: true });
    }
    const services: Record<string, { baseUrl: string; description: string }> = {
      'org.openehr.rest': { baseUrl: config.openehrBaseUrl, description: 'openEHR REST API' },
    };
    if (config.fhirBaseUrl) {
      services['org.fhir.rest'] = { baseUrl: config.fhirBaseUrl, description: 'FHIR REST API' };
    }
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config.logLevel), useExisting: true }),
        TypeOrmModule.forRoot(
          smartAuthDataSourceOptions({
            databaseUrl: config.databaseUrl,
            dataDir: config.dataDir,
            synchronize: overrides.synchronize,
          }),
        ),
        SmartAuthServerModule.forRoot({
          issuer: config.publicUrl,
          services,
          trustProxy: config.trustProxy,
          keyEncryptionSecret: config.keyEncryptionSecret,
          pkce: config.pkce,
          requireAud: config.requireAud,
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_CONFIG, useValue: config }, AdminClientBootstrap],
    };
  }
}
