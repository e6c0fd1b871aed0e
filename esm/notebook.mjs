// ES module entry point of newton-losses/notebook: the CommonJS build re-exported (one instance).
export * from '../dist/notebook.js';
