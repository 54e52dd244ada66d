import { app } from './app';
import { containers } from './containers';
import { engines } from './engines';
import { hosts } from './hosts';
import { images } from './images';
import { keys } from './keys';
import { kuma } from './kuma';
import { monitors } from './monitors';
import { networks } from './networks';
import { stacks } from './stacks';
import { volumes } from './volumes';

/**
 * Every feature's record, by the service name its methods are called under (`hosts.add`). The
 * generic stream calls (`streams.*`) are added in methods.ts: they are built from these records'
 * stream kinds. A new feature is its file plus one line here.
 */
export const FEATURES = { app, hosts, keys, containers, images, volumes, networks, engines, monitors, kuma, stacks };
export type Features = typeof FEATURES;
export type FeatureName = keyof Features;
