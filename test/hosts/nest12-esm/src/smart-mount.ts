/**
 * Where this host mounts the SMART authorization server (the module's `mountPath`); the issuer is
 * the host's URL plus this path. The outside-host test reads this constant too.
 */
export const SMART_MOUNT_PATH = '/smart';
