// ES module entry point of newton-losses: the CommonJS build re-exported, so that `import` and
// `require` share one instance of the library (and of the gradients it registers with tfjs).
export * from '../dist/index.js';
