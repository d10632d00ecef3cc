import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PaymentGateway } from '../src/modules/purchases/payment-gateway.ts'
import { CredentialsCipher } from '../src/modules/configuration/credentials-cipher.ts'
import { loadConfig } from '../src/config.ts'

const settings = { apiUrl: undefined, sandbox: true, timeoutMs: 5000 }

describe('payment gateway and configuration (which Authorize.Net a process talks to)', () => {
  test('the local fake is used only outside production and only without AUTHORIZE_NET_API_URL', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-gateway-'))
    assert.equal(loadConfig({ HEARTH_ENV: 'development', DATA_DIR: dataDir }, { alone: true }).paymentFake, true)
    assert.equal(loadConfig({ HEARTH_ENV: 'qa', DATA_DIR: dataDir, AUTHORIZE_NET_API_URL: 'https://apitest.authorize.net' }, { alone: true }).paymentFake, false)
  })

  test('with the fake: started once on first use, ids continue after the recorded ones, closed with the app', async () => {
    let asked = 0
    const gateway = new PaymentGateway(settings, true, async () => {
      asked++
      return 120000000500
    })
    try {
      assert.equal(gateway.isSandbox, true)
      const fake = await gateway.fake()
      assert.equal(fake, await gateway.fake())
      const processor = await gateway.processor({ apiLoginId: 'a', transactionKey: 'b' })
      const charged = await processor.charge({ amount: 100, opaqueData: { dataDescriptor: 'd', dataValue: 'v' }, order: { description: 'x' } })
      assert.equal(charged.transactionId, '120000000500')
      await gateway.resetFake()
      assert.equal(fake!.transactions.length, 0)
      assert.equal(asked, 2)
    } finally {
      await gateway.close()
    }
  })

  test('without the fake: no test code is loaded and the configured host is used', async () => {
    const gateway = new PaymentGateway({ apiUrl: 'http://127.0.0.1:1', sandbox: false, timeoutMs: 500 }, false)
    assert.equal(await gateway.fake(), undefined)
    assert.equal(gateway.isSandbox, false)
    const processor = await gateway.processor({ apiLoginId: 'a', transactionKey: 'b' })
    await assert.rejects(processor.merchantDetails(), (error: Error) => error.name === 'PaymentProcessorError')
  })

  test('stored secrets are encrypted and authenticated', () => {
    const cipher = new CredentialsCipher(Buffer.alloc(32, 7))
    const stored = cipher.encrypt('transaction-key')
    assert.notEqual(stored, cipher.encrypt('transaction-key'))
    assert.equal(cipher.decrypt(stored), 'transaction-key')
    const bytes = Buffer.from(stored.slice(3), 'base64')
    bytes[14] = bytes[14]! ^ 1
    const tampered = `v1:${bytes.toString('base64')}`
    assert.throws(() => cipher.decrypt(tampered))
    assert.throws(() => new CredentialsCipher(Buffer.alloc(16)).encrypt('x'))
    assert.throws(() => new CredentialsCipher(Buffer.alloc(32, 8)).decrypt(stored))
  })
})
