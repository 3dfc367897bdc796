namespace Quota.AspNetCore.Admin;

/// <summary>The body of <c>POST api/reset</c>: <c>{"policy": "hello-monthly", "key": "alice"}</c>.</summary>
internal sealed class ResetRequest
{
    public string? Policy { get; set; }

    public string? Key { get; set; }
}
