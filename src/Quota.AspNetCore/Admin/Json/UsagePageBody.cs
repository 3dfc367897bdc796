namespace Quota.AspNetCore.Admin;

/// <summary>
/// A page of <c>GET api/usage</c>. <see cref="At"/> is the instant whose cycles are listed (echoed, so every page of one
/// listing lists the same cycles); <see cref="Next"/> is the URL of the next page, <see langword="null"/> after the last.
/// A page may hold fewer items than asked for, even none, while <see cref="Next"/> is set.
/// </summary>
internal sealed record UsagePageBody(string Policy, string At, IReadOnlyList<UsageBody> Items, string? Continuation, string? Next);
