// A long-lived child process that runs `main(argv)` in-process for each request from its parent
// (test/fuzz/cli-runner.ts): much faster than spawning the CLI per run, while a hang, an
// out-of-memory crash or a process.exit can only take this child down, never the test runner.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCjs();
register();
const { main } = await import('../../src/cli/main.ts');

const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
let current = null;

const capture = (key, real) =>
  function write(chunk, encoding, cb) {
    if (!current) return real(chunk, encoding, cb);
    current[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') queueMicrotask(done);
    return true;
  };
process.stdout.write = capture('stdout', realOut);
process.stderr.write = capture('stderr', realErr);

// An error escaping main (a stray timer or promise) is a finding too: record it on the current run.
const stray = (kind) => (err) => {
  const text = `${kind}: ${err?.stack ?? String(err)}`;
  if (current) current.stray.push(text);
  else realErr(`${text}\n`);
};
process.on('uncaughtException', stray('uncaughtException'));
process.on('unhandledRejection', stray('unhandledRejection'));

process.on('message', async (msg) => {
  current = { stdout: '', stderr: '', stray: [] };
  const started = performance.now();
  let code;
  try {
    code = await main(msg.argv);
  } catch (err) {
    current.stray.push(`main rejected: ${err?.stack ?? String(err)}`);
    code = -1;
  }
  // Let output written on a later tick (worker threads, timers) arrive before replying.
  await new Promise((r) => setTimeout(r, 0));
  const done = current;
  current = null;
  process.send({ id: msg.id, code, ms: performance.now() - started, ...done });
});
process.send({ ready: true });
