namespace Quota.AspNetCore.Admin;

/// <summary>
/// The body of <c>POST api/grants</c>:
/// <c>{"policy": "hello-monthly", "key": "alice", "meter": "requests", "amount": 5, "reason": "support ticket 4711"}</c>.
/// </summary>
internal sealed class GrantRequest
{
    public string? Policy { get; set; }

    public string? Key { get; set; }

    public string? Meter { get; set; }

    public long? Amount { get; set; }

    public string? Reason { get; set; }
}
