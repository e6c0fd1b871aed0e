/**
 * `npm run setup`, after `npm ci`: finds or installs Jupyter's headless runner (nbconvert,
 * nbclient, jupyter_client), registers the tslab kernel `newton-losses` in the project-local
 * prefix `.jupyter/`, and checks that the kernel starts and runs a cell.
 *
 * Jupyter is looked for in /usr/bin/python3 and python3 on PATH. If missing: Debian packages via
 * apt-get when running as root, else `pip install --user`, else a message saying what to install.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JUPYTER_DATA, KERNEL_NAME, ROOT, jupyterProcessEnv, registerKernel, writeJupyterEnv } from './jupyter-env';

const DEBIAN_PACKAGES = ['jupyter-nbconvert', 'python3-nbclient', 'jupyter-client', 'python3-ipykernel'];
const PIP_PACKAGES = ['nbconvert', 'nbclient', 'jupyter_client', 'ipykernel'];
const IMPORT_CHECK = 'import nbconvert, nbclient, jupyter_client';

function run(command: string, args: string[], options: { quiet?: boolean } = {}): boolean {
  const result = spawnSync(command, args, { stdio: options.quiet ? 'ignore' : 'inherit' });
  return result.status === 0;
}

function pythonCandidates(): string[] {
  const found = ['/usr/bin/python3'];
  const onPath = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) found.push(onPath);
  return [...new Set(found)].filter((p) => fs.existsSync(p));
}

function findJupyterPython(): string | null {
  return pythonCandidates().find((python) => run(python, ['-c', IMPORT_CHECK], { quiet: true })) ?? null;
}

function installJupyter(): string | null {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && run('sh', ['-c', 'command -v apt-get'], { quiet: true })) {
    console.log(`setup: installing Jupyter from Debian packages: ${DEBIAN_PACKAGES.join(' ')}`);
    const env = 'DEBIAN_FRONTEND=noninteractive';
    if (run('sh', ['-c', `${env} apt-get update -qq && ${env} apt-get install -y -qq --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`])) {
      return findJupyterPython();
    }
  }
  for (const python of pythonCandidates()) {
    console.log(`setup: trying \`${python} -m pip install --user ${PIP_PACKAGES.join(' ')}\``);
    if (run(python, ['-m', 'pip', 'install', '--user', '--quiet', ...PIP_PACKAGES])) return findJupyterPython();
  }
  return null;
}

/** Starts the kernel through jupyter_client, runs `1 + 1` and expects `2` back. */
function kernelStarts(python: string): boolean {
  const probe = `
import sys, jupyter_client
km, kc = jupyter_client.manager.start_new_kernel(kernel_name=${JSON.stringify(KERNEL_NAME)}, startup_timeout=120)
seen = []
try:
    kc.execute_interactive("1 + 1", timeout=120, output_hook=lambda m: seen.append(m))
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
    del kc, km  # release before interpreter shutdown, when jupyter_client's __del__ cannot log
text = "".join(str(m["content"].get("text", "")) + str(m["content"].get("data", {}).get("text/plain", "")) for m in seen)
sys.exit(0 if "2" in text else 1)
`;
  const result = spawnSync(python, ['-c', probe], { env: jupyterProcessEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  return result.status === 0;
}

function main(): void {
  let python = findJupyterPython();
  if (!python) python = installJupyter();
  if (!python) {
    console.error(
      'setup: Jupyter was not found and could not be installed.\n' +
        `  On Debian/Ubuntu (as root): apt-get install ${DEBIAN_PACKAGES.join(' ')}\n` +
        `  Elsewhere: python3 -m pip install --user ${PIP_PACKAGES.join(' ')}\n` +
        'Then run `npm run setup` again. The library and `npm test` outside the notebook tests work without it.',
    );
    process.exit(1);
  }
  registerKernel();
  writeJupyterEnv({ python });
  if (!kernelStarts(python)) {
    console.error(`setup: the '${KERNEL_NAME}' kernel did not start or answer (python: ${python}).`);
    process.exit(1);
  }
  console.log(`setup: ok. Jupyter via ${python}; kernel '${KERNEL_NAME}' registered in ${path.relative(ROOT, JUPYTER_DATA)} and answering.`);
  console.log('setup: open the notebooks with  npm run notebook');
}

main();
