/** `npm run lab` = `push-lab start`. */
import { runLab } from './cli.ts';

process.exitCode = await runLab(process.argv.slice(2));
