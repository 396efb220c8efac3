import { mkdirSync } from 'node:fs';
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import {
  SmartAuthServerModule,
  smartAuthDataSourceOptions,
  type SmartAuthServerOptions,
} from '@smart-openehr/auth-server';
import { AccountsModule } from './accounts/accounts.module.js';
import { OpenEhrGatewayModule } from './openehr-gateway/index.js';
import { adminClientDeclaration } from './bootstrap/admin-client.declaration.js';
import { APP_CONFIG } from './config/app-config.constants.js';
import type { AppConfig } from './config/env.config.js';
import { HealthController } from './health/health.controller.js';
import { pinoHttpOptions } from './logging/pino-http.options.js';
import { AuthServerRevocationChecker } from './revocation/auth-server-revocation.checker.js';

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
            tablePrefix: config.tablePrefix,
            synchronize: overrides.synchronize,
          }),
        ),
        SmartAuthServerModule.forRootAsync({
          // Global: the gateway's revocation check reads the auth server's revocation list.
          isGlobal: true,
          imports: [AccountsModule.register(config.usersFile)],
          useFactory: () => authServerOptions(config, services),
        }),
        OpenEhrGatewayModule.forRoot({
          basePath: new URL(config.openehrBaseUrl).pathname,
          publicBaseUrl: config.openehrBaseUrl,
          upstreamUrl: config.openehrUpstreamUrl,
          upstreamAuthorization: config.openehrUpstreamAuthorization,
          resourceServer: { issuer: config.publicUrl, audience: config.publicUrl },
          revocationChecker: AuthServerRevocationChecker,
        }),
        TerminusModule.forRoot(),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_CONFIG, useValue: config }],
    };
  }
}

/** The auth server's options from the environment. */
function authServerOptions(
  config: AppConfig,
  services: Record<string, { baseUrl: string; description: string }>,
): SmartAuthServerOptions {
  return {
    issuer: config.publicUrl,
    services,
    clients: adminClientDeclaration(config),
    trustProxy: config.trustProxy,
    allowedHosts: config.allowedHosts,
    // Load balancers probe by IP: health answers whatever the host.
    anyHostPaths: ['/health'],
    keyEncryptionSecret: config.keyEncryptionSecret,
    pkce: config.pkce,
    requireAud: config.requireAud,
    fetchAllowPrivateHosts: config.fetchAllowPrivateHosts,
    secretRotationOverlapSeconds: config.secretRotationOverlapSeconds,
    secretRotationMaxOverlapSeconds: config.secretRotationMaxOverlapSeconds,
    registration: {
      enabled: config.registrationEnabled,
      initialAccessToken: config.registrationInitialAccessToken,
    },
    launch: {
      ttlSeconds: config.launchTtlSeconds,
      base64Json: config.launchBase64Json,
      episodeContext: config.episodeContext,
      styleUrl: config.styleUrl,
    },
    launcherOrigins: config.launcherOrigins,
    idTokenOnRefresh: config.idTokenOnRefresh,
    branding: config.branding,
    externalLogin: config.idp,
    metrics: config.metrics,
    console: config.console,
    ...config.security,
  };
}
