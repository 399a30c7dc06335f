export { VirtualOppoDriver } from './driver.ts';
export { VirtualOppoDriver as default } from './driver.ts';
