package dev.scion.server.config;

/**
 * What uploads and loads ({@code POST /v1/adapters}, {@code /v1/files}, {@code /v1/load_lora_adapter}) may take of
 * the disk. Part of {@link ServerConfig}, with defaults and bounds declared in {@link ServeSettings}; a request
 * beyond either bound is answered 507 {@code insufficient_storage}, checked before its body is read (against a
 * declared {@code Content-Length}) and again as its bytes are written.
 *
 * @param minFreeDisk bytes that must stay free on the disk of the adapter store and of the data folder: an upload
 *     or load that would leave less is refused, so that the server's own small writes (job records, routing,
 *     the audit log) still find room
 * @param filesQuota most bytes the files of {@code /v1/files} may hold together, uploads being received included;
 *     the server's own files (a job's loss curve) count towards it but are never refused
 */
public record StorageLimits(long minFreeDisk, long filesQuota) {

    /** Both bounds at their defaults ({@link ServeSettings}). */
    public static StorageLimits defaults() {
        return ServerConfig.defaults().storage();
    }
}
