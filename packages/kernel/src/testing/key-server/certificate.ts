import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SelfSigned {
  /** PKCS#8 private key, PEM. */
  key: string
  /** X.509 certificate, PEM. */
  cert: string
}

/**
 * A throwaway self-signed certificate, made at run time with the `openssl` command line (present
 * wherever Node's own TLS tooling is), so no key material is ever committed. For test fakes only.
 */
export function selfSignedCertificate(options: { commonName?: string; keyType?: 'rsa' | 'ec' } = {}): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cert-'))
  try {
    const keyArgs = options.keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048']
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        ...keyArgs,
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${options.commonName ?? '127.0.0.1'}`,
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
