/**
 * Slack alerts through an incoming-webhook URL (`SLACK_WEBHOOK_URL`). Without one, alerts are only
 * logged. A failed post is logged and never fails the request that raised it.
 */
export interface Slack {
  readonly enabled: boolean
  send(text: string): Promise<void>
}

export function createSlack(webhookUrl: string | undefined, log: { warn(object: unknown, message: string): void }): Slack {
  return {
    enabled: webhookUrl !== undefined,
    async send(text) {
      if (!webhookUrl) return
      try {
        const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }), signal: AbortSignal.timeout(5000) })
        if (!response.ok) throw new Error(`Slack answered ${response.status}`)
      } catch (error) {
        log.warn({ err: error }, 'slack alert failed')
      }
    },
  }
}
