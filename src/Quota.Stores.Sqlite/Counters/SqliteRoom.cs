namespace Quota.Stores.Sqlite;

/// <summary>
/// How much room a delta needs in a meter, as the add statements check it: the value may be at most <see cref="Cap"/>
/// (so the sum never passes <see cref="long.MaxValue"/>, which SQLite would silently turn into a float), and the value
/// less the cycle's grants at most <see cref="Limit"/> (within the limit, see <see cref="QuotaMeterDelta.Fits(long, long)"/>).
/// </summary>
internal readonly record struct SqliteRoom(long Cap, long Limit)
{
    /// <summary>The room of a delta; an unconditional add (or an unlimited meter) has no limit but the cap.</summary>
    public static SqliteRoom Of(in QuotaMeterDelta delta, bool limited)
        => new(long.MaxValue - delta.Amount, limited && delta.Limit is { } limit ? limit - Math.Max(delta.Amount, 1) : long.MaxValue);
}
