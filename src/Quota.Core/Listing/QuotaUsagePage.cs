namespace Quota;

/// <summary>One page of a policy's usage listing (<see cref="IQuotaService.GetUsagePageAsync"/>).</summary>
public sealed class QuotaUsagePage
{
    /// <summary>Initializes a page.</summary>
    /// <param name="items">Each listed subject's usage in its cycle.</param>
    /// <param name="continuation">Where the next page starts, or <see langword="null"/> after the last.</param>
    public QuotaUsagePage(IReadOnlyList<QuotaUsage> items, string? continuation)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
        Continuation = continuation;
    }

    /// <summary>
    /// Gets each listed subject's usage. A page lists at most <see cref="QuotaListOptions.PageSize"/> subjects and may hold
    /// fewer — even none while <see cref="Continuation"/> is set — since subjects with nothing in the cycle are left out.
    /// </summary>
    public IReadOnlyList<QuotaUsage> Items { get; }

    /// <summary>Gets the token to pass as <see cref="QuotaListOptions.Continuation"/> for the next page, or <see langword="null"/> when this is the last.</summary>
    public string? Continuation { get; }
}
