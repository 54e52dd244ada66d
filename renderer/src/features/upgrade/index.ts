/* The container page offers an upgrade, and a rollback after one, with these. */
export { UpgradeBanner, UpgradeButton } from './UpgradeButton';
