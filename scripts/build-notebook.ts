/**
 * Authoring aid: turns a percent-format script into a notebook for the project's kernel.
 * Cells start at lines `// %%` (code) or `// %% [markdown]` (markdown; each line's leading `// `
 * is removed). Sources live in notebooks/src/NN-name.ts; `npm run notebooks:build` rebuilds every
 * notebooks/NN-name.ipynb from them (a test checks they agree). Edit the source, not the notebook.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KERNEL_NAME, ROOT } from './jupyter-env';

interface Cell {
  id: string;
  cell_type: 'code' | 'markdown';
  metadata: Record<string, never>;
  source: string[];
  execution_count?: null;
  outputs?: never[];
}

export function percentToNotebook(text: string): object {
  const cells: Cell[] = [];
  let current: { type: 'code' | 'markdown'; lines: string[] } | null = null;
  const flush = (): void => {
    if (!current) return;
    while (current.lines.length && current.lines[current.lines.length - 1].trim() === '') current.lines.pop();
    const source = current.lines.map((line, i) => (i < current!.lines.length - 1 ? `${line}\n` : line));
    const id = `cell-${String(cells.length).padStart(2, '0')}`;
    cells.push(
      current.type === 'code'
        ? { id, cell_type: 'code', metadata: {}, source, execution_count: null, outputs: [] }
        : { id, cell_type: 'markdown', metadata: {}, source },
    );
  };
  for (const line of text.split('\n')) {
    const marker = /^\/\/ %%( \[markdown\])?\s*$/.exec(line);
    if (marker) {
      flush();
      current = { type: marker[1] ? 'markdown' : 'code', lines: [] };
    } else if (current) {
      if (current.lines.length === 0 && line.trim() === '') continue;
      current.lines.push(current.type === 'markdown' ? line.replace(/^\/\/ ?/, '') : line);
    }
  }
  flush();
  return {
    cells,
    metadata: {
      kernelspec: { name: KERNEL_NAME, display_name: 'TypeScript (newton-losses)', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

if (require.main === module) {
  const sources = path.join(ROOT, 'notebooks', 'src');
  for (const file of fs.readdirSync(sources).filter((f) => f.endsWith('.ts')).sort()) {
    const target = path.join(ROOT, 'notebooks', file.replace(/\.ts$/, '.ipynb'));
    fs.writeFileSync(target, JSON.stringify(percentToNotebook(fs.readFileSync(path.join(sources, file), 'utf8')), null, 1) + '\n');
    console.log(`built ${path.relative(ROOT, target)}`);
  }
}
