import type { Provider, Type } from '@nestjs/common';

/** What one folder contributes to `SmartAuthServerModule`: its controllers and providers. */
export interface SmartFeature {
  readonly controllers?: Type[];
  readonly providers: Provider[];
}
