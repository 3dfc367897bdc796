namespace Quota;

/// <summary>Sums grants per meter, saturating at <see cref="long.MaxValue"/> (a store caps each total; this only guards a hand-made list).</summary>
internal static class GrantTotals
{
    public static IReadOnlyDictionary<string, long> Of(IReadOnlyList<QuotaGrant> grants)
    {
        if (grants.Count == 0)
        {
            return EmptyMeters.Instance;
        }

        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var grant in grants)
        {
            totals[grant.Meter] = QuotaMeterDelta.PlusGranted(totals.GetValueOrDefault(grant.Meter), grant.Amount);
        }

        return totals;
    }
}
