import type { EventBus } from '@hearth/kernel'

/** Send A Hug's events on the kernel bus (every process, through Redis when `REDIS_URL` is set). */
export type SendAHugEvents = {
  /** Something the public post lists show may have changed: every process drops its cached lists. */
  publicListsChanged: Record<string, never>
}

export type SendAHugEventBus = EventBus<SendAHugEvents>
