/**
 * Where this host mounts the SMART authorization server; the issuer is the host's URL plus this
 * path. '' mounts it at the root. The outside-host test reads this constant, so moving the
 * server (e.g. to '/smart') is this one line once the module's `mountPath` option lands.
 */
export const SMART_MOUNT_PATH = '';
