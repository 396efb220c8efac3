import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SmartResourceServerOptions } from './smart-resource-server.options.js';

export const {
  ConfigurableModuleClass: SmartResourceServerModuleBase,
  MODULE_OPTIONS_TOKEN: SMART_RESOURCE_SERVER_RAW_OPTIONS,
  OPTIONS_TYPE: SMART_RESOURCE_SERVER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SMART_RESOURCE_SERVER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmartResourceServerOptions>({ moduleName: 'SmartResourceServer' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, { isGlobal }) => ({
    ...definition,
    global: isGlobal,
  }))
  .build();
