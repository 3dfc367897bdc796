using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

internal sealed partial class AdminEndpoints
{
    /// <summary>
    /// <c>POST api/grants</c> with <c>{"policy", "key", "meter", "amount", "reason"}</c>: more allowance for the rest of the
    /// subject's current cycle; answers the usage afterwards, the grant listed with its reason.
    /// </summary>
    public Task GrantAsync(HttpContext context) => RunAsync(context, null, async () =>
    {
        var (body, problem) = await ReadActionAsync(context, AdminJsonContext.Default.GrantRequest, AdminExamples.Grant).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new AdminFields(AdminExamples.Grant);
        var name = errors.Required("policy", body!.Policy, text: true);
        var key = errors.Required("key", body.Key);
        var meter = errors.Required("meter", body.Meter);
        var reason = errors.Required("reason", body.Reason, text: true);
        var amount = errors.Positive("amount", body.Amount);
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
            var usage = await quota.GrantAsync(policy.Name, key, meter, amount, reason, context.RequestAborted).ConfigureAwait(false);
            AdminLog.Granted(logger, Operator(context), amount, meter, key, policy.Name, AdminText.Format(usage.NextResetDate), reason);
            return Json(UsageBody.From(usage), AdminJsonContext.Default.UsageBody);
        }
        catch (ArgumentException ex)
        {
            // The meter has no allowance for this subject, or the limit would pass long.MaxValue: Core says which and what to send.
            return AdminProblems.Invalid(ex.ParamName ?? "body", AdminText.Message(ex));
        }
    });
}
