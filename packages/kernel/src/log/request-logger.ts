import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from 'pino'

type LevelName = Level
/** What a pino log method takes (an object or message first, then format arguments). */
type LogArguments = unknown[]

/**
 * A request's logger (`request.log`) whose pino child is built on the first line written at an
 * enabled level. Fastify makes a child per request, and with redaction configured pino runs the
 * redaction over its bindings (the request id) each time; most requests at `warn` write nothing.
 * The child is `parent.child(bindings, options)` with the level the request started with (the
 * route's `logLevel`, else the parent's at that moment), so what is written, and when, is what an
 * eagerly built child would have written; once it exists every call goes to it.
 */
export class DeferredChildLogger {
  private built: Logger | undefined
  private readonly startLevel: LevelWithSilentOrString
  private readonly startLevelValue: number

  constructor(
    private readonly parent: Logger,
    private readonly childBindings: Bindings,
    private readonly childOptions: ChildLoggerOptions,
  ) {
    this.startLevel = childOptions.level ?? parent.level
    this.startLevelValue = childOptions.level === undefined ? parent.levelVal : (levelValue(parent, childOptions.level) ?? Number.POSITIVE_INFINITY)
  }

  /** The pino child (built now if it was not yet). */
  private get logger(): Logger {
    if (this.built === undefined) {
      // Only when the parent's level changed since the request started: pino then rebuilds the child's methods.
      const options = this.childOptions.level === undefined && this.parent.level !== this.startLevel ? { ...this.childOptions, level: this.startLevel } : this.childOptions
      this.built = this.parent.child(this.childBindings, options)
    }
    return this.built
  }

  private enabled(level: LevelName): boolean {
    return this.built !== undefined ? this.built.isLevelEnabled(level) : (levelValue(this.parent, level) ?? 0) >= this.startLevelValue
  }

  // Methods on the prototype: nothing is allocated per request but the object itself.
  fatal(...args: LogArguments): void {
    if (this.enabled('fatal')) this.write('fatal', args)
  }
  error(...args: LogArguments): void {
    if (this.enabled('error')) this.write('error', args)
  }
  warn(...args: LogArguments): void {
    if (this.enabled('warn')) this.write('warn', args)
  }
  info(...args: LogArguments): void {
    if (this.enabled('info')) this.write('info', args)
  }
  debug(...args: LogArguments): void {
    if (this.enabled('debug')) this.write('debug', args)
  }
  trace(...args: LogArguments): void {
    if (this.enabled('trace')) this.write('trace', args)
  }
  silent(): void {}

  private write(level: LevelName, args: LogArguments): void {
    const logger = this.logger
    ;(logger[level] as (...args: LogArguments) => void).apply(logger, args)
  }

  /** As pino answers it (a name it does not know is never enabled). */
  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    if (this.built !== undefined) return this.built.isLevelEnabled(level)
    const value = levelValue(this.parent, level)
    return value !== undefined && value >= this.startLevelValue
  }

  get level(): LevelWithSilentOrString {
    return this.built !== undefined ? this.built.level : this.startLevel
  }

  set level(level: LevelWithSilentOrString) {
    this.logger.level = level
  }

  get levelVal(): number {
    return this.built !== undefined ? this.built.levelVal : this.startLevelValue
  }

  get levels(): Logger['levels'] {
    return this.parent.levels
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.logger.child(bindings, options)
  }

  bindings(): Bindings {
    return this.built !== undefined ? this.built.bindings() : { ...this.parent.bindings(), ...this.childBindings }
  }

  setBindings(bindings: Bindings): void {
    this.logger.setBindings(bindings)
  }

  flush(callback?: (error?: Error) => void): void {
    this.parent.flush(callback)
  }
}

/** A level's number in this logger's scale (custom levels included). */
function levelValue(logger: Logger, level: string): number | undefined {
  return logger.levels.values[level]
}

/**
 * Fastify's `childLoggerFactory` for the kernel's pino loggers: each request's `request.log` is a
 * `DeferredChildLogger`.
 */
export function deferredChildLoggerFactory(logger: Logger, bindings: Bindings, options: ChildLoggerOptions): Logger {
  return new DeferredChildLogger(logger, bindings, options) as unknown as Logger
}
