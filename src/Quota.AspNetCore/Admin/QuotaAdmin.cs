namespace Quota.AspNetCore;

/// <summary>What a client of the admin API (<c>app.MapQuotaAdmin("/quota-admin")</c>) needs to know.</summary>
public static class QuotaAdmin
{
    /// <summary>
    /// The header every state-changing admin request (<c>POST api/reset</c>, <c>POST api/grants</c>) must carry, with any
    /// non-empty value: <c>X-Quota-Admin: 1</c>. A browser lets a page of another site send a custom header only after a
    /// CORS preflight that the application does not allow, so a request that has it was not forged by another site's
    /// form or script, even when the dashboard's user signed in with a cookie. The dashboard sends it; with curl, add
    /// <c>-H "X-Quota-Admin: 1"</c>.
    /// </summary>
    public const string RequestHeader = "X-Quota-Admin";

    /// <summary>The largest page the listing endpoints return (<c>pageSize</c>). Larger exports use <c>api/export</c>.</summary>
    public const int MaxPageSize = 1_000;

    /// <summary>The page size of the listing endpoints when the request names none.</summary>
    public const int DefaultPageSize = 100;
}
