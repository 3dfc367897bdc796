namespace Quota;

/// <summary>Options of the <see cref="InMemoryQuotaStore"/>.</summary>
public sealed class InMemoryQuotaStoreOptions
{
    /// <summary>Gets or sets how often, at most, expired counters are swept from memory. Defaults to one minute.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
