using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Quota.AspNetCore;

/// <summary>One policy as the middleware runs it: Quota.Core's validated policy plus its validated, copied HTTP settings.</summary>
internal sealed class HttpPolicy
{
    private static readonly QuotaHttpPolicyOptions Defaults = new();

    public HttpPolicy(QuotaPolicy policy, QuotaHttpPolicyOptions? http)
    {
        http ??= Defaults;
        Policy = policy;
        Name = policy.Name;
        QuotaBy = http.QuotaBy;
        Counted = http.QuotaOnStatusCodes == QuotaHttpPolicyOptions.DefaultStatusCodes ? StatusCodeRanges.Default : StatusCodeRanges.Parse(http.QuotaOnStatusCodes);
        GetQuotaDetail = http.GetQuotaDetail;
        GetAnchorDate = http.GetAnchorDate;
        IsEnforced = policy.Enforcement == QuotaEnforcement.Enforce;
        HeaderName = RateLimitHeaders.TryQuote(policy.Name);
    }

    public string Name { get; }

    public QuotaPolicy Policy { get; }

    public QuotaBy QuotaBy { get; }

    /// <summary>Gets the response statuses that count; any other status gives the reserved request back.</summary>
    public StatusCodeRanges Counted { get; }

    public Func<HttpContext, ValueTask<QuotaSubjectDetail?>>? GetQuotaDetail { get; }

    public Func<HttpContext, ValueTask<Instant>>? GetAnchorDate { get; }

    /// <summary>Gets a value indicating whether the policy refuses (and advertises itself in RateLimit headers); shadow policies do neither.</summary>
    public bool IsEnforced { get; }

    /// <summary>Gets the policy's name as a structured-field string (<c>"name"</c>), or <see langword="null"/> when it cannot be one.</summary>
    public string? HeaderName { get; }

    public ValueTask<QuotaSubject?> ResolveSubjectAsync(HttpContext context)
        => QuotaSubjects.ResolveAsync(context, QuotaBy, GetQuotaDetail, GetAnchorDate, Name);

    public override string ToString() => Name;
}
