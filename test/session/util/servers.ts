import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * Starting real Redis, Memcached and PostgreSQL servers on 127.0.0.1 for the
 * tests, from the Debian packages `.ci/run` installs. Each server gets a free
 * port and a scratch folder, and is stopped by its PID.
 */

/** A binary on PATH, or undefined. */
export function which(binary: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf-8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** The folder of PostgreSQL's server binaries (Debian keeps them off PATH). */
export function postgresBin(): string | undefined {
  const onPath = which('initdb');
  if (onPath) {
    return path.dirname(onPath);
  }
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) {
    return undefined;
  }
  const versions = fs.readdirSync(root).filter(v => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

/**
 * Whether the servers' tests can run. Without a server they skip, quietly,
 * with the reason in the suite's title (`skippedFor`); in CI (`CI` or `SESSION_SERVERS_REQUIRED` set, as `.ci/run` does) a
 * missing server is a failure, so CI never passes by skipping.
 */
export function serverAvailable(what: string, present: boolean): boolean {
  if (present) {
    return true;
  }
  if (process.env.CI || process.env.SESSION_SERVERS_REQUIRED) {
    throw new Error(`${what} is not installed, and CI or SESSION_SERVERS_REQUIRED is set: .ci/run installs it (apt-get install redis-server memcached postgresql)`);
  }
  return false;
}

/**
 * `describe.skip`, with the reason in the suite's title: jest lists it among
 * the skipped tests (`--verbose`) and prints nothing else.
 */
export function skippedFor(what: string): (name: string, fn: () => void) => void {
  return (name, fn) => describe.skip(`${name} (skipped: ${what} is not installed; apt-get install redis-server memcached postgresql)`, fn);
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts connections on the port. */
export async function waitForPort(port: number, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => { socket.destroy(); resolve(false); });
    });
    if (ok) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

/** A scratch folder, removed by `cleanup()`. */
export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `session-${prefix}-`));
}

/** A server started as a child process, stopped by its PID. */
export class Server {
  public constructor(public readonly name: string, public readonly port: number, private readonly child: ChildProcess,
    public readonly output: () => string) {}

  /** The server's PID. */
  public get pid(): number {
    return this.child.pid!;
  }

  /** Stops the server by its PID and waits for it to exit. */
  public async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    process.kill(this.pid, 'SIGTERM');
    await exited;
  }
}

/** Spawns a long-running server and collects its output for failure messages. */
export function spawnServer(name: string, port: number, command: string, args: string[], env: NodeJS.ProcessEnv): Server {
  let output = '';
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', d => { output += d; });
  child.stderr!.on('data', d => { output += d; });
  return new Server(name, port, child, () => output);
}

/** Whether this process runs as root (CI does): servers that refuse root then run as another user. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * A PostgreSQL cluster in a scratch folder: `initdb` with the superuser and
 * password given, scram-sha-256 for TCP logins, started with `pg_ctl -w`
 * on 127.0.0.1. PostgreSQL refuses to run as root, so as root every step runs
 * as the `postgres` user the Debian package creates.
 */
export class PostgresCluster {
  public static start(bin: string, port: number, user: string, password: string): PostgresCluster {
    const dir = scratch('postgres');
    const data = path.join(dir, 'data');
    const pwfile = path.join(dir, 'pwfile');
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    const asPostgres = isRoot();
    if (asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf-8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf-8' }).trim());
      fs.chownSync(dir, uid, gid);
      fs.chownSync(pwfile, uid, gid);
    }
    const run = (tool: string, args: string[]) => {
      const argv = asPostgres ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
      const result = spawnSync(asPostgres ? 'runuser' : path.join(bin, tool), argv, { encoding: 'utf-8', cwd: dir });
      if (result.status !== 0) {
        throw new Error(`${tool} failed (${result.status}): ${result.stdout}\n${result.stderr}`);
      }
    };
    run('initdb', ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=scram-sha-256']);
    run('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
    return new PostgresCluster(bin, dir, data, asPostgres, port);
  }

  private constructor(private readonly bin: string, private readonly dir: string, private readonly data: string,
    private readonly asPostgres: boolean, public readonly port: number) {}

  /** Stops the cluster (pg_ctl reads the postmaster's PID from its pid file) and removes its folder. */
  public stop(): void {
    const args = ['-D', this.data, '-w', '-m', 'fast', 'stop'];
    const pgCtl = path.join(this.bin, 'pg_ctl');
    if (this.asPostgres) {
      spawnSync('runuser', ['-u', 'postgres', '--', pgCtl, ...args]);
    } else {
      spawnSync(pgCtl, args);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
