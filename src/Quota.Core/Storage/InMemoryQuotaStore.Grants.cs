using NodaTime;

namespace Quota;

public sealed partial class InMemoryQuotaStore
{
    /// <inheritdoc />
    public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateGrant(counter, grant, maxTotal);
        cancellationToken.ThrowIfCancellationRequested();
        using (EnterLive(counter, expiresAt, out var entry))
        {
            return new ValueTask<QuotaGrantResult>(entry.Grant(grant, maxTotal));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateAlert(counter, alert);
        cancellationToken.ThrowIfCancellationRequested();
        using (EnterLive(counter, expiresAt, out var entry))
        {
            return new ValueTask<bool>(entry.TryMark(alert));
        }
    }
}
