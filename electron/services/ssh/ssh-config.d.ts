/**
 * A reader for ~/.ssh/config, enough to import hosts: which aliases exist and where each one
 * really goes (HostName, User, Port, first IdentityFile).
 *
 * Resolution follows OpenSSH (ssh_config(5)): for an alias, every `Host` block whose patterns
 * match it is applied in file order, and for each setting the FIRST value obtained wins. So a
 * `Host *` block at the top overrides later specific blocks, and one at the bottom only fills in
 * what they left unset — exactly what `ssh <alias>` would use. Lines before the first `Host` apply
 * to every host. `Match` blocks are not evaluated (their conditions need a live connection); their
 * settings are skipped. `Include` is not followed and is reported as a problem.
 * Never throws: anything malformed becomes a problem with its line number.
 */
export interface SshConfigHost {
    alias: string;
    hostname: string;
    user: string | null;
    port: number;
    identityFile: string | null;
}
export interface SshConfigProblem {
    line: number;
    message: string;
}
export interface ParsedSshConfig {
    hosts: SshConfigHost[];
    problems: SshConfigProblem[];
}
export declare function parseSshConfig(text: string, homeDir: string): ParsedSshConfig;
/**
 * Read and parse an ssh config file. A missing file is an empty result (most people have none);
 * any other read error is SSH_CONFIG.
 */
export declare function readSshConfig(path: string, homeDir?: string): Promise<ParsedSshConfig & {
    path: string;
}>;
