/** Image updates: asking registries for a tag's digest and tag list, and which tags are newer. */
export { RegistryClient, registryFailure, targetOf, type DigestAnswer, type Platform, type RegistryCredentials, type RegistryFailure } from './registry-client';
export { newerTags, parseVersionTag, type Change, type NewerTag, type TagCheck } from './semver-tags';
