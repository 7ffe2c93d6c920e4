// Preloaded with `node --import` (NODE_OPTIONS) by tests that ask which modules a process loads:
// every ES module URL the process resolves is appended to the file named by G8_TEST_MODULE_LOG;
// specifiers starting with G8_TEST_MODULE_HIDE are not found, as if that package were not installed.
import { register } from 'node:module';

if (process.env.G8_TEST_MODULE_LOG) {
  register('./module-log-hooks.mjs', import.meta.url, {
    data: { file: process.env.G8_TEST_MODULE_LOG, hide: process.env.G8_TEST_MODULE_HIDE },
  });
}
