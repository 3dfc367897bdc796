namespace Quota.PluginSdk;

/// <summary>
/// Rows taken out of the client's counters to be recorded together. The batch keeps its idempotency id and amounts
/// until the store confirms them, so every retry — including one at a later flush — writes the very same record.
/// </summary>
internal sealed class UsageBatch(string id, Dictionary<string, long> amounts, long rows)
{
    public string Id { get; } = id;

    public IReadOnlyDictionary<string, long> Amounts { get; } = amounts;

    public long Rows { get; } = rows;

    /// <summary>Gets or sets how many times the batch has been sent so far.</summary>
    public int Attempts { get; set; }
}
