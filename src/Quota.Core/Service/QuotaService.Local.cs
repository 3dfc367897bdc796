using Microsoft.Extensions.Options;

namespace Quota;

internal sealed partial class QuotaService
{
    /// <summary>
    /// Gives each policy its local grants: the store's own when its counters live in this process (the in-memory store),
    /// leased blocks when the policy leases on a store that can lease, none otherwise. A policy that asks for leases on a
    /// store that cannot lease stops the application here (and at start-up, in the options validator).
    /// </summary>
    private void AttachLocalGrants(TimeProvider timer)
    {
        var source = _store as ILocalGrantSource;
        foreach (var runtime in _policies.Values)
        {
            if (source is not null)
            {
                runtime.Local = source.LocalGrants;
            }
            else if (runtime.Policy.IsLeased)
            {
                if (_store is not IQuotaLeaseStore leasing)
                {
                    throw new OptionsValidationException(Options.DefaultName, typeof(QuotaOptions), [LeaseRefusal(runtime.Name, _store)]);
                }

                runtime.Local = new LeaseGrants(runtime, leasing, _time, timer, _metrics, _storeCalls, _alerts);
            }
        }
    }

    /// <summary>The message for a policy that leases on a store that cannot.</summary>
    internal static string LeaseRefusal(string policy, IQuotaStore store)
        => $"Quota policy '{policy}' has Lease:Enabled, but its store ({store.GetType().Name}) cannot lease: it does not implement IQuotaLeaseStore. "
            + "Use a store that leases (SQLite, Redis, or the in-memory store, which needs no lease), or remove Lease:Enabled.";

    /// <summary>Gives every leased block back and reports what was spent.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var runtime in _policies.Values)
        {
            if (runtime.Local is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    /// <remarks>A host disposes its services asynchronously; a synchronous dispose waits for the store calls.</remarks>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Each meter's spent units: its value in the store less the units held unspent in blocks.</summary>
    private static Dictionary<string, long> Spent(IReadOnlyDictionary<string, long> meters, IReadOnlyDictionary<string, long> held)
    {
        var spent = new Dictionary<string, long>(meters.Count, StringComparer.Ordinal);
        foreach (var (meter, value) in meters)
        {
            spent[meter] = Math.Max(0, value - held.GetValueOrDefault(meter));
        }

        return spent;
    }
}
