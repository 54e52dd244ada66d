export * from './proc-parsers';
export { SftpSampler, PROC_FILE_CAP, type HostSample, type FilesystemUsage } from './sftp-sampler';
