/** The stack config as Pulumi hands it over: `questdb-cloud:region` and `questdb-cloud:databases`. */
export interface RawStackConfig {
    readonly stack: string;
    /** `aws:region`. */
    readonly awsRegion: unknown;
    readonly region: unknown;
    readonly databases: unknown;
    /** Whether `questdb-cloud:credentialsSeed` is set; only its presence is checked here. */
    readonly hasCredentialsSeed: boolean;
}
