namespace Quota.Tests.Support;

/// <summary>An in-memory store that says it is a database, so telemetry names it.</summary>
public class NamedDatabaseStore(IQuotaStore inner, string system) : DelegatingStore(inner), IQuotaStoreTelemetry
{
    public string? DatabaseSystemName => system;
}

/// <summary>Answers conditional adds only when <see cref="Release"/> is called, as a remote store answers later.</summary>
public sealed class AnswerLaterStore(IQuotaStore inner, string system) : NamedDatabaseStore(inner, system)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _released.TrySetResult();

    public override async ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        await _released.Task.WaitAsync(cancellationToken);
        return await base.TryAddAsync(counter, deltas, expiresAt, cancellationToken);
    }
}

/// <summary>Fails every conditional add with an <see cref="IOException"/>, after a hop to the thread pool; or never answers it.</summary>
public sealed class FailingAddStore(IQuotaStore inner, bool hang = false) : DelegatingStore(inner)
{
    public override async ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        if (hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await Task.Yield();
        throw new IOException("The disk is on fire.");
    }
}
