// Preloaded into the server under test (node --expose-gc --require …): SIGUSR2 runs a full GC and
// reports the process's memory on stderr as one JSON line, so the memory figures are what is
// retained rather than what V8 has not collected yet.
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ g8bench: { rss, heapUsed, external, arrayBuffers } })}\n`);
});
