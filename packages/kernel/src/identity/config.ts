import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, EnvReader, refuseInProduction, type BaseConfig, type EnvSource } from '../config/index.ts'
import { DevelopmentIssuer } from './development-issuer.ts'
import { createFirebaseVerifier, GOOGLE_SECURETOKEN_CERTS_URL, type FirebaseVerifier } from './firebase.ts'

export type IdentityProvider = 'firebase' | 'development'

export interface FirebaseIdentityConfig {
  /** `firebase`: Google's published keys; `development`: the built-in issuer (never in production). */
  readonly provider: IdentityProvider
  readonly projectId: string
  /** Where Google's keys are read (x509 certificates or a JWKS; both are understood). */
  readonly keysUrl: string
  /** `FIREBASE_AUTH_EMULATOR_HOST`: accept the emulator's unsigned tokens. */
  readonly emulatorHost: string | undefined
  readonly clockToleranceSeconds: number
  /** Where the development issuer keeps its key pair. */
  readonly developmentKeyFile: string
}

/**
 * Identity settings, shared by every app that signs people in with Firebase:
 * `IDENTITY_PROVIDER` (`firebase` | `development`; default `firebase` when a project is configured,
 * else `development`), `FIREBASE_PROJECT_ID` (or the `project_id` of the service-account JSON at
 * `FIREBASE_CREDENTIALS_FILE`, the original's setting), `FIREBASE_KEYS_URL` (default Google's x509
 * certificates), `FIREBASE_AUTH_EMULATOR_HOST`, `FIREBASE_CLOCK_TOLERANCE_SECONDS` (default 0).
 * Production refuses the development issuer and the emulator.
 */
export function loadFirebaseIdentityConfig(source: EnvSource, config: BaseConfig, options: { developmentProjectId?: string } = {}): FirebaseIdentityConfig {
  const env = new EnvReader(source)
  let projectId = env.string('FIREBASE_PROJECT_ID')
  const credentialsFile = env.string('FIREBASE_CREDENTIALS_FILE')
  if (projectId === undefined && credentialsFile !== undefined) {
    try {
      projectId = (JSON.parse(readFileSync(credentialsFile, 'utf8')) as { project_id?: string }).project_id
    } catch (error) {
      throw new ConfigError('FIREBASE_CREDENTIALS_FILE', `cannot read a service-account JSON there (${(error as Error).message})`)
    }
    if (!projectId) throw new ConfigError('FIREBASE_CREDENTIALS_FILE', 'the service-account JSON has no project_id')
  }
  const provider = env.oneOf<IdentityProvider>('IDENTITY_PROVIDER', ['firebase', 'development'], projectId !== undefined || config.env === 'production' ? 'firebase' : 'development')
  refuseInProduction(config, 'IDENTITY_PROVIDER', provider === 'development')
  const emulatorHost = env.string('FIREBASE_AUTH_EMULATOR_HOST')
  refuseInProduction(config, 'FIREBASE_AUTH_EMULATOR_HOST', emulatorHost !== undefined)
  if (provider === 'firebase' && projectId === undefined) {
    throw new ConfigError('FIREBASE_PROJECT_ID', 'is required when IDENTITY_PROVIDER is firebase (or give FIREBASE_CREDENTIALS_FILE)')
  }
  return Object.freeze({
    provider,
    projectId: projectId ?? options.developmentProjectId ?? `hearth-${config.app}`,
    keysUrl: env.url('FIREBASE_KEYS_URL', ['https:', 'http:']) ?? GOOGLE_SECURETOKEN_CERTS_URL,
    emulatorHost,
    clockToleranceSeconds: env.int('FIREBASE_CLOCK_TOLERANCE_SECONDS', 0, { min: 0, max: 300 }),
    developmentKeyFile: join(config.dataDir, 'identity', `${config.app}-development-issuer.json`),
  })
}

export interface FirebaseIdentity {
  readonly config: FirebaseIdentityConfig
  verify: FirebaseVerifier
  /** The built-in issuer (development provider only): mints tokens, publishes its JWKS. */
  readonly issuer: DevelopmentIssuer | undefined
}

/** The verifier (and, for the development provider, the issuer) that a configuration describes. */
export async function createFirebaseIdentity(config: FirebaseIdentityConfig): Promise<FirebaseIdentity> {
  const issuer = config.provider === 'development' ? await DevelopmentIssuer.open({ projectId: config.projectId, file: config.developmentKeyFile }) : undefined
  const verify = createFirebaseVerifier({
    projectId: config.projectId,
    keys: issuer ? { document: async () => issuer.keyDocument() } : { url: config.keysUrl },
    emulator: config.emulatorHost !== undefined,
    clockToleranceSeconds: config.clockToleranceSeconds,
  })
  return { config, verify, issuer }
}
