/* A container's live figures (the list's columns, the page's charts). */
export { StatsChart, type ChartSeries } from './StatsChart';
export { useContainerStats } from './use-container-stats';
