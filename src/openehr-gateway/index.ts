export { OpenEhrGatewayModule } from './openehr-gateway.module.js';
export {
  OPENEHR_GATEWAY_DEFAULTS,
  OpenEhrGatewayConfigError,
  resolveOpenEhrGatewayOptions,
  type OpenEhrGatewayAsyncOptions,
  type OpenEhrGatewayOptions,
  type OpenEhrGatewaySettings,
  type ResolvedOpenEhrGatewayOptions,
} from './openehr-gateway.options.js';
export { OpenEhrGatewayError } from './openehr-gateway.error.js';
export { UPSTREAM_URL_ENV } from './openehr-gateway.constants.js';
