namespace Quota.AspNetCore;

/// <summary>
/// Settings of the quota middleware, bound from the same <c>Quota</c> section as Quota.Core's <see cref="QuotaOptions"/>
/// when the application calls <c>AddQuota(section).AddHttp(section)</c>.
/// </summary>
public sealed class QuotaHttpOptions
{
    /// <summary>Gets or sets the HTTP half of each policy by name (names compare ignoring case). A policy without an entry uses the defaults.</summary>
    public Dictionary<string, QuotaHttpPolicyOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a policy that covers every request through <c>UseQuota()</c>, in addition to the endpoint's own
    /// (endpoints with <c>DisableQuota()</c> excepted). <see langword="null"/> (the default) for none.
    /// </summary>
    public string? GlobalPolicy { get; set; }

    /// <summary>
    /// Gets or sets a callback that runs when a request is refused (429) or a fail-closed store is unavailable (503), after the
    /// status and headers are set and before the problem body is written. It may change the status, the headers or
    /// <see cref="QuotaRejectedContext.ProblemDetails"/>, or write a response of its own.
    /// </summary>
    public Func<QuotaRejectedContext, ValueTask>? OnRejected { get; set; }
}
