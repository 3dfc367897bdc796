namespace Quota.PluginSdk;

/// <summary>
/// The client of a plugin whose usage is not metered (<see cref="PluginMeta.SkipUsageClient"/>): it checks its
/// arguments like the metered client, so code that runs unmetered runs metered too, but counts nothing and always has quota.
/// </summary>
internal sealed class NoOpUsageClient(PluginMeta plugin, UsageScope scope) : IUsageClient
{
    private IncreaseGuard _guard;

    public string TeamName => Plugin.Team;

    public PluginMeta Plugin { get; } = plugin;

    public UsageScope Scope { get; } = scope;

    public string SubjectKey { get; } = UsageSubjects.KeyOf(plugin, scope);

    public void Increase(uint rows) => _guard.CheckTotal(rows);

    public void IncreaseForTable(string table, uint rows) => _guard.CheckTable(table, rows);

    public bool TryIncrease(uint rows)
    {
        _guard.CheckTotal(rows);
        return true;
    }

    public bool TryIncreaseForTable(string table, uint rows)
    {
        _guard.CheckTable(table, rows);
        return true;
    }

    public ValueTask<CheckQuotaResult> CheckQuotaAsync(CancellationToken cancellationToken = default)
        => new(CheckQuotaResult.Unmetered);

    public Task CloseAsync()
    {
        _guard.Close();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => new(CloseAsync());
}
