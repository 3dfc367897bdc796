using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Quota.AspNetCore;

/// <summary>
/// Writes <c>RateLimit-Policy</c> and <c>RateLimit</c> (draft-ietf-httpapi-ratelimit-headers) for every enforced policy of a
/// request, before its response starts.
/// </summary>
/// <remarks>
/// <para>
/// Each limited meter of a policy is one list item. The policy's first limited meter (<c>requests</c> when it is limited)
/// is named after the policy; further limited meters are named <c>policy/meter</c>. A meter other than <c>requests</c>
/// carries its name as the quota unit: <c>"completions-monthly";q=50000;w=2592000;qu="tokens"</c>.
/// </para>
/// <para>
/// <c>w</c> is the length of the caller's current cycle and <c>t</c> the time until it resets, both in whole seconds rounded
/// up; <c>r</c> is what is left as of the response's start. The middleware writes the headers before the endpoint runs,
/// with this request counted; meters the endpoint sets are added as it sets them, and a status outside
/// <c>QuotaOnStatusCodes</c> gives the request back in the headers too, when the response starts after the endpoint
/// returns. A response the endpoint started itself went out while its request was still counted, so it reports that.
/// </para>
/// </remarks>
internal static class RateLimitHeaders
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";
    private const string RequestsMeter = "requests";

    /// <summary>Gets the <see cref="HttpResponse.OnStarting(Func{object, Task}, object)"/> callback; its state is the request's <see cref="QuotaFeature"/>.</summary>
    public static Func<object, Task> OnStarting { get; } = static state =>
    {
        Write((QuotaFeature)state);
        return Task.CompletedTask;
    };

    /// <summary>Returns <paramref name="name"/> as a structured-field string, or <see langword="null"/> if it has characters outside printable ASCII.</summary>
    public static string? TryQuote(string name)
    {
        var builder = new StringBuilder(name.Length + 2).Append('"');
        foreach (var c in name)
        {
            if (c is < ' ' or > '~')
            {
                return null;
            }

            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Writes the headers for the response's current status: a status that does not count gives the request back.</summary>
    public static void Write(QuotaFeature feature) => Write(feature, feature.Context.Response.StatusCode);

    /// <summary>Writes the headers with every reserved request counted, as they stand before the endpoint runs.</summary>
    public static void WriteAsCounted(QuotaFeature feature) => Write(feature, status: null);

    /// <summary>Writes the headers for <paramref name="status"/>, or with every reserved request counted when it is <see langword="null"/>.</summary>
    public static void Write(QuotaFeature feature, int? status)
    {
        var text = default(HeaderText);
        foreach (ref readonly var call in feature.Calls)
        {
            if (!call.Policy.IsEnforced)
            {
                continue;
            }

            if (call.HasDecision && call.Decision.MeterCount > 0)
            {
                AppendDecision(ref text, feature, in call, status);
            }
            else if (call.Read is { } read)
            {
                AppendUsage(ref text, call.Policy, read);
            }
        }

        if (text.Items > 0)
        {
            var headers = feature.Context.Response.Headers;
            headers[PolicyHeader] = text.PolicyValue();
            headers[StateHeader] = text.StateValue();
        }
    }

    private static void AppendDecision(ref HeaderText text, QuotaFeature feature, in PolicyCall call, int? status)
    {
        ref readonly var decision = ref call.Decision;
        var refunded = call.Refunded || (call.Reserved && status is { } final && !call.Policy.Counted.Contains(final));
        var recorded = call.Reserved && !refunded;
        var window = CeilingSeconds(decision.Cycle.Length);
        var reset = CeilingSeconds(decision.TimeUntilReset);
        var first = true;
        for (var i = 0; i < decision.MeterCount; i++)
        {
            var meter = decision.GetMeter(i);
            if (meter.Limit is not { } limit)
            {
                continue;
            }

            var used = meter.Used;
            if (refunded && meter.Meter == RequestsMeter)
            {
                used--;
            }
            else if (recorded)
            {
                used += feature.PendingMeter(meter.Meter);
            }

            Append(ref text, call.Policy, meter.Meter, first, limit, Math.Max(0, limit - used), window, reset);
            first = false;
        }
    }

    private static void AppendUsage(ref HeaderText text, HttpPolicy policy, UsageRead read)
    {
        var usage = read.Usage;
        var window = CeilingSeconds(usage.Cycle.Length);
        var reset = CeilingSeconds(read.TimeUntilReset);
        var first = true;
        foreach (var meter in LimitedMeters(usage))
        {
            Append(ref text, policy, meter, first, usage.Limits[meter], usage.Remaining[meter], window, reset);
            first = false;
        }
    }

    /// <summary>Returns the limited meters in the order decisions report them: <c>requests</c> first, then by name.</summary>
    public static IEnumerable<string> LimitedMeters(QuotaUsage usage)
    {
        if (usage.Limits.ContainsKey(RequestsMeter))
        {
            yield return RequestsMeter;
        }

        foreach (var meter in usage.Limits.Keys.Where(m => m != RequestsMeter).Order(StringComparer.Ordinal))
        {
            yield return meter;
        }
    }

    private static void Append(ref HeaderText text, HttpPolicy policy, string meter, bool first, long limit, long remaining, long window, long reset)
    {
        var item = policy.PolicyItem(meter, first, limit, window);
        if (item is not null)
        {
            text.Add(item, remaining, reset);
        }
    }

    /// <summary>
    /// Returns one <c>RateLimit-Policy</c> item, <c>"name";q=limit;w=window</c> plus <c>;qu="meter"</c> for a meter other
    /// than <c>requests</c>, or <see langword="null"/> when the name cannot be a structured-field string.
    /// </summary>
    public static PolicyItem? FormatItem(string policyName, string? quotedPolicyName, string meter, bool first, long limit, long window)
    {
        var name = first ? quotedPolicyName : TryQuote(policyName + "/" + meter);
        if (name is null)
        {
            return null;
        }

        var unit = meter == RequestsMeter ? null : TryQuote(meter);
        var text = unit is null
            ? string.Create(CultureInfo.InvariantCulture, stackalloc char[128], $"{name};q={limit};w={window}")
            : string.Create(CultureInfo.InvariantCulture, stackalloc char[128], $"{name};q={limit};w={window};qu={unit}");
        return new PolicyItem(meter, first, limit, window, name, text);
    }

    /// <summary>Returns whole seconds, rounded up, as <c>Retry-After</c>, <c>t</c> and <c>w</c> need them.</summary>
    public static long CeilingSeconds(Duration duration)
    {
        var nanos = duration.ToInt64Nanoseconds();
        return nanos <= 0 ? 0 : ((nanos - 1) / NodaConstants.NanosecondsPerSecond) + 1;
    }
}
