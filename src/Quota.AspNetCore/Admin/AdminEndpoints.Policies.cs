using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

internal sealed partial class AdminEndpoints
{
    /// <summary><c>GET api/policies</c>: every policy with its period, zone, anchor mode, allowances and thresholds.</summary>
    public Task PoliciesAsync(HttpContext context) => RunAsync(context, null, () =>
    {
        var query = new AdminQuery(context.Request);
        IResult result = query.IsValid
            ? Json(new PoliciesBody(quota.Policies.OrderBy(p => p.Name, StringComparer.Ordinal).Select(PolicyBody.From).ToArray()), AdminJsonContext.Default.PoliciesBody)
            : AdminProblems.Invalid(query.Errors);
        return Task.FromResult(result);
    });
}
