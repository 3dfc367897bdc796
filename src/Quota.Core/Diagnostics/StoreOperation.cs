namespace Quota;

/// <summary>
/// The <c>db.operation.name</c> of each store call: the <see cref="IQuotaStore"/> method it calls, without <c>Async</c>.
/// </summary>
internal static class StoreOperation
{
    public const string TryAdd = "TryAdd";
    public const string Add = "Add";
    public const string Subtract = "Subtract";
    public const string Reset = "Reset";
    public const string GetOrSetAnchor = "GetOrSetAnchor";
    public const string GetAnchor = "GetAnchor";
    public const string Grant = "Grant";
    public const string ReadCounters = "ReadCounters";
    public const string ListSubjects = "ListSubjects";
    public const string MarkAlert = "TryMarkAlert";

    /// <summary><see cref="IQuotaLeaseStore.LeaseAsync"/>: a leased block reserved, settled or given back.</summary>
    public const string Lease = "Lease";
}
