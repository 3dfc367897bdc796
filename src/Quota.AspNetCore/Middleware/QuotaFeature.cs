using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

/// <summary>The quota state of one request, kept in its features for <c>SetQuotaMeters</c>, <c>GetQuotaUsage</c> and the headers.</summary>
internal sealed class QuotaFeature
{
    public QuotaFeature(HttpContext context, HttpPolicy[] policies)
    {
        Context = context;
        Calls = new PolicyCall[policies.Length];
        for (var i = 0; i < policies.Length; i++)
        {
            Calls[i].Policy = policies[i];
        }
    }

    public HttpContext Context { get; }

    public PolicyCall[] Calls { get; }

    /// <summary>Gets the meters the endpoint set (Zuplo's <c>setMeters</c>), recorded on the way out when the status counts.</summary>
    public Dictionary<string, long>? Meters { get; private set; }

    /// <summary>Gets or sets a value indicating whether the way-out work (refund or record) has run; meters set later are refused.</summary>
    public bool Completed { get; set; }

    public void AddMeter(string meter, long amount)
    {
        ArgumentException.ThrowIfNullOrEmpty(meter);
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (Completed)
        {
            throw new InvalidOperationException(
                $"Meter '{meter}' was set after the quota middleware finished this request. Call SetQuotaMeters in the endpoint, before it returns.");
        }

        Meters ??= new Dictionary<string, long>(StringComparer.Ordinal);
        Meters[meter] = Meters.TryGetValue(meter, out var existing) ? checked(existing + amount) : amount;
    }

    public long PendingMeter(string meter) => Meters is { } meters && meters.TryGetValue(meter, out var amount) ? amount : 0;

    /// <summary>Returns the index of the named policy's call, or -1.</summary>
    public int IndexOf(string policy)
    {
        for (var i = 0; i < Calls.Length; i++)
        {
            if (string.Equals(Calls[i].Policy.Name, policy, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
