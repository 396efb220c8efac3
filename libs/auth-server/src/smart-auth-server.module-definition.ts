import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SmartAuthServerOptions } from './options/auth-server.options.js';

/** The static mount path given to `forRoot` / `forRootAsync` (decides the routes). */
export const SMART_AUTH_SERVER_MOUNT_PATH = Symbol('SMART_AUTH_SERVER_MOUNT_PATH');

/**
 * Options of `forRoot` / `forRootAsync` that shape the module itself, so they are static even
 * with `forRootAsync`.
 */
export interface SmartAuthServerModuleExtras {
  /**
   * Makes the exports (`SmartAuthAdmin`, `SmartTokenRevocations`) injectable in every module, such
   * as a same-process resource server's revocation check.
   * @default false
   */
  isGlobal?: boolean;
  /** See {@link SmartAuthServerOptions.mountPath}. @default '' */
  mountPath?: string;
}

export const {
  ConfigurableModuleClass: SmartAuthServerModuleBase,
  MODULE_OPTIONS_TOKEN: SMART_AUTH_SERVER_RAW_OPTIONS,
  OPTIONS_TYPE: SMART_AUTH_SERVER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SMART_AUTH_SERVER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SmartAuthServerOptions>({ moduleName: 'SmartAuthServer' })
  .setClassMethodName('forRoot')
  .setExtras<SmartAuthServerModuleExtras>(
    { isGlobal: false, mountPath: undefined },
    (definition, { isGlobal, mountPath }) => ({
      ...definition,
      global: isGlobal,
      providers: [
        ...(definition.providers ?? []),
        { provide: SMART_AUTH_SERVER_MOUNT_PATH, useValue: mountPath },
      ],
    }),
  )
  .build();
