namespace Quota;

/// <summary>
/// Leased allowances for one policy (<c>Quota:Policies:{name}:Lease</c>): each instance reserves a small block of a
/// subject's allowance in the shared store and grants from it in memory, at in-memory speed, never over the allowance.
/// </summary>
/// <remarks>
/// <para>
/// A block is counted as used in the store the moment it is reserved, so the instances together can never grant more
/// than the allowance. Blocks are sized from the subject's recent demand on this instance (about half a
/// <see cref="SettleInterval"/> of it) and shrink as the allowance runs out, down to one-by-one consumes in the store
/// for the last units. Every <see cref="SettleInterval"/> an instance reports what it spent and resizes its block; an
/// idle instance gives its block back, and so does one whose cycle ended or that shuts down.
/// </para>
/// <para>
/// What "usage" then means: <see cref="QuotaUsage.Meters"/> counts what is spent, and <see cref="QuotaUsage.Reserved"/>
/// what instances hold in blocks and have not spent. Another instance's spending shows after at most one
/// <see cref="SettleInterval"/>. A crashed instance cannot say what it granted from its last block, so that block
/// counts as spent for the rest of the cycle: a crash under-grants by at most one block, never over-grants.
/// </para>
/// <para>The store must lease (implement <see cref="IQuotaLeaseStore"/>); the in-memory store needs no lease and accepts the option as it is.</para>
/// </remarks>
public sealed class QuotaLeaseOptions
{
    /// <summary>Gets or sets a value indicating whether consumes are granted from leased blocks. Defaults to <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets or sets how often an instance reports what it spent and resizes (or, when idle, gives back) its blocks: the
    /// most another instance's spending lags in <see cref="IQuotaService.GetUsageAsync(string, QuotaSubject, CancellationToken)"/>, and the
    /// longest an idle instance holds units another instance could use. Defaults to one second; from 10 ms to 1 minute.
    /// </summary>
    public TimeSpan SettleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how long the store keeps a block whose holder stopped settling (a crashed or frozen process) before
    /// it forgets it; each settle renews it. What the holder had not reported counts as spent. Defaults to 30 seconds and
    /// must be at least three <see cref="SettleInterval"/>s.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the most units of one meter an instance holds for one subject, bounding what a crash can cost.
    /// <see langword="null"/> (the default) sizes blocks by demand alone.
    /// </summary>
    public long? MaxBlock { get; set; }
}
