namespace Quota.AspNetCore.Admin;

/// <summary>The request bodies the problem details show as examples of what to send.</summary>
internal static class AdminExamples
{
    public const string Reset = """{"policy": "hello-monthly", "key": "alice"}""";

    public const string Grant = """{"policy": "hello-monthly", "key": "alice", "meter": "requests", "amount": 5, "reason": "support ticket 4711"}""";
}
