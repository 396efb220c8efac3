import { Inject } from '@nestjs/common';
import { SMART_RESOURCE_SERVER_OPTIONS } from '../smart-resource-server.constants.js';

/**
 * Injects the `ResolvedSmartResourceServerOptions` of the imported `SmartResourceServerModule`.
 *
 * @example
 * ```ts
 * constructor(@InjectSmartResourceServerOptions() options: ResolvedSmartResourceServerOptions) {}
 * ```
 */
export const InjectSmartResourceServerOptions = (): PropertyDecorator & ParameterDecorator =>
  Inject(SMART_RESOURCE_SERVER_OPTIONS);
