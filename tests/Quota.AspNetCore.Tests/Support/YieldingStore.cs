using NodaTime;

namespace Quota.AspNetCore.Tests.Support;

/// <summary>The in-memory store, answering every call asynchronously: drives the middleware's async paths.</summary>
public sealed class YieldingStore(IClock clock) : IQuotaStore
{
    private readonly InMemoryQuotaStore _inner = new(clock);

    public async ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.TryAddAsync(counter, deltas, expiresAt, cancellationToken);
    }

    public async ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.AddAsync(counter, deltas, expiresAt, idempotencyId, cancellationToken);
    }

    public async ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.SubtractAsync(counter, deltas, cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.ReadAsync(counter, cancellationToken);
    }

    public async ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        await _inner.ResetAsync(counter, cancellationToken);
    }

    public async ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.GetOrSetAnchorAsync(policy, key, candidate, cancellationToken);
    }

    public async ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.GetAnchorAsync(policy, key, cancellationToken);
    }

    public async ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.GrantAsync(counter, grant, maxTotal, expiresAt, cancellationToken);
    }

    public async ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.TryMarkAlertAsync(counter, alert, expiresAt, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.ReadCountersAsync(counters, cancellationToken);
    }

    public async ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await _inner.ListSubjectsAsync(policy, continuation, limit, cancellationToken);
    }
}
