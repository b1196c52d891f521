/** What the runner and the bench server say to each other over the child-process IPC channel. */
export type RunnerToServer =
  | { type: 'profile-start'; intervalMicros: number }
  | { type: 'profile-stop'; path: string }
  | { type: 'memory-request' }
  | { type: 'gc' }
  /** OAuth access tokens of the provider's shape, signed by the server's keystore, one per user. */
  | { type: 'mint-oauth'; userIds: string[] }
  /** Confidential OAuth clients allowed client_credentials with data:read, registered in the store. */
  | { type: 'register-oauth-clients'; count: number };

export type ServerToRunner =
  | { type: 'ready'; port: number; bootMs: number }
  | { type: 'memory'; usage: Record<string, number> }
  | { type: 'gc-done' }
  | { type: 'oauth-tokens'; tokens: string[] }
  | { type: 'oauth-clients'; clients: { id: string; secret: string }[] }
  | { type: 'profile-started' }
  | { type: 'profile-written'; path: string }
  | { type: 'profile-error'; message: string };
