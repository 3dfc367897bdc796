using NodaTime;

namespace Quota;

/// <summary>What <see cref="IQuotaService.ListUsageAsync"/> and <see cref="IQuotaService.GetUsagePageAsync"/> list.</summary>
public sealed class QuotaListOptions
{
    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxPageSize = 10_000;

    /// <summary>
    /// Gets or sets the instant whose cycle is listed, or <see langword="null"/> (the default) for now. Each subject is listed
    /// in its own cycle containing this instant: with first-use anchors, subjects' cycles start and end at different times.
    /// A listing of an earlier cycle finds its counters only while they are kept (<see cref="QuotaOptions.ExpiredCounterRetention"/>).
    /// </summary>
    /// <remarks><see cref="IQuotaService.ListUsageAsync"/> reads the clock once, so every page of one listing lists the same cycles.</remarks>
    public Instant? At { get; set; }

    /// <summary>Gets or sets how many subjects one store call lists, from 1 to <see cref="MaxPageSize"/>. Defaults to 1,000.</summary>
    public int PageSize { get; set; } = 1_000;

    /// <summary>Gets or sets where to start: the <see cref="QuotaUsagePage.Continuation"/> of an earlier page, or <see langword="null"/> for the first.</summary>
    public string? Continuation { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether subjects with nothing in the cycle (no usage, grant or alert) are listed too,
    /// at zero. Defaults to <see langword="false"/>: a listing holds the subjects that used, or were granted, something in it.
    /// </summary>
    public bool IncludeUnused { get; set; }
}
