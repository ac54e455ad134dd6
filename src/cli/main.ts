import { Command, CommanderError } from 'commander';
import { builtinCatalog } from '../catalog/bootstrap.ts';
import { ExitStatus, InputError, UsageError } from '../common/errors.ts';
import { quote } from '../common/safe-text.ts';
import { TOOL_VERSION } from '../report/build-report.ts';
import { PluginError } from '../scheduler/errors.ts';
import { registerCapacity } from './capacity.ts';
import { registerCheck } from './check.ts';
import { registerCompare } from './compare.ts';
import { registerConvert } from './convert.ts';
import { registerDemo } from './demo.ts';
import { registerExplain } from './explain.ts';
import { registerFiltersAndWeighers } from './filters-weighers.ts';
import { registerGenerate } from './generate.ts';
import { commanderErrorLine, docsFooter, examples, HELP_CONFIG, pointErrorsAtHelp } from './help.ts';
import { registerMerge } from './merge.ts';
import { registerMetrics } from './metrics.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerStrategies } from './strategies.ts';

/** Exit codes: 0 success, 1 a failed check or failed tasks, 2 bad input or usage, 3 internal error, 130 interrupted. */
export async function main(argv: readonly string[]): Promise<number> {
  const registry = builtinCatalog();
  const program = new Command('schedbench')
    .description(
      'Replay cloud VM request traces against OpenStack-style scheduler strategies and measure them.',
    )
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(commanderErrorLine(s)),
    })
    .configureHelp(HELP_CONFIG)
    .addHelpText('after', examples('schedbench demo', 'schedbench run --help', 'schedbench strategies'))
    .addHelpText('afterAll', docsFooter());
  registerRun(program, registry);
  registerDemo(program, registry, registry.names());
  registerGenerate(program);
  registerConvert(program);
  registerStrategies(program, registry);
  registerCompare(program);
  registerCheck(program);
  registerReport(program);
  registerMerge(program);
  registerCapacity(program, registry);
  registerExplain(program, registry);
  registerFiltersAndWeighers(program, registry);
  registerMetrics(program);
  pointErrorsAtHelp(program);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  // `help NAME` of no command: commander would print the whole help as its error.
  const names = program.commands.map((c) => c.name());
  if (argv[0] === 'help' && argv.length > 1 && !names.includes(argv[1])) {
    process.stderr.write(
      `schedbench: ${new UsageError(`help: no command ${quote(argv[1])} (commands: ${names.join(', ')})`).message}\n`,
    );
    return 2;
  }
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? 0
        : 2;
    }
    if (err instanceof ExitStatus) {
      if (err.message) process.stderr.write(`schedbench: ${err.message}\n`);
      return err.code;
    }
    if (err instanceof InputError || err instanceof UsageError || err instanceof PluginError) {
      process.stderr.write(`schedbench: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`schedbench: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.SCHEDBENCH_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 3;
  }
}
