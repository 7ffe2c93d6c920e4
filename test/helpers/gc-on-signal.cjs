// Preloaded into a server under test (node --expose-gc --require …): SIGUSR2 runs a full GC, so a
// memory test measures what is retained rather than what V8 has not collected yet.
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
});
