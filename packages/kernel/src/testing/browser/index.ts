// The kernel's browser kit: Debian's Chromium (`apt-get install -y chromium`) through playwright-core, for
// every app's browser tests. Playwright's own browser downloads are not used: the machines reach no download host.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const chromiumPath = '/usr/bin/chromium'

/**
 * The `skip` option of a browser test: the reason when Chromium is missing here, otherwise false.
 * In CI (`CI` set) it is never skipped: `.ci/run` installs Chromium, and a missing one must fail.
 */
export function browserSkip(env: NodeJS.ProcessEnv = process.env, executable = chromiumPath): string | false {
  if (existsSync(executable) || env.CI) return false
  return 'Chromium not installed: apt-get install -y chromium'
}

/** A headless Chromium with a fresh profile, removed again on close. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`)
  const profile = mkdtempSync(join(tmpdir(), 'hearth-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
