/**
 * `npm run notebook [-- <options for Jupyter>]`: opens the notebooks interactively with the project's
 * kernel. Starts the first Jupyter front end found: JupyterLab (`jupyter lab`, where pip installed it),
 * else the classic Notebook (`jupyter notebook`; Debian: `apt-get install jupyter-notebook`), in
 * notebooks/, with the project-local kernel spec on JUPYTER_PATH (registered again when it points at
 * another checkout). Without `npm run setup` or without a front end it says what to install and
 * exits with 1. Options after `--` go to Jupyter (e.g. `--no-browser --port 8890`); as root it adds
 * `--allow-root`, which Jupyter requires there.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { KERNEL_NAME, ROOT, jupyterProcessEnv, readJupyterEnv } from './jupyter-env';

/** The front ends, preferred first: the Jupyter subcommand and the Python module that provides it. */
const FRONT_ENDS = [
  { name: 'JupyterLab', subcommand: 'lab', module: 'jupyterlab' },
  { name: 'classic Notebook', subcommand: 'notebook', module: 'notebook' },
];

const INSTALL_HINT =
  'Install a Jupyter front end, then run `npm run notebook` again:\n' +
  '  Debian/Ubuntu (as root):  apt-get install jupyter-notebook        (the classic Notebook)\n' +
  '  with pip:                 python3 -m pip install --user jupyterlab';

function main(): number {
  let python: string;
  try {
    ({ python } = readJupyterEnv());
  } catch (error) {
    console.error(`notebook: ${(error as Error).message}`);
    return 1;
  }
  const frontEnd = FRONT_ENDS.find((f) => spawnSync(python, ['-c', `import ${f.module}`], { stdio: 'ignore' }).status === 0);
  if (!frontEnd) {
    console.error(`notebook: no Jupyter front end found for ${python} (neither jupyterlab nor notebook imports).\n${INSTALL_HINT}`);
    return 1;
  }
  const args = ['-m', 'jupyter', frontEnd.subcommand, `--notebook-dir=${path.join(ROOT, 'notebooks')}`];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--allow-root');
  args.push(...process.argv.slice(2));
  console.log(`notebook: starting the ${frontEnd.name} (${python} ${args.join(' ')}); pick the kernel 'TypeScript (newton-losses)' (${KERNEL_NAME}). Ctrl-C stops it.`);
  const child = spawn(python, args, { env: jupyterProcessEnv(), stdio: 'inherit' });
  // Ctrl-C reaches Jupyter from the terminal (it asks to confirm); this process waits for it to exit.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 : 1);
  });
  return 0;
}

const code = main();
if (code !== 0) process.exitCode = code;
