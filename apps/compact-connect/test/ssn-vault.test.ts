import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { createTestDatabase } from '@hearth/kernel/testing'
import type { Database } from '@hearth/kernel'
import compactConnect from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { SsnRepository } from '../src/modules/licenses/ssn.repository.ts'
import { SsnService } from '../src/modules/licenses/ssn.service.ts'

let database: Database
before(async () => {
  database = await createTestDatabase({ schema: 'compact_connect', migrations: compactConnect.migrations })
})
after(async () => database.close())

const key = (id: string) => ({ id, key: randomBytes(32) })
const hmacKey = randomBytes(32)

test('SSNs are encrypted with AES-256-GCM, found by keyed hash, and decrypt after a key rotation', async () => {
  const oldKey = key('k1')
  const before = new SsnService(database, new SsnRepository(), [oldKey], hmacKey)
  const ids = await before.resolveProviderIds(database.db, 'aslp', ['900-10-2001', '900-10-2002', '900-10-2001'])
  assert.equal(ids.size, 2)
  const again = await before.resolveProviderIds(database.db, 'aslp', ['900-10-2001'])
  assert.equal(again.get('900-10-2001'), ids.get('900-10-2001'), 'an SSN keeps its provider id')
  const octp = await before.resolveProviderIds(database.db, 'octp', ['900-10-2001'])
  assert.notEqual(octp.get('900-10-2001'), ids.get('900-10-2001'), 'one provider per compact')

  const [row] = (await database.query(`SELECT * FROM ssn_records WHERE provider_id = $1`, [ids.get('900-10-2001')])) as { ssn_ciphertext: string; ssn_hmac: string; key_id: string }[]
  assert.equal(row!.key_id, 'k1')
  assert.ok(!row!.ssn_hmac.includes('2001') && !Buffer.from(row!.ssn_ciphertext, 'base64').toString('latin1').includes('900-10-2001'))

  const rotated = new SsnService(database, new SsnRepository(), [key('k2'), oldKey], hmacKey)
  assert.equal(await rotated.readSsn('aslp', ids.get('900-10-2001')!), '900-10-2001', 'old rows decrypt with the retired key')
  const fresh = await rotated.resolveProviderIds(database.db, 'aslp', ['900-10-2003'])
  const [newRow] = (await database.query(`SELECT key_id FROM ssn_records WHERE provider_id = $1`, [fresh.get('900-10-2003')])) as { key_id: string }[]
  assert.equal(newRow!.key_id, 'k2', 'new rows use the first key')
  const withoutOld = new SsnService(database, new SsnRepository(), [key('k2')], hmacKey)
  await assert.rejects(withoutOld.readSsn('aslp', ids.get('900-10-2001')!), /k1 is not configured/)
})

test('a ciphertext moved onto another provider does not decrypt (compact and provider are bound in)', () => {
  const vault = new SsnService(database, new SsnRepository(), [key('k1')], hmacKey)
  const providerId = randomUUID()
  const sealed = vault.encrypt('aslp', providerId, '900-10-3001')
  assert.equal(vault.decrypt({ compact: 'aslp', providerId, ...sealed }), '900-10-3001')
  assert.throws(() => vault.decrypt({ compact: 'aslp', providerId: randomUUID(), ...sealed }))
})

test('configuration: keys are 32 bytes, ids unique, generated outside production and required in production', () => {
  const dataDir = `/tmp/cc-config-${randomUUID()}`
  const generated = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'memory://' })
  assert.equal(generated.ssnEncryptionKeys[0]!.key.length, 32)
  assert.deepEqual(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'memory://' }).ssnEncryptionKeys[0]!.key, generated.ssnEncryptionKeys[0]!.key, 'kept under DATA_DIR')
  const two = loadConfig({ DATA_DIR: dataDir, SSN_ENCRYPTION_KEY: `new:${randomBytes(32).toString('base64')},old:${randomBytes(32).toString('base64')}` })
  assert.deepEqual(
    two.ssnEncryptionKeys.map((entry) => entry.id),
    ['new', 'old'],
  )
  assert.throws(() => loadConfig({ DATA_DIR: dataDir, SSN_ENCRYPTION_KEY: randomBytes(16).toString('base64') }), /SSN_ENCRYPTION_KEY/)
  assert.throws(() => loadConfig({ HEARTH_ENV: 'production', SEED: 'none', DATABASE_URL: 'postgres://x/y', DATA_DIR: dataDir }), /SSN_ENCRYPTION_KEY|required in production/)
})

test('the kernel log redaction covers the SSN field names used here (ssn, previousSSN, vault columns, CSV text)', async () => {
  const { redactPersonalData, scrubText } = await import('@hearth/kernel')
  const logged = JSON.stringify(
    redactPersonalData({
      license: { ssn: '900-10-4001', previousSSN: '900-10-4002', ssnLastFour: '4001', givenName: 'Ann' },
      row: { ssn_ciphertext: 'abc', ssn_hmac: 'def', SSN: '900104003' },
      errors: { SSN: ['Duplicate License SSN detected'] },
    }),
  )
  for (const secretValue of ['900-10-4001', '900-10-4002', '900104003']) assert.ok(!logged.includes(secretValue), `${secretValue} is redacted`)
  assert.ok(!scrubText('900-10-4005,speech-language pathologist,active').includes('900-10-4005'), 'an SSN inside a CSV line is scrubbed')
})
