using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

/// <summary>
/// The quota state of one request, kept in its features for <c>SetQuotaMeters</c>, <c>GetQuotaUsage</c> and the headers.
/// One object per request: the call of a lone policy (the common endpoint) is held inline, several share one array.
/// </summary>
internal sealed class QuotaFeature
{
    private readonly PolicyCall[]? _many;
    private PolicyCall _one;

    public QuotaFeature(HttpContext context, HttpPolicy[] policies)
    {
        Context = context;
        Count = policies.Length;
        if (policies.Length == 1)
        {
            _one.Policy = policies[0];
            return;
        }

        _many = new PolicyCall[policies.Length];
        for (var i = 0; i < policies.Length; i++)
        {
            _many[i].Policy = policies[i];
        }
    }

    public HttpContext Context { get; }

    /// <summary>Gets the number of policies that cover the request.</summary>
    public int Count { get; }

    /// <summary>Gets each policy's call, in the order the policies run.</summary>
    public Span<PolicyCall> Calls => _many ?? MemoryMarshal.CreateSpan(ref _one, 1);

    /// <summary>Gets the meters the endpoint set (Zuplo's <c>setMeters</c>), recorded on the way out when the status counts.</summary>
    public Dictionary<string, long>? Meters { get; private set; }

    /// <summary>Gets or sets a value indicating whether the way-out work (refund or record) has run; meters set later are refused.</summary>
    public bool Completed { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the middleware wrote the RateLimit headers before the endpoint ran; they are
    /// then rewritten whenever meters or the way out change them, as long as the response has not started.
    /// </summary>
    public bool HeadersWritten { get; set; }

    /// <summary>Returns the request's quota state, or <see langword="null"/> when no policy covers it.</summary>
    /// <remarks>The non-generic indexer: <c>Get&lt;T&gt;</c> is a generic virtual call, several times as slow.</remarks>
    public static QuotaFeature? Of(HttpContext context) => context.Features[typeof(QuotaFeature)] as QuotaFeature;

    /// <summary>Returns the call of the policy at <paramref name="index"/>.</summary>
    public ref PolicyCall Call(int index) => ref Calls[index];

    /// <summary>Puts this state in the request's features, where <see cref="Of"/> finds it.</summary>
    public void Attach() => Context.Features[typeof(QuotaFeature)] = this;

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

    /// <summary>Rewrites the RateLimit headers written before the endpoint, for <paramref name="status"/>, unless the response has started.</summary>
    public void RefreshHeaders(int status)
    {
        if (HeadersWritten && !Context.Response.HasStarted)
        {
            RateLimitHeaders.Write(this, status);
        }
    }

    public long PendingMeter(string meter) => Meters is { } meters && meters.TryGetValue(meter, out var amount) ? amount : 0;

    /// <summary>Returns the index of the named policy's call, or -1.</summary>
    public int IndexOf(string policy)
    {
        var calls = Calls;
        for (var i = 0; i < calls.Length; i++)
        {
            if (string.Equals(calls[i].Policy.Name, policy, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
