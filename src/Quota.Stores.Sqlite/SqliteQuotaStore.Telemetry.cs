namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore : IQuotaStoreTelemetry
{
    /// <summary>Gets <c>sqlite</c>: Quota's store-call spans and durations carry it as <c>db.system.name</c>.</summary>
    public string DatabaseSystemName => "sqlite";
}
