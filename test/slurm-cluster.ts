/**
 * A single-node Slurm cluster for tests, from Debian's packages (`slurmctld slurmd slurm-client
 * munge`), run as root in a temporary state folder: a munge key and `munged` (as user munge) on
 * its own socket, a minimal slurm.conf (proctrack/linuxproc, task/none, select/cons_tres, one node
 * with this machine's cores at 127.0.0.1, one default partition, free ports), then `slurmctld` and
 * `slurmd` in the foreground. Clients find it through `SLURM_CONF` (in `env`). `stop()` ends the
 * three daemons by their pids.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SlurmCluster {
  dir: string;
  /** The environment for clients (sbatch, squeue) and the CLI: SLURM_CONF set. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Why a cluster cannot start here (not root, a program missing), or null when it can. */
export function slurmUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (slurmd and munged run as root and as user munge)';
  const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo'].filter((program) => spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0);
  if (missing.length) return `missing ${missing.join(', ')}: apt-get install slurmctld slurmd slurm-client munge`;
  return null;
}

/** Starts the cluster and waits until its node is idle; throws with the daemons' logs when it does not come up in `timeoutMs`. */
export async function startSlurmCluster(timeoutMs = 60_000): Promise<SlurmCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-slurm-'));
  fs.chmodSync(dir, 0o755);
  const daemons: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const daemon of daemons.reverse()) {
      if (daemon.exitCode !== null || daemon.signalCode !== null) continue;
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const munge = path.join(dir, 'munge');
    fs.mkdirSync(munge);
    fs.chmodSync(munge, 0o755); // munged wants its socket's folder open to all for execute (and not writable by them)
    const uid = Number(spawnSync('id', ['-u', 'munge'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'munge'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('user munge not found (the munge package creates it)');
    const key = path.join(munge, 'munge.key');
    fs.writeFileSync(key, crypto.randomBytes(1024), { mode: 0o400 });
    fs.chownSync(munge, uid, gid);
    fs.chownSync(key, uid, gid);
    const socket = path.join(munge, 'munge.socket');
    daemons.push(
      daemon('munged', ['--foreground', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${path.join(munge, 'munged.pid')}`, `--log-file=${path.join(munge, 'munged.log')}`, `--seed-file=${path.join(munge, 'munged.seed')}`], dir, { uid, gid }),
    );
    await waitFor(() => fs.existsSync(socket), 10_000, () => `munged did not create its socket: ${readLog(path.join(munge, 'munged.log'))}${daemonOutput(daemons[0])}`);

    const host = os.hostname().split('.')[0];
    const [controllerPort, nodePort] = [await freePort(), await freePort()];
    for (const sub of ['state', 'spool']) fs.mkdirSync(path.join(dir, sub));
    const conf = path.join(dir, 'slurm.conf');
    fs.writeFileSync(
      conf,
      [
        'ClusterName=nltest',
        `SlurmctldHost=${host}(127.0.0.1)`,
        'SlurmUser=root',
        `SlurmctldPort=${controllerPort}`,
        `SlurmdPort=${nodePort}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${path.join(dir, 'state')}`,
        `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
        `SlurmctldPidFile=${path.join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${path.join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${path.join(dir, 'slurmctld.log')}`,
        `SlurmdLogFile=${path.join(dir, 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'SchedulerType=sched/builtin',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'MpiDefault=none',
        'ReturnToService=2',
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${os.availableParallelism()} State=UNKNOWN`,
        'PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    daemons.push(daemon('slurmctld', ['-D', '-f', conf], dir, {}, env));
    daemons.push(daemon('slurmd', ['-D', '-f', conf, '-N', host], dir, {}, env));
    const idle = (): boolean => /^(idle|mix|alloc)/.test(spawnSync('sinfo', ['--noheader', '--format=%t'], { env, encoding: 'utf8' }).stdout?.trim() ?? '');
    await waitFor(idle, timeoutMs, () =>
      `the node did not become idle in ${timeoutMs / 1000} s (sinfo: ${spawnSync('sinfo', ['--noheader'], { env, encoding: 'utf8' }).stdout?.trim()})\n` +
      `slurmctld.log:\n${readLog(path.join(dir, 'slurmctld.log'))}\nslurmd.log:\n${readLog(path.join(dir, 'slurmd.log'))}${daemons.map(daemonOutput).join('')}`,
    );
    return { dir, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function daemon(program: string, args: string[], dir: string, ids: { uid?: number; gid?: number }, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const out = fs.openSync(path.join(dir, `${program}.out`), 'w');
  const child = spawn(program, args, { cwd: dir, env, stdio: ['ignore', out, out], ...ids });
  fs.closeSync(out);
  (child as ChildProcess & { outFile: string }).outFile = path.join(dir, `${program}.out`);
  return child;
}

function daemonOutput(child: ChildProcess): string {
  const file = (child as ChildProcess & { outFile?: string }).outFile;
  const state = child.exitCode !== null ? ` (exited ${child.exitCode})` : child.signalCode ? ` (killed by ${child.signalCode})` : '';
  return file ? `\n${path.basename(file)}${state}:\n${readLog(file)}` : '';
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitFor(ready: () => boolean, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
