// The `schedbench` command, started by bin/schedbench.js: from the sources through tsx in the
// repository, as compiled JavaScript (dist/src/cli/entry.js) in the installed package.
import { installProcessGuard } from '../common/process-guard.ts';
import { main } from './main.ts';

// Plugin code runs in this thread when it is loaded: it may not exit the process or crash it.
installProcessGuard();
process.exitCode = await main(process.argv.slice(2));
