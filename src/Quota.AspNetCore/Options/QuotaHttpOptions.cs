namespace Quota.AspNetCore;

/// <summary>
/// The middleware's settings that cover every policy, part of <see cref="QuotaOptions"/>: <c>options.Http()</c> in code
/// (or <c>.AddHttp(o => …)</c>), <c>Quota:GlobalPolicy</c> in configuration.
/// </summary>
public sealed class QuotaHttpOptions
{
    /// <summary>
    /// Gets or sets a policy that covers every request through <c>UseQuota()</c>, in addition to the endpoint's own
    /// (endpoints with <c>DisableQuota()</c> excepted). <see langword="null"/> (the default) for none.
    /// </summary>
    public string? GlobalPolicy { get; set; }

    /// <summary>
    /// Gets or sets a callback that runs when a request is refused (429) or a fail-closed store is unavailable (503), after the
    /// status and headers are set and before the problem body is written. It may change the status, the headers or
    /// <see cref="QuotaRejectedContext.ProblemDetails"/>, or write a response of its own. Code only.
    /// </summary>
    public Func<QuotaRejectedContext, ValueTask>? OnRejected { get; set; }
}
