import { Logger, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ADMIN_BEARER_SCHEME } from './admin.constants.js';
import { swagger } from './openapi.decorators.js';

/**
 * The admin API's OpenAPI document, restricted to the admin routes (`adminPath`, e.g. `/admin`;
 * OAuth endpoints are described by discovery); `undefined` when the host has not installed
 * `@nestjs/swagger`.
 */
function buildAdminOpenApi(app: INestApplication, adminPath: string): OpenAPIObject | undefined {
  if (!swagger) return undefined;
  const { DocumentBuilder, SwaggerModule } = swagger;
  const config = new DocumentBuilder()
    .setTitle('SMART on openEHR authorization server: admin API')
    .setDescription(
      'Client registry, secrets, approval and audit trail. Authorize with a bearer access token of ' +
        'this server holding the `admin` scope (client_credentials of an admin client).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, ADMIN_BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths = Object.fromEntries(
    Object.entries(document.paths).filter(
      // The console's pages are HTML for browsers, not part of the API.
      ([path]) => path.startsWith(`${adminPath}/`) && !path.startsWith(`${adminPath}/console`),
    ),
  );
  return document;
}

/**
 * Serves the admin API's OpenAPI document and UI at `<adminPath>/docs` (JSON at
 * `<adminPath>/docs-json`) when `@nestjs/swagger` is installed.
 */
export function setupAdminDocs(app: INestApplication, adminPath: string): void {
  if (!swagger) {
    new Logger('SmartAuthServer').log(`@nestjs/swagger is not installed: no ${adminPath}/docs`);
    return;
  }
  const at = adminPath.slice(1);
  const document = () => buildAdminOpenApi(app, adminPath) as OpenAPIObject;
  swagger.SwaggerModule.setup(`${at}/docs`, app, document, {
    jsonDocumentUrl: `${at}/docs-json`,
    raw: ['json'],
    customSiteTitle: 'Admin API',
  });
}
