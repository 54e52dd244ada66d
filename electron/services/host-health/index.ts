export * from './proc-parsers';
export { SftpSampler, PROC_FILE_CAP, DEFAULT_SAMPLE_TIMEOUT_MS, type HostSample, type FilesystemUsage } from './sftp-sampler';
