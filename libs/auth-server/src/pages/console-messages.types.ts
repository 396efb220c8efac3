/** The admin console's texts, for one language (part of `PageMessages`). */
export interface ConsoleMessages {
  /** The console's name: page titles and the banner heading. */
  title: string;
  signIn: {
    heading: string;
    intro: string;
    /** Shown after an idle console session ended. */
    expired: string;
    /** After the identity server's login: the session exists, the link opens the console. */
    signedIn: string;
    continue: string;
  };
  nav: Record<'label' | 'apps' | 'launches' | 'issuers' | 'keys' | 'audit', string>;
  signedInAs(user: string): string;
  signOut: string;
  signedOut: string;
  apps: {
    heading: string;
    filters: string;
    search: string;
    status: string;
    clientType: string;
    any: string;
    apply: string;
    name: string;
    clientId: string;
    created: string;
    count(total: number): string;
    none: string;
    previous: string;
    next: string;
    pageOf(page: number, pages: number): string;
  };
  statuses: Record<'pending' | 'approved' | 'suspended', string>;
  clientTypes: Record<'public' | 'confidential-symmetric' | 'confidential-asymmetric', string>;
  app: {
    summary: string;
    trusted: string;
    yes: string;
    no: string;
    authMethod: string;
    redirectUris: string;
    scopes: string;
    noScopes: string;
    keys: string;
    jwksUri: string;
    jwksInline(count: number): string;
    noKeys: string;
    launchModes: string;
    none: string;
    history: string;
    noHistory: string;
    back: string;
  };
  decide: {
    heading: string;
    reason: string;
    reasonHint: string;
    approve: string;
    suspend: string;
    approved(app: string): string;
    suspended(app: string): string;
  };
  secret: {
    heading: string;
    intro: string;
    overlap: string;
    rotate: string;
    newSecret: string;
    shownOnce: string;
    previousUntil(time: string): string;
    noSecret: string;
  };
  remove: {
    heading: string;
    button: string;
    confirmHeading(app: string): string;
    confirmText: string;
    confirm: string;
    cancel: string;
    done(app: string): string;
  };
  launches: {
    heading: string;
    intro: string;
    app: string;
    anyApp: string;
    ehrId: string;
    patient: string;
    contextHint: string;
    launchUrl: string;
    launchUrlHint: string;
    create: string;
    created(app: string): string;
    handle: string;
    expiresIn(seconds: number): string;
    open: string;
    parameters: string;
    needContext: string;
    badLaunchUrl: string;
    another: string;
  };
  issuers: {
    heading: string;
    intro: string;
    none: string;
    issuer: string;
    keys: string;
    subjects: string;
    scope: string;
    jwksInline(count: number): string;
    removeButton: string;
    remove(issuer: string): string;
    removed(issuer: string): string;
    saved(issuer: string): string;
    addHeading: string;
    jwksUri: string;
    jwks: string;
    keysHint: string;
    subjectsHint: string;
    scopeHint: string;
    add: string;
    badJwks: string;
  };
  keys: {
    heading: string;
    intro: string;
    alg: string;
    kid: string;
    state: string;
    age: string;
    retires: string;
    states: Record<'active' | 'pending' | 'retiring', string>;
    /** A key's age, from its activation (negative: not active yet). */
    ageOf(days: number, hours: number): string;
    activatesAt(time: string): string;
    rotateHeading: string;
    rotateIntro: string;
    rotate: string;
    confirmHeading: string;
    confirmText: string;
    confirm: string;
    cancel: string;
    rotated(count: number): string;
  };
  audit: {
    heading: string;
    filters: string;
    from: string;
    to: string;
    app: string;
    action: string;
    actor: string;
    when: string;
    who: string;
    what: string;
    target: string;
    details: string;
    count(total: number): string;
    none: string;
  };
  /** A change the server refused (invalid input): the server's reason in English. */
  rejected: { title: string; message(reason: string): string };
}
