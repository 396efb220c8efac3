import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ADMIN_BEARER_SCHEME } from './admin.constants.js';

/** Only the admin API is documented here; OAuth endpoints are described by discovery. */
const ADMIN_PREFIX = '/admin/';

/** The admin API's OpenAPI document, restricted to `/admin/...` routes. */
export function buildAdminOpenApi(app: INestApplication): OpenAPIObject {
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

/** Serves the admin API's OpenAPI document and UI at `/admin/docs` (JSON at `/admin/docs-json`). */
export function setupAdminDocs(app: INestApplication): void {
  SwaggerModule.setup('admin/docs', app, () => buildAdminOpenApi(app), {
    jsonDocumentUrl: 'admin/docs-json',
    raw: ['json'],
    customSiteTitle: 'Admin API',
  });
}
