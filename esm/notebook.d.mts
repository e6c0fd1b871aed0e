export * from '../dist/notebook.js';
