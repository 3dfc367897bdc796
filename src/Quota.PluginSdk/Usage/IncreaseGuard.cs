using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Quota.PluginSdk;

/// <summary>
/// The argument and state checks every usage client makes before counting, in this order: rows above zero, nothing
/// after close, one counting mode per client. A mutable struct kept in a field, so checking reads two ints and allocates nothing.
/// </summary>
internal struct IncreaseGuard
{
    public const int Unset = 0;
    public const int Total = 1;
    public const int PerTable = 2;

    private int _mode;
    private int _closed;

    /// <summary>Gets the counting mode fixed by the first increase, or <see cref="Unset"/>.</summary>
    public int Mode => Volatile.Read(ref _mode);

    /// <summary>Gets a value indicating whether the client is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Checks an increase in total.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckTotal(uint rows) => Check(Total, rows);

    /// <summary>Checks an increase of one table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckTable(string table, uint rows)
    {
        if (string.IsNullOrEmpty(table))
        {
            ThrowNoTable(table);
        }

        Check(PerTable, rows);
    }

    /// <summary>Marks the client closed.</summary>
    /// <returns><see langword="true"/> for the call that closed it.</returns>
    public bool Close() => Interlocked.Exchange(ref _closed, 1) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Check(int mode, uint rows)
    {
        if (rows == 0)
        {
            ThrowZeroRows();
        }

        // Closed first, so a call on a closed client never fixes the mode: every later call is refused the same way.
        if (Volatile.Read(ref _closed) != 0)
        {
            ThrowClosed();
        }

        if (Volatile.Read(ref _mode) != mode)
        {
            EnterMode(mode);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterMode(int mode)
    {
        var previous = Interlocked.CompareExchange(ref _mode, mode, Unset);
        if (previous != Unset && previous != mode)
        {
            throw new InvalidOperationException(previous == PerTable
                ? "This usage client counts rows per table (IncreaseForTable was called first); count these rows with IncreaseForTable(table, rows) too. A client counts either per table or in total, never both."
                : "This usage client counts rows in total (Increase was called first); count these rows with Increase(rows) too, or create the client anew and call only IncreaseForTable. A client counts either per table or in total, never both.");
        }
    }

    [DoesNotReturn]
    private static void ThrowZeroRows()
        => throw new ArgumentOutOfRangeException("rows", 0u, "Pass 1 or more rows; a batch of 0 rows has nothing to count (skip the call instead).");

    [DoesNotReturn]
    private static void ThrowNoTable(string? table)
        => throw new ArgumentException(table is null ? "Pass the table's name, e.g. \"github_issues\"." : "The table name is empty. Pass the table's name, e.g. \"github_issues\".", nameof(table));

    [DoesNotReturn]
    private static void ThrowClosed()
        => throw new ObjectDisposedException(nameof(IUsageClient), "The usage client is closed, so it counts no more rows. Count every row before CloseAsync, and create a new client for the next sync.");
}
