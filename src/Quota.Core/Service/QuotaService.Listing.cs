using System.Runtime.CompilerServices;
using NodaTime;

namespace Quota;

internal sealed partial class QuotaService
{
    public IAsyncEnumerable<QuotaUsage> ListUsageAsync(string policy, QuotaListOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Checked here, not on the first MoveNextAsync: a wrong name fails where the listing is asked for.
        var runtime = Runtime(policy);
        var pages = Copy(options);
        pages.At ??= _time.Exact();
        return ListUsageCoreAsync(runtime, pages, cancellationToken);
    }

    public async ValueTask<QuotaUsagePage> GetUsagePageAsync(string policy, QuotaListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        var page = Copy(options);
        page.At ??= _time.Exact();
        return await GetUsagePageCoreAsync(runtime, page, cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<QuotaUsage> ListUsageCoreAsync(PolicyRuntime runtime, QuotaListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        do
        {
            var page = await GetUsagePageCoreAsync(runtime, options, cancellationToken).ConfigureAwait(false);
            foreach (var usage in page.Items)
            {
                yield return usage;
            }

            options.Continuation = page.Continuation;
        }
        while (options.Continuation is not null);
    }

    /// <summary>Lists one page of subjects, places each in its cycle containing <see cref="QuotaListOptions.At"/>, and reads those counters in one call.</summary>
    private async ValueTask<QuotaUsagePage> GetUsagePageCoreAsync(PolicyRuntime runtime, QuotaListOptions options, CancellationToken cancellationToken)
    {
        var at = options.At!.Value;
        var page = await BulkAsync(runtime, StoreOperation.ListSubjects, token => _store.ListSubjectsAsync(runtime.Name, options.Continuation, options.PageSize, token), cancellationToken).ConfigureAwait(false);
        var placed = new List<(CycleBox Box, IReadOnlyDictionary<string, long> Allowances)>(page.Subjects.Count);
        var counters = new List<QuotaCounterKey>(page.Subjects.Count);
        foreach (var subject in page.Subjects)
        {
            if (await ListedAnchorAsync(runtime, subject, cancellationToken).ConfigureAwait(false) is not { } anchor)
            {
                continue;
            }

            var box = runtime.NewCycle(anchor, at);
            placed.Add((box, await ListedAllowancesAsync(runtime, subject.Key, cancellationToken).ConfigureAwait(false)));
            counters.Add(new QuotaCounterKey(runtime.Name, subject.Key, box.Cycle.Start));
        }

        var snapshots = counters.Count == 0
            ? []
            : await BulkAsync(runtime, StoreOperation.ReadCounters, token => _store.ReadCountersAsync(counters, token), cancellationToken).ConfigureAwait(false);
        var items = new List<QuotaUsage>(snapshots.Count);
        for (var i = 0; i < snapshots.Count; i++)
        {
            if (options.IncludeUnused || !snapshots[i].IsEmpty)
            {
                items.Add(Usage(runtime, placed[i].Box.Anchor, placed[i].Box.Cycle, placed[i].Allowances, snapshots[i]));
            }
        }

        return new QuotaUsagePage(items, page.Continuation);
    }

    /// <summary>
    /// The anchor a listed subject's cycles count from, by the policy's anchor mode; <see langword="null"/> for a first-use
    /// subject without a stored anchor (its calls passed their own, which nothing stored).
    /// </summary>
    private async ValueTask<Instant?> ListedAnchorAsync(PolicyRuntime runtime, QuotaStoredSubject subject, CancellationToken cancellationToken)
        => runtime.Policy.AnchorMode switch
        {
            QuotaAnchorMode.Calendar => runtime.CalendarAnchor,
            QuotaAnchorMode.Function => await CallProviderAsync(runtime, runtime.Policy.AnchorProvider!, subject.Key, "AnchorProvider", cancellationToken).ConfigureAwait(false),
            _ => subject.Anchor,
        };

    /// <summary>
    /// A listed subject's allowances: the policy's, or what the <see cref="QuotaPolicyOptions.SubjectProvider"/> returns for
    /// the listed key when it counts that key under itself (a provider that maps users to their organisation is asked with
    /// the organisation's key; if it maps that elsewhere, the policy's allowances are reported).
    /// </summary>
    private static async ValueTask<IReadOnlyDictionary<string, long>> ListedAllowancesAsync(PolicyRuntime runtime, string key, CancellationToken cancellationToken)
    {
        if (runtime.Policy.SubjectProvider is not { } provider)
        {
            return runtime.Policy.Allowances;
        }

        var detail = await CallProviderAsync(runtime, provider, key, "SubjectProvider", cancellationToken).ConfigureAwait(false);
        return detail is { Allowances: { } allowances } && string.Equals(detail.Key, key, StringComparison.Ordinal)
            ? allowances
            : runtime.Policy.Allowances;
    }

    /// <summary>
    /// Awaits a listing's store call, turning the store's failures into <see cref="QuotaStoreException"/> as every store
    /// call does, but bounded only by the caller's token: a page of a thousand counters may rightly take longer than the
    /// policy's <see cref="QuotaPolicy.StoreTimeout"/>, which is meant for one consume. Measured and traced as every
    /// store call is.
    /// </summary>
    private async ValueTask<T> BulkAsync<T>(PolicyRuntime runtime, string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var trace = _storeCalls.Start(runtime.Name, operation);
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            trace?.Fail(ex, timedOut: false);
            if (AsStoreFailure(runtime, ex, cancellationToken) is { } failure)
            {
                throw failure;
            }

            throw;
        }
        finally
        {
            trace?.Stop();
        }
    }

    private static QuotaListOptions Copy(QuotaListOptions? options)
    {
        options ??= new QuotaListOptions();
        if (options.PageSize is < 1 or > QuotaListOptions.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PageSize, $"QuotaListOptions.PageSize must be from 1 to {QuotaListOptions.MaxPageSize}, e.g. 1000.");
        }

        return new QuotaListOptions { At = options.At, PageSize = options.PageSize, Continuation = options.Continuation, IncludeUnused = options.IncludeUnused };
    }
}
