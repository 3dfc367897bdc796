using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

internal sealed partial class AdminEndpoints
{
    /// <summary><c>GET api/subject?policy=…&amp;key=…</c>: one subject's usage in its current cycle, with grants and alerts.</summary>
    public Task SubjectAsync(HttpContext context) => RunAsync(context, context.Request.Query["policy"], async () =>
    {
        var query = new AdminQuery(context.Request, "policy", "key");
        var name = query.Required("policy", "hello-monthly");
        var key = query.Required("key", "alice");
        if (!query.IsValid)
        {
            return AdminProblems.Invalid(query.Errors);
        }

        if (Find(name, out var policy) is { } unknown)
        {
            return unknown;
        }

        try
        {
            var usage = await quota.GetUsageAsync(policy.Name, key, context.RequestAborted).ConfigureAwait(false);
            return Json(UsageBody.From(usage), AdminJsonContext.Default.UsageBody);
        }
        catch (ArgumentException ex)
        {
            return AdminProblems.Invalid(ex.ParamName ?? "key", AdminText.Message(ex));
        }
    });
}
