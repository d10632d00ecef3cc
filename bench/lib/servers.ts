// Servers under test run as child processes of the harness, so the load generator never shares an
// event loop with them and their memory and CPU can be read from /proc.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ServerSpec {
  /** `ceiling`, `hearth` or `peer`. */
  target: string
  /** How RESULTS.md names it (framework, versions, worker). */
  label: string
  command: string
  args: string[]
  env: Record<string, string>
  cwd: string
  port: number
  /** Path answering 200 once the server is ready. */
  readyPath: string
  /** Seconds to wait for readiness. */
  startTimeoutSeconds?: number
}

export interface RunningServer {
  spec: ServerSpec
  url: string
  pid: number
  /** Largest RSS seen so far (bytes), from VmHWM and the 100 ms samples of the process tree. */
  peakRss(): number | undefined
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number | undefined
  /** Everything the server wrote to stdout/stderr (for error messages). */
  output(): string
  stop(): Promise<void>
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** The pid and all its descendants, from /proc (children found through each process's parent id). */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = parents.get(ppid) ?? []
      list.push(Number(entry))
      parents.set(ppid, list)
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [root]
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []))
  return tree
}

/** utime + stime of one process in seconds (clock ticks are 100 Hz on Linux). */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const child: ChildProcess = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output += chunk.toString()
    if (output.length > 200_000) output = output.slice(-100_000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let exited: number | null | undefined
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : 0)
      resolve()
    })
  })
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not start ${spec.command}`)

  let peak: number | undefined
  let peakTree = 0
  let cpu: number | undefined
  const sample = () => {
    if (exited !== undefined) return
    const hwm = statusField(pid, 'VmHWM')
    if (hwm !== undefined) peak = Math.max(peak ?? 0, hwm)
    let total = 0
    for (const member of processTree(pid)) total += statusField(member, 'VmRSS') ?? 0
    peakTree = Math.max(peakTree, total)
    cpu = processCpuSeconds(pid) ?? cpu
  }
  const sampler = setInterval(sample, 100)
  sampler.unref()

  const url = `http://127.0.0.1:${spec.port}`
  const running: RunningServer = {
    spec,
    url,
    pid,
    peakRss: () => {
      sample()
      const best = Math.max(peak ?? 0, peakTree)
      return best === 0 ? undefined : best
    },
    cpuSeconds: () => processCpuSeconds(pid) ?? cpu,
    output: () => output,
    async stop() {
      sample()
      clearInterval(sampler)
      if (exited !== undefined) return
      child.kill('SIGTERM')
      const stopped = await Promise.race([exit.then(() => true), sleep(15_000).then(() => false)])
      if (!stopped) {
        child.kill('SIGKILL')
        await exit
      }
    },
  }

  const deadline = Date.now() + (spec.startTimeoutSeconds ?? 60) * 1000
  for (;;) {
    if (exited !== undefined) {
      clearInterval(sampler)
      throw new Error(`${spec.target} (${spec.label}) exited with ${exited} before it was ready:\n${output.slice(-4000)}`)
    }
    try {
      const response = await fetch(url + spec.readyPath, { signal: AbortSignal.timeout(2000) })
      await response.arrayBuffer()
      if (response.ok) return running
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await running.stop()
      throw new Error(`${spec.target} (${spec.label}) not ready after ${spec.startTimeoutSeconds ?? 60} s:\n${output.slice(-4000)}`)
    }
    await sleep(200)
  }
}
