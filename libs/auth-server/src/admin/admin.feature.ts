import type { Provider, Type } from '@nestjs/common';

/** Controllers and providers of the admin REST API, wired into `SmartAuthServerModule`. */
export const ADMIN_FEATURE: { controllers: Type[]; providers: Provider[] } = {
  controllers: [],
  providers: [],
};
