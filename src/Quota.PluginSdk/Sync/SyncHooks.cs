using System.Diagnostics.CodeAnalysis;

namespace Quota.PluginSdk;

/// <summary>
/// The two hooks a plugin's sync loop calls so that its paid rows are metered and capped: <see cref="OnBeforeSend"/>
/// for every message, <see cref="OnSyncFinishAsync"/> once at the end (CloudQuery's <c>OnBeforeSend</c> and <c>OnSyncFinish</c>).
/// </summary>
/// <param name="usage">The sync's usage client; the hooks count per table.</param>
public sealed class SyncHooks(IUsageClient usage)
{
    private readonly IUsageClient _usage = usage ?? throw new ArgumentNullException(nameof(usage));

    /// <summary>Gets the usage client the hooks count with.</summary>
    public IUsageClient Usage => _usage;

    /// <summary>
    /// Counts the rows of an insert into a paid table, per table. Other messages, and inserts into free tables, pass
    /// uncounted. Once the allowance (the plugin's, or its team's) is used up the insert is refused: nothing is counted
    /// and it must not be sent.
    /// </summary>
    /// <param name="message">The message about to be sent.</param>
    /// <returns>The message, to send.</returns>
    /// <exception cref="QuotaExceededException">The allowance is used up; stop the sync.</exception>
    /// <exception cref="ObjectDisposedException">The usage client is closed (<see cref="OnSyncFinishAsync"/> was called).</exception>
    public SyncMessage OnBeforeSend(SyncMessage message)
    {
        if (message is SyncInsert insert)
        {
            if (insert.Rows != 0 && insert.Table.IsPaid && !_usage.TryIncreaseForTable(insert.Table.Name, insert.Rows))
            {
                ThrowRefused(insert);
            }
        }
        else
        {
            ArgumentNullException.ThrowIfNull(message);
        }

        return message;
    }

    /// <summary>Closes the usage client: every counted row is recorded before the task completes.</summary>
    /// <returns>The close's outcome; the same when called again.</returns>
    /// <exception cref="UsageReportException">Rows could not be recorded; the store's failure is the inner exception.</exception>
    public Task OnSyncFinishAsync() => _usage.CloseAsync();

    [DoesNotReturn]
    private void ThrowRefused(SyncInsert insert)
        => throw QuotaExceededException.For(_usage, resetsAt: null, $", so {insert.Rows} rows of '{insert.Table.Name}' were not sent");
}
