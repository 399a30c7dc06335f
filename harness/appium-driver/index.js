// Placeholder entry until the driver lands; Appium imports this file (ESM) and reads mainClass.
export class VirtualOppoDriver {}
