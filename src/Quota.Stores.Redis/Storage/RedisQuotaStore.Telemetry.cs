namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore : IQuotaStoreTelemetry
{
    /// <summary>Gets <c>redis</c>: Quota's store-call spans and durations carry it as <c>db.system.name</c>.</summary>
    public string DatabaseSystemName => "redis";
}
