import type { EventBus } from '@hearth/kernel'

/** Raise's events on the kernel bus (every process, through Redis when `REDIS_URL` is set). */
export interface RaiseEvents extends Record<string, unknown> {
  /** Some fundraiser or donation may have changed: every process drops its cached public views. */
  publicViewsChanged: Record<string, never>
  /** Some fundraiser's settings may have changed: every process drops its cached donation settings. */
  fundraiserSettingsChanged: Record<string, never>
}

export type RaiseEventBus = EventBus<RaiseEvents>
