/**
 * `npx push-lab <command> [options]`: one entry point for the lab's command-line tools. Unknown
 * commands are usage errors (exit 2) that list the known ones; `push-lab <command> --help` is the
 * command's own help.
 */
import { SUBCOMMANDS } from './commands.ts';

export function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return `Usage: npx push-lab <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n\`npx push-lab <command> --help\` shows a command's options.`;
}

export async function pushLab(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!command) {
    console.error(`push-lab: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}
