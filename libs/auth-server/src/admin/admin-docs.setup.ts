import { Logger, type INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ADMIN_BEARER_SCHEME } from './admin.constants.js';
import { swagger } from './openapi.decorators.js';

/** Only the admin API is documented here; OAuth endpoints are described by discovery. */
const ADMIN_PREFIX = '/admin/';

/**
 * The admin API's OpenAPI document, restricted to `/admin/...` routes; `undefined` when the host
 * has not installed `@nestjs/swagger`.
 */
export function buildAdminOpenApi(app: INestApplication): OpenAPIObject | undefined {
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
    Object.entries(document.paths).filter(([path]) => path.startsWith(ADMIN_PREFIX)),
  );
  return document;
}

/**
 * Serves the admin API's OpenAPI document and UI at `/admin/docs` (JSON at `/admin/docs-json`)
 * when `@nestjs/swagger` is installed.
 */
export function setupAdminDocs(app: INestApplication): void {
  if (!swagger) {
    new Logger('SmartAuthServer').log('@nestjs/swagger is not installed: no /admin/docs');
    return;
  }
  swagger.SwaggerModule.setup('admin/docs', app, () => buildAdminOpenApi(app) as OpenAPIObject, {
    jsonDocumentUrl: 'admin/docs-json',
    raw: ['json'],
    customSiteTitle: 'Admin API',
  });
}
