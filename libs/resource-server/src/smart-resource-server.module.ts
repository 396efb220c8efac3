import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import { BearerTokenErrorFilter } from './errors/bearer-token-error.filter.js';
import { SmartJwtAuthGuard } from './guards/smart-jwt-auth.guard.js';
import { SmartScopesGuard } from './guards/smart-scopes.guard.js';
import { SMART_RESOURCE_SERVER_OPTIONS } from './smart-resource-server.constants.js';
import {
  SMART_RESOURCE_SERVER_ASYNC_OPTIONS_TYPE,
  SMART_RESOURCE_SERVER_OPTIONS_TYPE,
  SMART_RESOURCE_SERVER_RAW_OPTIONS,
  SmartResourceServerModuleBase,
} from './smart-resource-server.module-definition.js';
import {
  resolveResourceServerOptions,
  type SmartResourceServerOptions,
} from './smart-resource-server.options.js';
import { JwksCacheService } from './token/jwks-cache.service.js';
import { AccessTokenKeyResolver } from './token/access-token-key.resolver.js';
import { VerifiedTokenCache } from './token/verified-token.cache.js';
import { SmartJwtStrategy } from './token/smart-jwt.strategy.js';
import { TokenIntrospectionService } from './token/token-introspection.service.js';
import { RevocationFeedService } from './token/revocation-feed.service.js';

const resolvedOptionsProvider: FactoryProvider = {
  provide: SMART_RESOURCE_SERVER_OPTIONS,
  inject: [SMART_RESOURCE_SERVER_RAW_OPTIONS],
  useFactory: (raw: SmartResourceServerOptions) => resolveResourceServerOptions(raw),
};

const services = [
  JwksCacheService,
  AccessTokenKeyResolver,
  VerifiedTokenCache,
  TokenIntrospectionService,
  RevocationFeedService,
  SmartJwtStrategy,
  SmartJwtAuthGuard,
  SmartScopesGuard,
  BearerTokenErrorFilter,
];

/**
 * Protects an openEHR REST API with SMART on openEHR access tokens.
 *
 * `SmartResourceServerModule.forRoot({ issuer, audience })` (or `forRootAsync({ imports, inject,
 * useFactory })`; `isGlobal: true` makes it global). Import it into the module whose controllers
 * use `@OpenEhrApi()` / `@RequireOpenEhr()`. That module may also provide a
 * `CompositionTemplateResolver` so that reads and deletes by composition uid can be checked
 * against template-specific scopes.
 *
 * @see https://specifications.openehr.org/releases/ITS-REST/development/smart_app_launch.html
 */
@Module({
  providers: [resolvedOptionsProvider, ...services],
  exports: [SMART_RESOURCE_SERVER_OPTIONS, ...services],
})
export class SmartResourceServerModule {
  static forRoot(options: typeof SMART_RESOURCE_SERVER_OPTIONS_TYPE): DynamicModule {
    return { ...SmartResourceServerModuleBase.forRoot(options), module: SmartResourceServerModule };
  }

  static forRootAsync(options: typeof SMART_RESOURCE_SERVER_ASYNC_OPTIONS_TYPE): DynamicModule {
    return {
      ...SmartResourceServerModuleBase.forRootAsync(options),
      module: SmartResourceServerModule,
    };
  }
}
