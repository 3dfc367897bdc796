namespace Quota;

/// <summary>
/// Implemented by an <see cref="IQuotaStore"/> that keeps usage in a database, to name that database in Quota's telemetry:
/// the <c>db.system.name</c> attribute of the <c>quota.store.call.duration</c> histogram and of the store calls' spans,
/// whose kind is then <see cref="System.Diagnostics.ActivityKind.Client"/>. A store that does not implement it (the
/// in-memory store) is measured and traced without it, as an internal call.
/// </summary>
public interface IQuotaStoreTelemetry
{
    /// <summary>
    /// Gets the database's name as OpenTelemetry's semantic conventions spell it (<c>db.system.name</c>): <c>sqlite</c>,
    /// <c>redis</c>, <c>postgresql</c>…; <see langword="null"/> when the store is not a database.
    /// </summary>
    string? DatabaseSystemName { get; }
}
