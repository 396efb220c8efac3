import { Injectable } from '@nestjs/common';
import { ProviderHost } from '../provider-host.service.js';
import { EngineRoutes } from '../ports/engine-routes.port.js';

/** {@link EngineRoutes} over the host's middleware (which skips reserved paths). */
@Injectable()
export class EngineRoutesAdapter extends EngineRoutes {
  constructor(private readonly host: ProviderHost) {
    super();
  }

  reservePath(path: string): void {
    this.host.reservePath(path);
  }
}
