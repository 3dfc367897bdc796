namespace Quota;

/// <summary>
/// The in-memory store's local grants: its counters are already in this process, so it grants from them directly and
/// never leases (a lease would only reserve units from itself). A policy with <c>Lease:Enabled</c> runs unchanged on it.
/// </summary>
internal sealed class InMemoryGrants(InMemoryQuotaStore store) : LocalGrants
{
    public override bool TryConsume(CycleBox box, in QuotaCounterKey counter, QuotaMeterDelta[] deltas, CancellationToken cancellationToken, out QuotaStoreResult result)
    {
        result = store.TryAdd(box, counter, deltas, cancellationToken);
        return true;
    }
}
