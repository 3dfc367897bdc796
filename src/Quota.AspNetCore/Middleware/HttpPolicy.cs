using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

/// <summary>One policy as the middleware runs it: Quota.Core's validated policy plus its validated, copied HTTP settings.</summary>
internal sealed class HttpPolicy
{
    private PolicyItem? _lastItem;

    public HttpPolicy(QuotaPolicy policy, QuotaHttpPolicyOptions http)
    {
        Policy = policy;
        Name = policy.Name;
        QuotaBy = http.QuotaBy;
        Counted = http.QuotaOnStatusCodes == QuotaHttpPolicyOptions.DefaultStatusCodes ? StatusCodeRanges.Default : StatusCodeRanges.Parse(http.QuotaOnStatusCodes);
        SubjectFromRequest = http.SubjectFromRequest;
        IsEnforced = policy.Enforcement == QuotaEnforcement.Enforce;
        CountsByUser = QuotaBy == QuotaBy.User;
        HeaderName = RateLimitHeaders.TryQuote(policy.Name);
    }

    public string Name { get; }

    public QuotaPolicy Policy { get; }

    public QuotaBy QuotaBy { get; }

    /// <summary>Gets the response statuses that count; any other status gives the reserved request back.</summary>
    public StatusCodeRanges Counted { get; }

    public Func<HttpContext, ValueTask<QuotaSubject?>>? SubjectFromRequest { get; }

    /// <summary>Gets a value indicating whether the caller is the authenticated user, with no function to call: the fast path.</summary>
    public bool CountsByUser { get; }

    /// <summary>Gets a value indicating whether the policy refuses (and advertises itself in RateLimit headers); shadow policies do neither.</summary>
    public bool IsEnforced { get; }

    /// <summary>Gets the policy's name as a structured-field string (<c>"name"</c>), or <see langword="null"/> when it cannot be one.</summary>
    public string? HeaderName { get; }

    /// <summary>
    /// Returns this policy's <c>RateLimit-Policy</c> item for a meter, reusing the last one formatted when the limit and
    /// window are unchanged (they change only with the cycle's length or per-caller allowances).
    /// </summary>
    public PolicyItem? PolicyItem(string meter, bool first, long limit, long window)
    {
        var cached = Volatile.Read(ref _lastItem);
        if (cached is not null && cached.Limit == limit && cached.Window == window && cached.First == first && cached.Meter == meter)
        {
            return cached;
        }

        var item = RateLimitHeaders.FormatItem(Name, HeaderName, meter, first, limit, window);
        Volatile.Write(ref _lastItem, item);
        return item;
    }

    public ValueTask<QuotaSubject?> ResolveSubjectAsync(HttpContext context)
        => QuotaSubjects.ResolveAsync(context, QuotaBy, SubjectFromRequest, Name);

    public override string ToString() => Name;
}
