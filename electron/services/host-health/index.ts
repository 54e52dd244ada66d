export * from './proc-parsers';
export { SftpSampler, PROC_FILE_CAP, DEFAULT_SAMPLE_TIMEOUT_MS, MAX_SENSORS, type HostSample, type FilesystemUsage } from './sftp-sampler';
