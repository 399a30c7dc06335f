// Appium imports this file as plain Node ESM (the appium service clears NODE_OPTIONS, so no tsx
// loader is active): register tsx here, then load the TypeScript driver. No build step.
import { register } from 'tsx/esm/api';

register();
const { VirtualOppoDriver } = await import('./lib/index.ts');

export { VirtualOppoDriver };
export default VirtualOppoDriver;
