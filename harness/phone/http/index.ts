export { createPhoneRouter } from './router.ts';
export type { PhoneRouterOptions } from './router.ts';
export { RemotePhone, PhoneHttpError } from './remote-phone.ts';
export { PHONES_PATH, PHONE_ROUTES } from './routes.ts';
export type { PhoneListing, ErrorBody } from './routes.ts';
