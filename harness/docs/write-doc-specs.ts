/** `npm run typecheck` starts here: the README spec examples as files, so tsc checks them like any spec. */
import { writeDocSpecs } from './readme-blocks.ts';

writeDocSpecs();
