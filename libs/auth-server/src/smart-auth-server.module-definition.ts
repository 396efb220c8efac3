import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SmartAuthServerOptions } from './options/auth-server.options.js';

export const {
  ConfigurableModuleClass: SmartAuthServerModuleBase,
  MODULE_OPTIONS_TOKEN: SMART_AUTH_SERVER_RAW_OPTIONS,
  OPTIONS_TYPE: SMART_AUTH_SERVER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SMART_AUTH_SERVER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmartAuthServerOptions>({ moduleName: 'SmartAuthServer' })
  .setClassMethodName('forRoot')
  // isGlobal: true makes the exports (SmartAuthAdmin, SmartTokenRevocations) injectable in every
  // module, such as a same-process resource server's revocation check.
  .setExtras({ isGlobal: false }, (definition, { isGlobal }) => ({
    ...definition,
    global: isGlobal,
  }))
  .build();
