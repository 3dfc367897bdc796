using System.Runtime.CompilerServices;

namespace Quota;

/// <summary>Operations on <see cref="IQuotaService"/> built from its listing: exports for billing runs, and the alerts fired this cycle.</summary>
public static class QuotaServiceExtensions
{
    /// <summary>
    /// Writes the policy's usage listing (<see cref="IQuotaService.ListUsageAsync"/>) to <paramref name="destination"/> as
    /// CSV or JSON Lines (see <see cref="QuotaUsageExport"/>), a page at a time: memory stays flat however many subjects.
    /// </summary>
    /// <param name="quota">The quota service.</param>
    /// <param name="policy">The policy's name.</param>
    /// <param name="destination">The stream written to, e.g. a file; left open.</param>
    /// <param name="format">CSV or JSON Lines.</param>
    /// <param name="options">Which cycle to list (now by default) and the page size.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of subjects written.</returns>
    public static Task<long> ExportUsageAsync(this IQuotaService quota, string policy, Stream destination, QuotaExportFormat format, QuotaListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(destination);
        return QuotaUsageExport.WriteAsync(quota.ListUsageAsync(policy, options, cancellationToken), destination, format, cancellationToken);
    }

    /// <summary>
    /// Lists the threshold alerts that fired in each subject's cycle containing <see cref="QuotaListOptions.At"/> (now by
    /// default), subject by subject in listing order and, within a subject, in the order they fired.
    /// </summary>
    /// <param name="quota">The quota service.</param>
    /// <param name="policy">The policy's name.</param>
    /// <param name="options">Which cycle to list and the page size.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The fired alerts, each with its subject's usage now.</returns>
    public static IAsyncEnumerable<QuotaFiredAlert> ListFiredAlertsAsync(this IQuotaService quota, string policy, QuotaListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return FiredAlertsAsync(quota.ListUsageAsync(policy, options, cancellationToken), cancellationToken);
    }

    private static async IAsyncEnumerable<QuotaFiredAlert> FiredAlertsAsync(IAsyncEnumerable<QuotaUsage> usages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var usage in usages.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var alert in usage.Alerts)
            {
                yield return new QuotaFiredAlert(usage.Policy, usage.Key, alert.Meter, alert.Percent, alert.FiredAt, usage);
            }
        }
    }
}
