using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

internal sealed partial class AdminEndpoints
{
    /// <summary>
    /// <c>POST api/reset</c> with <c>{"policy": …, "key": …}</c>: the subject's meters in its current cycle back to zero
    /// (anchor, grants and fired alerts kept); answers the usage afterwards.
    /// </summary>
    public Task ResetAsync(HttpContext context) => RunAsync(context, null, async () =>
    {
        var (body, problem) = await ReadActionAsync(context, AdminJsonContext.Default.ResetRequest, AdminExamples.Reset).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new AdminFields(AdminExamples.Reset);
        var name = errors.Required("policy", body!.Policy, text: true);
        var key = errors.Required("key", body.Key);
        if (!errors.IsValid)
        {
            return AdminProblems.Invalid(errors.Errors);
        }

        if (Find(name, out var policy) is { } unknown)
        {
            return unknown;
        }

        try
        {
            await quota.ResetAsync(policy.Name, key, context.RequestAborted).ConfigureAwait(false);
            var usage = await quota.GetUsageAsync(policy.Name, key, context.RequestAborted).ConfigureAwait(false);
            AdminLog.Reset(logger, Operator(context), key, policy.Name, AdminText.Format(usage.NextResetDate));
            return Json(UsageBody.From(usage), AdminJsonContext.Default.UsageBody);
        }
        catch (ArgumentException ex)
        {
            return AdminProblems.Invalid(ex.ParamName ?? "key", AdminText.Message(ex));
        }
    });
}
